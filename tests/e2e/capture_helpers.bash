# Helpers for the capture tests, sourced after lib.sh: a scripted fake board on a
# pseudo-terminal (capture_fake_device.py) and a check of what a capture wrote.
HELPERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEVICE_PID=
CAPTURE_PID=
trap 'stop_device; [ -n "$CAPTURE_PID" ] && kill "$CAPTURE_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# start_device SCENARIO_FILE: plugs in a fake board that will play SCENARIO_FILE (Python, see
# capture_fake_device.py) once the capture has opened it; sets PTY to its port.
start_device() {
  rm -f "$WORK/port" "$WORK/port.go"
  "$PY" "$HELPERS_DIR/capture_fake_device.py" "$WORK/port" "$1" &
  DEVICE_PID=$!
  for _ in $(seq 200); do
    [ -s "$WORK/port" ] && break
    sleep 0.02
  done
  [ -s "$WORK/port" ] || fail "the fake device did not start"
  PTY=$(cat "$WORK/port")
}

stop_device() {
  if [ -n "$DEVICE_PID" ]; then
    kill "$DEVICE_PID" 2>/dev/null || true
    wait "$DEVICE_PID" 2>/dev/null || true
    DEVICE_PID=
  fi
}

# start_capture ARGS...: `tinyprep capture serial --port $PTY ARGS...` in the background
# (stderr in $WORK/capture.err); the device starts talking once the port is open.
start_capture() {
  "$TINYPREP" capture serial --port "$PTY" "$@" 2>"$WORK/capture.err" &
  CAPTURE_PID=$!
  for _ in $(seq 250); do
    if ls -l "/proc/$CAPTURE_PID/fd" 2>/dev/null | grep -q -- "-> $PTY\$"; then
      touch "$WORK/port.go"
      return 0
    fi
    kill -0 "$CAPTURE_PID" 2>/dev/null || break
    sleep 0.02
  done
  cat "$WORK/capture.err" >&2
  fail "tinyprep capture never opened $PTY"
}

# wait_capture: waits for the capture started by start_capture; sets RC.
wait_capture() {
  RC=0
  wait "$CAPTURE_PID" || RC=$?
  CAPTURE_PID=
  stop_device
}

# capture_device SCENARIO ARGS...: plays SCENARIO to `tinyprep capture serial ARGS...`; sets RC.
capture_device() {
  local scenario=$1
  shift
  start_device "$scenario"
  start_capture "$@"
  wait_capture
}

# expect_stderr PATTERN: the last capture's stderr has a line matching PATTERN (grep -E).
expect_stderr() {
  grep -Eq -- "$1" "$WORK/capture.err" || { cat "$WORK/capture.err" >&2; fail "stderr lacks /$1/"; }
}

# check_dataset DATASET LABEL COUNT: validate accepts DATASET, which holds COUNT samples of
# LABEL whose files match their sha256 and whose label is in dataset.json; no temporary file
# is left under data/.
check_dataset() {
  local out
  tp validate "$1" 2>"$WORK/validate.err" || { cat "$WORK/validate.err" >&2; fail "validate rejects $1"; }
  "$PY" - "$1" "$2" "$3" <<'PYEOF' || fail "dataset $1 is not as expected"
import hashlib, json, os, re, sys
root, label, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [json.loads(l) for l in open(os.path.join(root, "samples.jsonl"))]
mine = [l for l in lines if l["label"] == label]
assert len(mine) == count, "%d samples of %s, expected %d" % (len(mine), label, count)
info = json.load(open(os.path.join(root, "dataset.json")))
assert label in info["labels"], info["labels"]
for l in mine:
    data = open(os.path.join(root, l["path"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == l["sha256"], l["path"]
    assert l["path"].startswith("data/%s/%s." % (label, l["id"])), l
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", l["captured_at"]), l
for folder, _, files in os.walk(os.path.join(root, "data")):
    for f in files:
        assert f.endswith((".csv", ".png", ".wav")), "left behind: " + os.path.join(folder, f)
PYEOF
}
