# segment --mode labels on an Audacity label track, and --mode trigger/windows on an IMU stream
# built here with known gesture starts (issue 14), with the bad inputs of the issue.
source "$(dirname "$0")/lib.sh"

# ---- labels: a take of three FSDD clips, a track as Audacity 3.x exports it ----
"$PY" - "$TEST_DATA" <<'PYEOF'
import sys, numpy as np, soundfile as sf
d = sys.argv[1]
x = [sf.read(f"{d}/fsdd/{n}.wav", dtype="int16")[0] for n in ("3_theo_0", "7_theo_0", "3_theo_1")]
z = lambda n: np.zeros(n, "int16")
# digits at 0, 1 and 2 s, then 0.25 s of silence: 2.528 s
y = np.concatenate([x[0], z(8000 - len(x[0])), x[1], z(8000 - len(x[1])), x[2], z(2000)])
sf.write("take.wav", y, 8000, subtype="PCM_16")
PYEOF
printf '0.000000\t0.500000\tthree\n\\\t100.000000\t3500.000000\n1.250000\t1.250000\tseven\n2.000000\t9.000000\tthree\n' >take.txt
echo '{"id":"take","path":"take.wav","group":"theo","split":"test"}' >take.jsonl
tp segment --mode labels --labels take.txt -o clips take.jsonl >out.jsonl 2>err.txt \
  || { cat err.txt >&2; fail "labels failed"; }
grep -q "warning: take.txt:4: region 2.000-9.000 s runs past the end of take.wav (.* s): clipped" err.txt \
  || { cat err.txt >&2; fail "no warning for a region past the end"; }
"$PY" - <<'PYEOF' || fail "labels: clips differ from the track"
import json, soundfile as sf
take, _ = sf.read("take.wav", dtype="int16")
lines = [json.loads(l) for l in open("out.jsonl")]
assert [(l["id"], l["label"], l["offset_ms"], l["length_ms"]) for l in lines] == [
    ("take@0", "three", 0, 500), ("take@750", "seven", 750, 1000),
    ("take@2000", "three", 2000, round(len(take) / 8 - 2000, 3))], lines
for l, (a, b) in zip(lines, [(0, 4000), (6000, 14000), (16000, len(take))]):
    x, _ = sf.read(l["path"], dtype="int16")
    assert (x == take[a:b]).all(), l["id"]
    assert l["group"] == "theo" and l["split"] == "test" and l["source"] == "take"
    assert l["path"] == f"clips/{l['label']}/{l['id']}.wav", l["path"]
PYEOF
# A folder of tracks, matched by the take's file stem; a take without one is a warning.
mkdir tracks && cp take.txt tracks/take.txt
printf '{"id":"take","path":"take.wav"}\n{"id":"other","path":"take.wav"}\n' >two.jsonl
sed -i 's/"other","path":"take.wav"/"other","path":"other.wav"/' two.jsonl && cp take.wav other.wav
rm tracks/take.txt && cp take.txt tracks/other.txt
tp segment --mode labels --labels tracks -o c2 two.jsonl >two.out 2>two.err || fail "labels DIR failed"
grep -q "warning: two.jsonl:1: take.wav: no label track tracks/take.txt: no clips" two.err \
  || { cat two.err >&2; fail "no warning for a take without a track"; }
expect_eq "$(cut -c1-20 two.out | tr '\n' ' ')" \
  '{"id":"other@0","pat {"id":"other@750","p {"id":"other@2000"," ' "clips from the matched track"
# A malformed line: an error naming the file and line, no manifest.
printf '1.0\t2.0\tyes\n1.5 2.5 no\n' >bad.txt
expect_fail 1 "tinyprep segment: bad.txt:2: not a label line" \
  -- tp segment --mode labels --labels bad.txt -o c3 -O bad.jsonl take.jsonl
[ -e bad.jsonl ] && fail "a failed run wrote its manifest"

