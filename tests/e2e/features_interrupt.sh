# features: a run killed with SIGKILL half-way leaves only complete .npy files under final names
# and no manifest; the next run removes its temporary files, recomputes only what is missing and
# ends with the same files as an uninterrupted run. Ctrl-C (SIGINT) exits 130 and removes its own
# temporary files.
source "$(dirname "$0")/lib.sh"
copy_fsdd
tp import --pattern '{label}_{group}_{take}.wav' fsdd > fsdd.jsonl 2>/dev/null
# 3,000 lines (FSDD ten times under other ids): two chunks of work, resampled from 8 kHz.
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("fsdd.jsonl")]
with open("big.jsonl", "w") as f:
    for k in range(10):
        for s in lines:
            f.write(json.dumps(dict(s, id=f"{s['id']}-{k}")) + "\n")
PY
ARGS=(--preset logmel --layout files -j1)
temps() { ls -a "$1" 2>/dev/null | grep -c '\.tmp-' || true; }
# Waits until the run $2 has temporary files in $1 (a chunk in flight) and at least $3 .npy files
# under final names (2048: the first chunk committed, the second in flight).
wait_for_temps() {
  for _ in $(seq 2000); do
    # The count first: temporary files seen after it belong to a chunk still in flight.
    if [ "$(find "$1" -name '*.npy' | wc -l)" -ge "${3:-0}" ] && [ "$(temps "$1")" -gt 0 ]; then
      return 0
    fi
    kill -0 "$2" 2>/dev/null || fail "the run ended before it was interrupted"
    sleep 0.01
  done
  fail "no temporary files appeared in $1"
}

# SIGKILL half-way (again, in the rare case the kill lands just after a chunk's renames).
for attempt in 1 2 3; do
  rm -rf feats
  "$TINYPREP" features "${ARGS[@]}" -o feats big.jsonl -O out.jsonl 2>/dev/null &
  pid=$!
  wait_for_temps feats $pid 2048
  kill -9 $pid
  wait $pid 2>/dev/null || true
  [ "$(temps feats)" -gt 0 ] && break
  [ $attempt = 3 ] && fail "the kill came after the chunk was committed, three times"
done
[ ! -e out.jsonl ] || fail "a killed run left its manifest"
"$PY" - <<'PY'
import glob
import numpy as np
files = glob.glob("feats/*.npy")
assert len(files) >= 2048, len(files)  # the first chunk
for f in files:  # every file under a final name is whole
    assert np.load(f).shape == (32, 128), f
PY

# The next run cleans up, skips what the killed run committed, and completes.
tp features "${ARGS[@]}" -o feats big.jsonl -O out.jsonl 2>err
grep -Eq "feats: removed [0-9]+ temporary files? of an earlier, killed run" err ||
  fail "no note of the cleanup: $(cat err)"
expect_eq "$(temps feats)" 0 "temporary files after the resumed run"
tp features "${ARGS[@]}" -o clean big.jsonl -O clean.jsonl 2>/dev/null
for f in clean/*.npy; do cmp -s "$f" "feats/$(basename "$f")" || fail "$f differs after resuming"; done
expect_eq "$(ls feats/*.npy | wc -l)" 3000 ".npy files after resuming"
cmp <(sed 's#"feats/#"X/#' out.jsonl) <(sed 's#"clean/#"X/#' clean.jsonl) ||
  fail "the resumed run's manifest differs from a clean run's"

# Ctrl-C: exit 130, its own temporary files removed, no manifest.
"$TINYPREP" features "${ARGS[@]}" -o feats2 big.jsonl -O out2.jsonl 2>err2 &
pid=$!
wait_for_temps feats2 $pid
kill -INT $pid
rc=0
wait $pid || rc=$?
expect_eq "$rc" 130 "exit code after Ctrl-C"
grep -q "interrupted" err2 || fail "no 'interrupted' message: $(cat err2)"
expect_eq "$(temps feats2)" 0 "temporary files after Ctrl-C"
[ ! -e out2.jsonl ] || fail "an interrupted run left its manifest"
ls -a | grep -q 'out2.jsonl.tmp' && fail "an interrupted run left its manifest's temporary file"
echo OK
