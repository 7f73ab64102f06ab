# tinyprep plot (issue 15): every kind as PNG and SVG from the same drawing code, with its size
# and non-trivial content checked; the same bytes twice; balance's bar heights proportional to
# the counts, and the PNG's pixels under each SVG bar in that bar's colour; UTF-8 labels in
# the SVG text; a waveform's events marked. Bad input for report and plot: media partly
# missing (report written, problems listed, exit 1), an undecodable clip (listed, the rest
# shown), -o into a missing folder, a picture that is neither .png nor .svg.
source "$(dirname "$0")/lib.sh"

copy_fsdd
tp import --pattern '{label}_{group}_{take}.wav' fsdd 2>/dev/null |
  tp split --ratios 80,10,10 --stratify - -o split.jsonl 2>/dev/null
cp -r "$TEST_DATA"/images/person_detection imgs
cp -r "$TEST_DATA"/imu/tf_magic_wand_accel imu
"$PY" - <<'PY'
import json
out = open("m.jsonl", "w", encoding="utf-8")
for l in open("split.jsonl", encoding="utf-8"):
    j = json.loads(l)
    j["label"] = {"0": "ሰላም", "1": "não"}.get(j["label"], j["label"])
    if j["id"] == "2_george_0":
        j["events"] = [{"offset_ms": 50, "length_ms": 100, "label": "word"},
                       {"offset_ms": 200, "length_ms": 60}]
    out.write(json.dumps(j, ensure_ascii=False) + "\n")
PY
tp import imgs >imgs.jsonl 2>/dev/null
tp import imu >imu.jsonl 2>/dev/null

check_png() {  # FILE MIN_WIDTH MIN_HEIGHT
  "$PY" - "$(dirname "$0")" "$@" <<'PY' || fail "$1 is blank or the wrong size"
import sys, collections
sys.path.insert(0, sys.argv[1])
from capture_png import read_png
w, h, ch, px = read_png(sys.argv[2])
assert w >= int(sys.argv[3]) and h >= int(sys.argv[4]), (w, h)
colours = collections.Counter(px[i:i + 3] for i in range(0, len(px), ch))
white = colours[b"\xff\xff\xff"] / (w * h)
assert len(colours) >= 20 and white < 0.97, (len(colours), white)
PY
}
check_svg() {  # FILE: well-formed XML with drawing and text in it
  "$PY" - "$1" <<'PY' || fail "$1 is not a good SVG"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg"
assert len(root.findall(".//" + ns + "text")) >= 2
assert len(list(root.iter())) >= 5
PY
}
for spec in "balance m.jsonl" "spectrogram m.jsonl" "waveform m.jsonl --id 2_george_0" \
  "images imgs.jsonl" "imu imu.jsonl" "spectrogram m.jsonl --per-label 3"; do
  set -- $spec
  kind=$1
  name=$(echo "$spec" | tr -c 'a-z0-9\n' _)
  tp plot "$@" -o "$name.png" 2>"$name.err" || { cat "$name.err" >&2; fail "plot $spec"; }
  tp plot "$@" -o "$name.svg" || fail "plot $spec (svg)"
  tp plot "$@" -o "again.png" --force && cmp -s "$name.png" again.png || fail "$spec: not deterministic"
  tp plot "$@" -o "again.svg" --force && cmp -s "$name.svg" again.svg || fail "$spec: SVG not deterministic"
  check_png "$name.png" 1280 720
  check_svg "$name.svg"
done
# --per-label 3 of 10 labels: a grid that grows downwards.
"$PY" -c "
import sys; sys.path.insert(0, '$(dirname "$0")')
from capture_png import read_png
w, h, _, _ = read_png('spectrogram_m_jsonl___per_label_3.png'); assert h >= 2000, h"

# balance: every bar's height is proportional to its count, the counts are the manifest's,
# and the PNG has each SVG bar's colour at its centre (one drawing code).
"$PY" - "$(dirname "$0")" <<'PY' || fail "balance bars do not match the counts"
import sys, json, collections, xml.etree.ElementTree as ET
sys.path.insert(0, sys.argv[1])
from capture_png import read_png
counts = collections.Counter()
for l in open("m.jsonl", encoding="utf-8"):
    j = json.loads(l); counts[(j["label"], j["split"])] += 1
ns = "{http://www.w3.org/2000/svg}"
bars = [r for r in ET.parse("balance_m_jsonl.svg").getroot().iter(ns + "rect")
        if r.get("data-value")]
assert len(bars) == len(counts), (len(bars), len(counts))
w, h, ch, px = read_png("balance_m_jsonl.png")
ratios = []
for r in bars:
    key = (r.get("data-category"), r.get("data-series"))
    assert float(r.get("data-value")) == counts[key], key
    ratios.append(float(r.get("height")) / counts[key])
    x = float(r.get("x")) + float(r.get("width")) / 2
    y = float(r.get("y")) + float(r.get("height")) / 2
    at = (int(y) * w + int(x)) * ch
    assert "#%02x%02x%02x" % tuple(px[at:at + 3]) == r.get("fill"), (key, px[at:at + 3], r.get("fill"))
assert max(ratios) - min(ratios) < 0.05, ratios
texts = "".join(t.text or "" for t in ET.parse("balance_m_jsonl.svg").getroot().iter(ns + "text"))
assert "ሰላም" in texts and "não" in texts
PY
# The waveform marks the line's two events.
expect_eq "$(grep -c 'class="event"' waveform_m_jsonl___id_2_george_0.svg)" 2 "events marked"

# Bad input. Media partly missing: the report is written, the missing file listed, exit 1.
head -20 m.jsonl >broken.jsonl
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("broken.jsonl", encoding="utf-8")]
lines[3]["path"] = "fsdd/not_there.wav"
open("fsdd/garbage.wav", "wb").write(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
lines[5]["path"] = "fsdd/garbage.wav"
with open("broken.jsonl", "w", encoding="utf-8") as f:
    for j in lines:
        f.write(json.dumps(j, ensure_ascii=False) + "\n")
PY
rc=0
tp report broken.jsonl -o broken.html 2>broken.err || rc=$?
expect_eq "$rc" 1 "report of missing media"
[ -s broken.html ] || fail "no report written for a manifest with missing media"
grep -q 'not_there.wav' broken.html || fail "the missing file is not listed"
grep -q 'garbage.wav' broken.html || fail "the undecodable file is not listed"
[ "$(grep -c "<div class=\"example\"" broken.html)" = 4 ] && grep -q "cannot be shown" broken.html && [ "$(grep -o "<svg" broken.html | wc -l)" -ge 8 ] || fail "the other samples are not shown"
expect_fail 1 "nowhere.*no such folder" -- tp report m.jsonl -o nowhere/r.html
expect_fail 1 "nowhere.*no such folder" -- tp plot balance m.jsonl -o nowhere/b.png
expect_fail 2 "png or .svg" -- tp plot balance m.jsonl -o b.jpg
expect_fail 2 "examples" -- tp report m.jsonl -o r.html --examples -1
# stdin works, its paths relative to the working directory.
tp report - -o stdin.html <m.jsonl 2>/dev/null || fail "report from stdin"
grep -q '2_george_0' stdin.html || fail "report from stdin lacks its samples"
echo ok
