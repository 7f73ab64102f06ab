# export: two exports into one folder at once. The folder is locked: the second refuses with a
# clear error while the first writes, and the folder always ends up holding one whole set (a
# reader's glob never gets a record twice). --force replaces the old set as a whole.
source "$(dirname "$0")/lib.sh"
CHECK="$PY $SOURCE_DIR/tests/e2e/export_check.py"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d --limit 60
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("d/feats.jsonl")]
held = lines[50]["features"]["path"]  # after the first group of 32 samples has gone out
lines[50]["features"]["path"] = "feats/held.npy"
open("d/held.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
print(held, file=open("held_path", "w"))
PY
cp "d/$(cat held_path)" real.npy
mkfifo d/feats/held.npy
shard_counts() { ls "$1" | grep -o -- '-of-[0-9]*' | sort | uniq -c | tr -s ' ' | tr '\n' ';'; }

# The first export holds the folder (it waits at sample 51 for the FIFO): the second refuses.
"$TINYPREP" export tfrecord d/held.jsonl -o tf --shards 2 -j 1 2>err1 >/dev/null &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do ls -A tf 2>/dev/null | grep -q '\.tmp-' && break; sleep 0.05; done
ls -A tf | grep -q '\.tmp-' || fail "the first export did not start"
expect_fail 1 "^tinyprep export: tf: another export is writing into this folder; wait for it to finish$" -- \
  tp export tfrecord d/feats.jsonl -o tf --shards 3 --force
expect_fail 1 "another export is writing into this folder" -- tp export tfrecord d/feats.jsonl -o tf
cat real.npy >d/feats/held.npy
wait $pid || { cat err1; fail "the first export failed"; }
$CHECK verify-tfrecord tf d/feats.jsonl >/dev/null
expect_eq "$(shard_counts tf)" " 6 -of-00002;" "the first export's shards only"

# --force replaces the whole old set, whatever its name, splits and label key: nothing of it
# is left for a glob to find.
tp export tfrecord d/feats.jsonl -o tf2 --name old --key label=digit --shards 4 2>/dev/null
grep -v '"split": "test"' d/feats.jsonl >d/no_test.jsonl
tp export tfrecord d/no_test.jsonl -o tf2 --shards 3 --force 2>/dev/null
if ls tf2 | grep -Eq '^old-|digit|-test\.'; then fail "old files left: $(ls tf2)"; fi
expect_eq "$(shard_counts tf2)" " 6 -of-00003;" "the new export's shards only"
$CHECK verify-tfrecord tf2 d/no_test.jsonl >/dev/null

# Both at once, many times: one wins whole; the other exits 1 saying why.
for i in $(seq 8); do
  rm -rf r
  "$TINYPREP" export tfrecord d/feats.jsonl -o r --shards 2 -j 1 2>e2 &
  p2=$!
  "$TINYPREP" export tfrecord d/feats.jsonl -o r --shards 3 --force -j 1 2>e3 &
  p3=$!
  rc2=0 rc3=0
  wait $p2 || rc2=$?
  wait $p3 || rc3=$?
  for rc in $rc2 $rc3; do [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "exit code $rc"; done
  [ "$rc2" = 0 ] || grep -Eq "another export is writing into this folder|already exists" e2 || { cat e2; fail "run $i: no reason given"; }
  [ "$rc3" = 0 ] || grep -q "another export is writing into this folder" e3 || { cat e3; fail "run $i: no reason given"; }
  [ "$rc2" = 0 ] || [ "$rc3" = 0 ] || fail "run $i: neither export finished"
  counts=$(shard_counts r)
  [ "$counts" = " 6 -of-00002;" ] || [ "$counts" = " 9 -of-00003;" ] || fail "run $i: two sets mixed: $(ls r)"
  $CHECK verify-tfrecord r d/feats.jsonl >/dev/null || fail "run $i: the export does not verify"
done
echo "concurrency_export: ok"
