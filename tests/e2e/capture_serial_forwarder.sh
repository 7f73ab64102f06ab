# capture serial --mode forwarder and --mode plotter: Edge Impulse data-forwarder lines and
# Serial Plotter name:value pairs from a fake board; an ERR line, junk, the rate given or
# detected from the lines' pace, the board unplugged mid-sample.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/capture_helpers.bash"

# Given rate: 50 Hz, 500 ms samples = 25 rows; 3 samples and 10 rows, then unplugged.
cat >scenario.py <<'PYEOF'
rows = ["%d%s%.2f%s%d" % (i, "," if i % 3 == 0 else "\t" if i % 3 == 1 else " ", i / 4, ", ", -i)
        for i in range(85)]
lines(["Edge Impulse data forwarder sketch", "Accelerometer ready"] + rows[:30])
lines(["ERR: failed to read the IMU", "not, a, number"] + rows[30:60] + ["1,2"] + rows[60:])
vanish()
PYEOF
capture_device scenario.py --mode forwarder --rate 50 --length-ms 500 --axes accX,accY,accZ \
  --into ds --label idle
expect_eq "$RC" 0 "forwarder exit code"
expect_stderr "the device reported: ERR: failed to read the IMU"
expect_stderr "dropped its 10 of 25 rows"
expect_stderr "kept 3 samples of 'idle' in ds \(the device went away, skipped 4 stray lines, dropped 1 partial sample, 1 ERR line\)"
check_dataset ds idle 3
"$PY" - <<'PYEOF' || fail "forwarder sample contents"
import json
lines = [json.loads(l) for l in open("ds/samples.jsonl")]
for k, line in enumerate(lines):
    text = open("ds/" + line["path"]).read().splitlines()
    assert text[0] == "accX,accY,accZ", text[0]
    want = ["%d,%.2f,%d" % (i, i / 4, -i) for i in range(25 * k, 25 * k + 25)]
    assert text[1:] == want, (k, text[1:4], want[:3])
    assert line["csv"] == {"rows": 25, "columns": 3, "header": ["accX", "accY", "accZ"], "rate": 50}, line
PYEOF

# Detected rate: lines paced at 40 per second; 250 ms samples = 10 rows.
cat >scenario2.py <<'PYEOF'
lines(["%d,%d,%d" % (i, 2 * i, 3 * i) for i in range(200)], rate=40)
PYEOF
capture_device scenario2.py --mode forwarder --length-ms 250 --into ds2 --label wave --count 4
expect_eq "$RC" 0 "forwarder with rate detection"
expect_stderr "detected a rate of (3[0-9]|4[0-9]) Hz"  # 40, give or take a busy machine
check_dataset ds2 wave 4
"$PY" - <<'PYEOF' || fail "detected-rate samples"
import json
lines = [json.loads(l) for l in open("ds2/samples.jsonl")]
rate = lines[0]["csv"]["rate"]
rows = round(rate * 0.25 + 1e-9)
start = 0
for line in lines:
    text = open("ds2/" + line["path"]).read().splitlines()
    assert text[0] == "v1,v2,v3" and len(text) == rows + 1, (text[0], len(text), rows)
    first = int(text[1].split(",")[0])
    assert first == start, (first, start)
    assert text[1:] == ["%d,%d,%d" % (i, 2 * i, 3 * i) for i in range(first, first + rows)]
    start += rows
PYEOF

# Serial Plotter pairs, 10 Hz given, 300 ms samples = 3 rows; another variable is skipped.
cat >scenario3.py <<'PYEOF'
rows = ["Ax:%.2f Ay:%.2f Az:%.2f" % (i / 100, -0.99, i / 10) for i in range(10)]
lines(rows[:4] + ["Temp:21.5", "hello"] + rows[4:])
vanish()
PYEOF
capture_device scenario3.py --mode plotter --rate 10 --length-ms 300 --into ds3 --label tilt
expect_eq "$RC" 0 "plotter exit code"
expect_stderr "kept 3 samples of 'tilt'"
check_dataset ds3 tilt 3
"$PY" - <<'PYEOF' || fail "plotter sample contents"
import json
lines = [json.loads(l) for l in open("ds3/samples.jsonl")]
text = open("ds3/" + lines[1]["path"]).read().splitlines()
assert text == ["Ax,Ay,Az", "0.03,-0.99,0.30", "0.04,-0.99,0.40", "0.05,-0.99,0.50"], text
PYEOF
