# tinyprep ports lists this machine's ports (maybe none) without error, as a table or JSON;
# --port auto without an Arduino board, 1200 baud, and ports that cannot be opened fail with
# clear messages.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

tp ports >ports.txt 2>err.txt || { cat err.txt; fail "ports"; }
if [ -s ports.txt ]; then
  head -1 ports.txt | grep -q "^PORT  " || fail "ports table header"
else
  grep -q "no serial ports found" err.txt || fail "ports says nothing on a machine with none"
fi
tp ports --json >ports.json || fail "ports --json"
"$PY" -c 'import json, sys; d = json.load(open("ports.json")); assert isinstance(d, list)
for p in d: assert {"port", "vid", "pid", "serial", "description", "board"} <= set(p), p' ||
  fail "ports --json is not a list of ports"

if ! grep -q '"board": "Arduino Nano 33 BLE"' ports.json; then
  expect_fail 1 "--port auto: no Arduino Nano 33 BLE board found" -- \
    tp capture serial --into ds --label x
fi
expect_fail 2 "refusing to open a port at 1200 baud" -- \
  tp capture serial --port /dev/null --baud 1200 --into ds --label x
expect_fail 1 "/dev/tinyprep-none: no such port" -- \
  tp capture serial --port /dev/tinyprep-none --into ds --label x
touch plain.txt
expect_fail 1 "plain.txt: is not a serial port" -- \
  tp capture serial --port plain.txt --into ds --label x
expect_fail 2 "--mode" -- tp capture serial --port plain.txt --mode xml --into ds --label x
expect_fail 2 "--size must be WIDTHxHEIGHT" -- \
  tp capture serial --port plain.txt --mode ov767x-raw --size big --into ds --label x
[ ! -e ds ] || fail "a failed capture made a dataset"

# A port this user may not open gets the 'dialout' hint (needs root to act as another user).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  touch locked && chmod 600 locked
  expect_fail 1 "locked: permission denied: add yourself to the 'dialout' group" -- \
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$TINYPREP" capture serial \
    --port "$WORK/locked" --into "$WORK/ds" --label x
fi
