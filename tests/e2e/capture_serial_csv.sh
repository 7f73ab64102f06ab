# capture serial --mode csv: the IMU_Capture sketch played by a fake board on a pty, with boot
# text, stray debug lines, a truncated gesture, a gesture split into tiny reads, and the board
# unplugged in the middle of a gesture.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/capture_helpers.bash"

cat >gestures.py <<'PYEOF'
# Gesture g, row i, as the sketch prints it (3 decimals, g and deg/s).
def gesture(g, n=119):
    return ["%.3f,%.3f,%.3f,%.3f,%.3f,%.3f" % (g + i / 1000, -i / 1000, 1.0, g * 10.0, i * 0.5, -2.25)
            for i in range(n)]
PYEOF

cat >scenario.py <<'PYEOF'
exec(open("gestures.py").read())
lines(["", "Started", "aX,aY,aZ,gX,gY,gZ"])
lines(gesture(1) + [""])
lines(gesture(2)[:60] + ["IMU debug: clipped", "gX,gY,gZ", "1.0,2.0"] + gesture(2)[60:] + [""])
lines(gesture(3, 100) + [""])                           # too short: dropped with --rows 119
lines(gesture(4) + [""])
send("\r\n".join(gesture(5) + ["", ""]), chunk=7, delay=0.0005)  # tiny reads
lines(gesture(6)[:50])                                  # unplugged in the middle
vanish()
PYEOF

capture_device scenario.py --mode csv --rows 119 --into ds --label punch --group alice
expect_eq "$RC" 0 "exit code after the board vanished with samples kept"
expect_stderr "dropped gesture 3: 100 rows, expected 119"
expect_stderr "the device went away in the middle of a gesture: dropped its 50 rows"
expect_stderr "kept 4 samples of 'punch' in ds \(the device went away, skipped 4 stray lines, dropped 1 sample of the wrong length, dropped 1 partial sample\)"
check_dataset ds punch 4

"$PY" - <<'PYEOF' || fail "gesture contents"
import json
exec(open("gestures.py").read())
lines = [json.loads(l) for l in open("ds/samples.jsonl")]
for line, g in zip(lines, [1, 2, 4, 5]):
    text = open("ds/" + line["path"]).read()
    assert text == "\n".join(["aX,aY,aZ,gX,gY,gZ"] + gesture(g)) + "\n", (g, text[:200])
    assert line["csv"] == {"rows": 119, "columns": 6, "header": ["aX", "aY", "aZ", "gX", "gY", "gZ"]}
    assert line["group"] == "alice" and line["source"].startswith("serial:/dev/pts/"), line
info = json.load(open("ds/dataset.json"))
assert info["modality"] == "imu" and info["format"]["imu_columns"][0] == "aX", info
PYEOF

# A second label into the same dataset, stopped by --count while the board keeps talking.
cat >scenario2.py <<'PYEOF'
exec(open("gestures.py").read())
lines(["aX,aY,aZ,gX,gY,gZ"])
for g in range(10, 20):
    lines(gesture(g) + [""])
PYEOF
capture_device scenario2.py --mode csv --into ds --label flex --count 2
expect_eq "$RC" 0 "exit code with --count reached"
expect_stderr "kept 2 of 2 samples of 'flex' in ds$"
check_dataset ds flex 2
check_dataset ds punch 4
expect_eq "$(json_get ds/dataset.json 'd["labels"]')" "['punch', 'flex']" "dataset labels"

# The board goes away before a gesture is finished: nothing captured, exit 1.
cat >scenario3.py <<'PYEOF'
exec(open("gestures.py").read())
lines(["aX,aY,aZ,gX,gY,gZ"] + gesture(1)[:10])
vanish()
PYEOF
capture_device scenario3.py --mode csv --into ds --label wave
expect_eq "$RC" 1 "exit code when nothing was captured"
expect_stderr "nothing captured \(the device went away, dropped 1 partial sample\)"
expect_eq "$(wc -l <ds/samples.jsonl)" 6 "manifest lines after a capture that kept nothing"
