# Faults while export, split and label write: SIGKILL at random moments of an export (never a
# half-written file under a final name; the same command run again finishes with the same
# bytes), a full disk and a read-only output folder (exit 1, a clear error, nothing left).
source "$(dirname "$0")/lib.sh"
CHECK="$PY $SOURCE_DIR/tests/e2e/export_check.py"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d
M=d/feats.jsonl
ARGS=(export tfrecord $M --gzip --shards 3 -j 2)
tp "${ARGS[@]}" -o k 2>/dev/null && mv k ref  # tinyprep.json records the command line
visible() { ls "$1" 2>/dev/null | grep -v '^\.' || true; }

# SIGKILL at 20 moments spread over the run (seeded, so a failure can be replayed).
RANDOM=${FAULT_SEED:-7}
start=$(date +%s%N)
tp "${ARGS[@]}" -o timing 2>/dev/null
run_ms=$((($(date +%s%N) - start) / 1000000 + 20))
for i in $(seq 20); do
  rm -rf k
  delay_ms=$((RANDOM % run_ms))
  "$TINYPREP" "${ARGS[@]}" -o k 2>/dev/null &
  pid=$!
  sleep "$(printf '0.%03d' "$delay_ms")"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  # Whatever has a final name is complete: the very file of the reference export.
  for f in $(visible k); do
    cmp -s "k/$f" "ref/$f" || fail "killed after $delay_ms ms: k/$f is not complete"
  done
  if [ ! -e k/dataset_info.json ]; then
    # The same command again (no --force) finishes the job, whatever the killed run left.
    tp "${ARGS[@]}" -o k 2>err || { cat err; fail "re-run after a kill at $delay_ms ms"; }
  fi
  expect_eq "$(visible k)" "$(visible ref)" "files after a kill at $delay_ms ms and a re-run"
  for f in $(visible ref); do cmp -s "k/$f" "ref/$f" || fail "k/$f differs after a re-run"; done
  [ -z "$(ls -A k | grep '\.tmp-')" ] || fail "temporary files left after the re-run"
done

# A full disk: a tmpfs too small for the outputs.
mkdir -p tiny ro
cleanup() { umount "$WORK/tiny" 2>/dev/null || true; umount "$WORK/ro" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
if mount -t tmpfs -o size=16k tmpfs tiny 2>/dev/null; then
  expect_fail 1 "No space left on device" -- tp export tfrecord $M -o tiny/tf --shards 2
  expect_eq "$(ls -A tiny/tf)" "" "files left by an export that hit a full disk"
  expect_fail 1 "^tinyprep export: tiny/x.h5: .*cannot write" -- tp export hdf5 $M -o tiny/x.h5
  expect_fail 1 "^tinyprep split: tiny/s.jsonl: cannot write: No space left on device$" -- \
    tp split --ratios 80,10,10 $M -o tiny/s.jsonl
  expect_fail 1 "^tinyprep label: tiny/l.jsonl: cannot write: No space left on device$" -- \
    tp label --set x $M -o tiny/l.jsonl
  expect_eq "$(ls -A tiny)" "tf" "files left on a full disk"
else
  echo "note: cannot mount a tmpfs here; the full-disk cases are not run" >&2
fi

# A read-only output folder (a read-only mount as root, where permissions do not stop writes).
ro_ok=0
if [ "$(id -u)" = 0 ]; then
  mount -t tmpfs -o ro,size=16k tmpfs ro 2>/dev/null && ro_ok=1
else
  chmod 555 ro && ro_ok=1
fi
if [ $ro_ok = 1 ]; then
  expect_fail 1 "^tinyprep export: ro: cannot write into the folder" -- tp export tfrecord $M -o ro
  expect_fail 1 "^tinyprep export: ro/tf: cannot create the folder" -- tp export tfrecord $M -o ro/tf
  expect_fail 1 "^tinyprep export: ro/x.h5: cannot write" -- tp export hdf5 $M -o ro/x.h5
  expect_fail 1 "^tinyprep split: ro/s.jsonl: cannot write" -- tp split --ratios 80,10,10 $M -o ro/s.jsonl
  expect_fail 1 "^tinyprep label: ro/l.jsonl: cannot write" -- tp label --set x $M -o ro/l.jsonl
  expect_eq "$(ls -A ro)" "" "files in a read-only folder"
else
  echo "note: cannot make a read-only folder here; those cases are not run" >&2
fi
echo "faults_export: ok"
