# Ctrl-C (SIGINT) during capture serial keeps every finished sample, reports them and exits
# 130 (interrupted, as for every command); before any sample is finished it exits 130 with
# nothing captured. SIGTERM behaves the same.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/capture_helpers.bash"

cat >scenario.py <<'PYEOF'
lines(["aX,aY,aZ,gX,gY,gZ"])
for g in range(400):  # about 0.06 s a gesture, far more than the test waits for
    lines(["%d.000,0.%03d,1.000,0.000,0.000,0.000" % (g, i) for i in range(119)] + [""], rate=2000)
PYEOF

# wait_lines FILE N: until FILE has at least N lines (10 s at most).
wait_lines() {
  for _ in $(seq 500); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.02
  done
  fail "$1 never reached $2 lines"
}

for signal in INT TERM; do
  rm -rf ds
  start_device scenario.py
  start_capture --mode csv --rows 119 --into ds --label circle
  wait_lines ds/samples.jsonl 3
  kill -"$signal" "$CAPTURE_PID"
  wait_capture
  expect_eq "$RC" 130 "exit code after SIG$signal with samples kept"
  expect_stderr "kept [0-9]+ samples of 'circle' in ds \(interrupted"
  kept=$(wc -l <ds/samples.jsonl)
  [ "$kept" -ge 3 ] || fail "only $kept samples kept"
  check_dataset ds circle "$kept"
  expect_eq "$(find ds/data/circle -type f | wc -l)" "$kept" "files under data/circle"
done

# Interrupted before the first gesture is finished: nothing captured, exit 130.
cat >scenario2.py <<'PYEOF'
lines(["aX,aY,aZ,gX,gY,gZ", "1,2,3,4,5,6"])
pause(10)
PYEOF
start_device scenario2.py
start_capture --mode csv --into ds --label square
sleep 0.3
kill -INT "$CAPTURE_PID"
wait_capture
expect_eq "$RC" 130 "exit code after Ctrl-C with nothing captured"
expect_stderr "nothing captured \(interrupted, dropped 1 partial sample\)"
