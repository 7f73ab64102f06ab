# features under faults (features_interrupt.sh covers one SIGKILL half-way and Ctrl-C):
# - SIGKILL at 20 random moments of successive runs into one folder: after each, every .npy under
#   a final name is whole and there is no half-written manifest; the run after the last kill
#   finishes with the same files and manifest as a run never killed;
# - a full disk (a small tmpfs): exit 1 naming the problem, nothing half-written under a final
#   name, and with room again a re-run finishes with the same result;
# - a read-only output folder: exit 1 naming it, nothing written.
# The tmpfs cases need root (mount); without it they are skipped with a note.
source "$(dirname "$0")/lib.sh"
copy_fsdd
tp import --pattern '{label}_{group}_{take}.wav' fsdd >fsdd.jsonl 2>/dev/null
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("fsdd.jsonl")]
with open("big.jsonl", "w") as f:
    for k in range(5):
        for s in lines:
            f.write(json.dumps(dict(s, id=f"{s['id']}-{k}")) + "\n")
PY
ARGS=(--preset logmel --layout files -j2)
tp features "${ARGS[@]}" -o clean big.jsonl -O clean.jsonl 2>/dev/null
# Every .npy under a final name in $1 loads whole with the logmel shape; prints their count.
check_whole() {
  "$PY" - "$1" <<'PY'
import glob, sys
import numpy as np
files = glob.glob(sys.argv[1] + "/*.npy")
for f in files:
    assert np.load(f).shape == (32, 128), f
print(len(files))
PY
}
same_as_clean() {
  for f in clean/*.npy; do cmp -s "$f" "$1/$(basename "$f")" || fail "$1: $(basename "$f") differs"; done
  expect_eq "$(ls "$1"/*.npy | wc -l)" "$(ls clean/*.npy | wc -l)" "$1: .npy files"
  cmp -s <(sed "s#\"$1/#\"X/#" "$2") <(sed 's#"clean/#"X/#' clean.jsonl) ||
    fail "$2 differs from a clean run's manifest"
}

# SIGKILL at random moments (up to 0.8 s into a run; later runs have less left to do, so the
# kills land in start-up, computing, committing and clean-up alike).
RANDOM=10
for i in $(seq 20); do
  "$TINYPREP" features "${ARGS[@]}" -o feats big.jsonl -O out.jsonl 2>/dev/null &
  pid=$!
  sleep "0.$((RANDOM % 8))$((RANDOM % 10))"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  check_whole feats >/dev/null || fail "kill $i left a broken .npy under a final name"
  ls -a | grep -q '^out\.jsonl\.tmp' && [ -e out.jsonl ] && fail "kill $i: manifest and temporary"
  if [ -e out.jsonl ]; then  # the run finished before the kill: whole, and like a clean run
    same_as_clean feats out.jsonl
    rm out.jsonl
  fi
done
tp features "${ARGS[@]}" -o feats big.jsonl -O out.jsonl 2>/dev/null || fail "the run after the kills"
same_as_clean feats out.jsonl
[ -z "$(ls -a feats | grep '\.tmp-')" ] || fail "temporary files left after the kills"

mkdir -p tiny
if ! mount -t tmpfs -o size=256k tmpfs tiny 2>/dev/null; then
  echo "note: cannot mount a tmpfs here; the full-disk and read-only cases are not run" >&2
  exit 0
fi
trap 'umount "$WORK/tiny" 2>/dev/null; rm -rf "$WORK"' EXIT

# A full disk: 256 KB hold about 15 of the 1,500 files of 16 KB.
expect_fail 1 'tiny/feats.*No space left on device' -- \
  tp features "${ARGS[@]}" -o tiny/feats big.jsonl -O tiny/out.jsonl
# A failed sample's temporary file is removed at once, so the manifest of the samples computed
# may fit: then it lists only whole files under their final names.
if [ -e tiny/out.jsonl ]; then
  "$PY" - <<'PY' || fail "a full disk left a manifest naming files that are not there"
import json, os
lines = [json.loads(l) for l in open("tiny/out.jsonl")]
assert lines and all(os.path.isfile(os.path.join("tiny", l["features"]["path"])) for l in lines)
PY
fi
check_whole tiny/feats >/dev/null || fail "a full disk left a broken .npy under a final name"
mount -o remount,size=64m tiny
tp features "${ARGS[@]}" -o tiny/feats big.jsonl -O out-tiny.jsonl 2>/dev/null ||
  fail "the re-run with room"
same_as_clean tiny/feats out-tiny.jsonl

# A read-only output folder: an existing feature folder, and a new one.
mount -o remount,ro tiny
expect_fail 1 'tiny/(feats|new).*Read-only file system' -- \
  tp features "${ARGS[@]}" -o tiny/new big.jsonl -O out-ro.jsonl
cp big.jsonl more.jsonl
"$PY" -c '
import json
s = json.loads(open("fsdd.jsonl").readline())
print(json.dumps(dict(s, id="one-more")))' >>more.jsonl
expect_fail 1 'tiny/feats.*Read-only file system' -- \
  tp features "${ARGS[@]}" -o tiny/feats more.jsonl -O out-ro.jsonl
[ ! -e out-ro.jsonl ] || fail "a read-only folder still gave a manifest"
[ ! -e tiny/new ] || fail "a read-only file system grew a folder"
echo OK
