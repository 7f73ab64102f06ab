# export: a run killed with SIGKILL half-way leaves no file under a final name and no corrupt
# shard; Ctrl-C (SIGINT) exits 130 and removes its temporary files; a later run succeeds.
# A FIFO in place of one features file holds the export half-way for as long as needed.
source "$(dirname "$0")/lib.sh"
CHECK="$PY $SOURCE_DIR/tests/e2e/export_check.py"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("d/feats.jsonl")]
lines[150]["features"]["path"] = "feats/held.npy"
open("d/held.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
print(lines[150]["id"], file=open("held_id", "w"))
PY
cp "d/feats/$(cat held_id).npy" real.npy
mkfifo d/feats/held.npy

visible() { ls "$1" 2>/dev/null | grep -v '^\.' || true; }
hidden_temps() { ls -A "$1" 2>/dev/null | grep -c '^\..*\.tmp-' || true; }
wait_for_temp() {  # waits until the export has a temporary file in folder $1
  for _ in $(seq 100); do
    [ "$(hidden_temps "$1")" -gt 0 ] && return 0
    sleep 0.05
  done
  fail "no temporary file appeared in $1"
}

# SIGKILL while held at sample 151 of 300: temporary files only, nothing final.
mkdir tf
"$TINYPREP" export tfrecord d/held.jsonl -o tf --shards 2 -j 1 2>/dev/null &
pid=$!
wait_for_temp tf
sleep 0.3
kill -9 $pid
wait $pid 2>/dev/null || true
expect_eq "$(visible tf)" "" "files under final names after SIGKILL"
[ "$(hidden_temps tf)" -gt 0 ] || fail "the kill came before any shard was started"

mkdir h5
"$TINYPREP" export hdf5 d/held.jsonl -o h5/out.h5 -j 2 2>/dev/null &
pid=$!
wait_for_temp h5
sleep 0.3
kill -9 $pid
wait $pid 2>/dev/null || true
expect_eq "$(visible h5)" "" "files under final names after SIGKILL (hdf5)"

# Ctrl-C while held: exit 130, every temporary file removed, nothing final.
mkdir tfc
"$TINYPREP" export tfrecord d/held.jsonl -o tfc --gzip -j 2 2>err.txt &
pid=$!
wait_for_temp tfc
kill -INT $pid
# Release the held sample in case the signal went to a thread that is not reading it.
(timeout 5 sh -c 'cat real.npy > d/feats/held.npy' || true) &
rc=0
wait $pid || rc=$?
expect_eq "$rc" 130 "exit code after Ctrl-C"
grep -q "interrupted" err.txt || fail "no 'interrupted' message"
expect_eq "$(ls -A tfc)" "" "files left after Ctrl-C"
wait

# A later run into the same folders succeeds despite the killed run's temporary files.
(timeout 10 sh -c 'cat real.npy > d/feats/held.npy') &
tp export tfrecord d/held.jsonl -o tf --shards 2
wait
cp real.npy held_copy.npy
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("d/held.jsonl")]
lines[150]["features"]["path"] = "../held_copy.npy"
open("d/check.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
PY
$CHECK verify-tfrecord tf d/check.jsonl
expect_eq "$(hidden_temps tf)" 0 "the killed run's temporary files are cleaned up"
(timeout 10 sh -c 'cat real.npy > d/feats/held.npy') &
tp export hdf5 d/held.jsonl -o h5/out.h5 2>err.txt
wait
grep -q "removed 1 temporary files of an earlier, killed run" err.txt || fail "no note of the cleanup"
expect_eq "$(ls -A h5)" "out.h5" "only the final HDF5 file"
$CHECK verify-hdf5 h5/out.h5 d/check.jsonl

# SIGKILL at arbitrary moments: either no final file, or a complete export that verifies.
for delay in 0.02 0.05 0.1 0.15 0.2 0.3 0.5; do
  rm -rf k && mkdir k
  "$TINYPREP" export tfrecord d/feats.jsonl -o k --gzip --shards 3 -j 2 2>/dev/null &
  pid=$!
  sleep $delay
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  if [ -e k/dataset_info.json ]; then
    $CHECK verify-tfrecord k d/feats.jsonl --gzip >/dev/null || fail "killed after $delay s: corrupt"
  else
    expect_eq "$(visible k)" "" "final files of an unfinished export (killed after $delay s)"
  fi
done
echo "export_kill: ok"
