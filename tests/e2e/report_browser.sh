# tinyprep report (issue 15) opened in a real browser: Debian's Chromium, headless, on a report
# of the bundled FSDD clips (two labels renamed to UTF-8 ones). The DOM after loading has the
# per-split counts and every label; a 1280x800 screenshot is not blank (many colours, the chart
# region not uniform); the file references nothing over the network; the console shows no
# JavaScript error. Skips (77) only where Chromium cannot be installed, never under CI.
source "$(dirname "$0")/lib.sh"

if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
      fonts-sil-abyssinica >/dev/null 2>&1 || true
  fi
fi
if ! command -v chromium >/dev/null; then
  [ -n "${CI:-}" ] && fail "chromium cannot be installed, and CI must run this test"
  echo "SKIP: chromium is not installed and cannot be installed here (apt-get install chromium)"
  exit 77
fi
browser() { chromium --headless=new --no-sandbox --disable-gpu "$@"; }

copy_fsdd
tp import --pattern '{label}_{group}_{take}.wav' fsdd 2>/dev/null |
  tp split --ratios 80,10,10 --stratify - -o split.jsonl 2>/dev/null
"$PY" - <<'PY'
import json
out = open("m.jsonl", "w", encoding="utf-8")
for l in open("split.jsonl", encoding="utf-8"):
    j = json.loads(l)
    j["label"] = {"0": "ሰላም", "1": "não"}.get(j["label"], j["label"])
    out.write(json.dumps(j, ensure_ascii=False) + "\n")
PY
start=$(date +%s%N)
tp report m.jsonl -o report.html 2>report.err || { cat report.err >&2; fail "report"; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "report of $(wc -l <m.jsonl) samples: $(stat -c %s report.html) bytes in $ms ms"

# Self-contained: no network reference of any kind.
grep -Eo 'https?://[^"<> ]*' report.html && fail "the report references the network"
grep -q '<script' report.html && fail "the report carries a script (none is needed)"

# The DOM after Chromium ran: per-split counts and every label.
browser --dump-dom "file://$WORK/report.html" >dom.html 2>/dev/null
"$PY" - <<'PY' || fail "the DOM lacks counts or labels"
import json, re, collections
dom = open("dom.html", encoding="utf-8").read()
lines = [json.loads(l) for l in open("m.jsonl", encoding="utf-8")]
per_split = collections.Counter(j["split"] for j in lines)
table = dom[dom.index('id="splits"'):]
table = table[:table.index("</table>")]
for split, n in per_split.items():
    assert re.search(r"<td class=\"l\">%s</td><td>%d</td>" % (split, n), table), (split, n)
for label in {j["label"] for j in lines}:
    assert ">" + label + "<" in dom, label
assert "ሰላም" in dom and "não" in dom
counts = dom[dom.index('id="counts"'):]
assert "<th>%d</th>" % len(lines) in counts[:counts.index("</table>")]
PY

# A screenshot at 1280x800: many colours, and the chart region is not one colour.
browser --screenshot="$WORK/shot.png" --window-size=1280,800 --hide-scrollbars \
  "file://$WORK/report.html" >/dev/null 2>&1
[ -s shot.png ] || fail "no screenshot"
"$PY" - "$(dirname "$0")" <<'PY' || fail "the screenshot looks blank"
import sys, collections
sys.path.insert(0, sys.argv[1])
from capture_png import read_png
w, h, ch, px = read_png("shot.png")
assert (w, h) == (1280, 800), (w, h)
colours = collections.Counter(px[i:i + 3] for i in range(0, len(px), ch))
assert len(colours) >= 64, len(colours)
# The stacked bar chart sits in the upper middle of the first screen.
region = collections.Counter()
for y in range(300, 600, 2):
    row = px[(y * w) * ch:((y + 1) * w) * ch]
    for x in range(100, 1200, 2):
        region[row[x * ch:x * ch + 3]] += 1
top = region.most_common(3)
total = sum(region.values())
assert top[0][1] < 0.8 * total, top
assert len([c for c, n in region.items() if n > 0.03 * total]) >= 3, top
print("screenshot: %d colours, chart region %d colours" % (len(colours), len(region)))
PY

# No JavaScript error on the console.
browser --enable-logging=stderr --v=0 --dump-dom "file://$WORK/report.html" >/dev/null 2>console.log
if grep -E 'CONSOLE|Uncaught' console.log | grep -Eiq 'error|uncaught'; then
  grep -E 'CONSOLE|Uncaught' console.log >&2
  fail "JavaScript errors on the console"
fi
echo "ok"