# ---- IMU: a 119 Hz stream (IMU_Capture's columns, g and dps) with gestures at known rows ----
"$PY" <<'PYEOF'
import json, numpy as np
rng = np.random.default_rng(5)
rows = 2000
a = rng.normal(0, 0.05, (rows, 3)) + [0, 0, 1.0]  # at rest: 1 g on z
g = rng.normal(0, 3, (rows, 3))
starts = [150, 420, 700, 1100, 1600]
for s in starts:
    t = np.arange(119)
    a[s:s + 119, 0] += 3.0 * np.minimum(1, (t + 1) / 4) * np.cos(np.pi * t / 236)  # a swing from row s
    g[s:s + 119, 1] += 400 * np.sin(2 * np.pi * t / 118)
with open("imu.csv", "w") as f:
    f.write("aX,aY,aZ,gX,gY,gZ\n")
    for r in range(rows):
        f.write(",".join(f"{v:.3f}" for v in [*a[r], *g[r]]) + "\n")
        if r % 300 == 299: f.write("\n")  # IMU_Capture's blank lines between gestures
json.dump(starts, open("starts.json", "w"))
PYEOF
echo '{"id":"wand","path":"imu.csv","label":"punch","csv":{"rows":2000,"columns":6,"rate":119}}' >imu.jsonl
tp segment --mode trigger --threshold 2.5 -o g imu.jsonl >g.jsonl 2>g.err || { cat g.err >&2; fail "trigger failed"; }
"$PY" - <<'PYEOF' || fail "trigger: windows differ from the gestures"
import json
starts = json.load(open("starts.json"))
lines = [json.loads(l) for l in open("g.jsonl")]
got = [l["offset_rows"] for l in lines]
# the sum |aX|+|aY|+|aZ| reaches 2.5 within the first rows of each swing
assert len(got) == len(starts) and all(0 <= r - s <= 3 for r, s in zip(got, starts)), (got, starts)
src = [l for l in open("imu.csv").read().splitlines() if l][1:]
for l in lines:
    assert l["rows"] == 119 and l["id"] == f"wand@{round(l['offset_rows'] * 1000 / 119)}", l
    assert l["length_ms"] == round(119 * 1000 / 119, 3) and l["csv"]["header"][0] == "aX"
    body = open(l["path"]).read().splitlines()
    assert body[0] == "aX,aY,aZ,gX,gY,gZ" and body[1:] == src[l["offset_rows"]:l["offset_rows"] + 119], l["id"]
PYEOF
# --pre-rows keeps rows before the trigger.
tp segment --mode trigger --pre-rows 10 -o g2 imu.jsonl 2>/dev/null >g2.jsonl
expect_eq "$(json_get <(head -1 g2.jsonl) 'd["offset_rows"]')" \
  "$(( $(json_get <(head -1 g.jsonl) 'd["offset_rows"]') - 10 ))" "--pre-rows 10"
# windows: 2000 rows, 119 a window every 119 -> 16.
tp segment --mode windows --rows 119 -o w imu.jsonl 2>/dev/null >w.jsonl
expect_eq "$(wc -l <w.jsonl)" 16 "IMU windows"
# An axis the CSV lacks: usage error listing its columns.
expect_fail 2 "--axes 'mX': no such column; its columns are aX, aY, aZ, gX, gY, gZ" \
  -- tp segment --mode trigger --axes aX,mX -o x imu.jsonl
# No rate: --rate gives it.
echo '{"id":"wand","path":"imu.csv"}' >norate.jsonl
expect_fail 2 "no csv.rate: give the rows per second with --rate" -- tp segment --mode windows --rows 119 -o x norate.jsonl
tp segment --mode windows --rows 119 --rate 119 -o x norate.jsonl >/dev/null 2>&1 || fail "--rate refused"
# A ragged row: an error naming its line.
sed '5s/$/,1.0/' imu.csv >ragged.csv
echo '{"id":"r","path":"ragged.csv","csv":{"rate":119}}' >ragged.jsonl
expect_fail 1 "ragged.csv:5: row has 7 columns, expected 6" -- tp segment --mode trigger -o x ragged.jsonl
# Modes that do not fit the media.
expect_fail 1 "imu.csv: --mode events cuts audio, not CSV" -- tp segment --mode events -o x imu.jsonl
expect_fail 2 "--length-ms: 'ten' is not a whole number" -- tp segment --mode events --length-ms ten -o x imu.jsonl
echo "ok"
