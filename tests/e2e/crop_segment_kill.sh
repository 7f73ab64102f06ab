# crop and segment write into OUTDIR under core's folder lock: a second run into the folder
# while one holds it refuses at once; a run killed with SIGKILL at any moment, then run again,
# gives the same files and manifest as a run that was never killed, and the temporaries a killed
# run left (in OUTDIR and, for segment, its label folders) are removed with a note.
source "$(dirname "$0")/lib.sh"
IMG="$TEST_DATA/images"

hidden_temps() { find "$1" -name '.*.tmp-*' | wc -l; }
dead_pid() { sh -c 'echo $$'; }  # a process that no longer runs
sums() { (cd "$1" && find . -type f ! -name '.*' | sort | xargs sha256sum); }

# hold_lock DIR: holds core's lock on DIR (flock on the folder) until the file 'release' exists.
hold_lock() {
  "$PY" - "$1" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
open("held", "w").close()
while not os.path.exists("release"):
    time.sleep(0.02)
PY
  for _ in $(seq 200); do [ -e held ] && return 0; sleep 0.02; done
  fail "the lock was not taken"
}
release_lock() {
  touch release
  wait
  rm -f held release
}

# ---- crop ----
mkdir -p photos/person photos/no_person
cp "$IMG/person_detection/person.jpg" "$IMG/skimage/astronaut.png" "$IMG/skimage/camera.png" \
  photos/person/
cp "$IMG/person_detection/no_person.jpg" "$IMG/skimage/chelsea.png" "$IMG/skimage/coffee.png" \
  "$IMG/skimage/horse.png" photos/no_person/
tp import --layout folders photos >all.jsonl 2>/dev/null
tp crop --preset person_detection -o clean all.jsonl -O clean.jsonl -j 1 2>/dev/null ||
  fail "crop (clean run)"

mkdir crops
hold_lock crops
expect_fail 1 "crops: another 'tinyprep crop' is writing into this folder" -- \
  tp crop --preset person_detection -o crops all.jsonl -O crops.jsonl
release_lock

for delay in 0.05 0.3; do
  rm -rf crops crops.jsonl
  "$TINYPREP" crop --preset person_detection -o crops all.jsonl -O crops.jsonl -j 2 2>/dev/null &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  mkdir -p crops
  # What a kill during a write leaves: a temporary of a process that no longer runs.
  : >"crops/.astronaut.png.tmp-$(dead_pid)-0-1"
  : >"crops/.index.jsonl.tmp-$(dead_pid)-3-1"
  : >"crops/.notes.txt.tmp-$(dead_pid)-0-1"  # not a name crop writes: left alone
  tp crop --preset person_detection -o crops all.jsonl -O crops.jsonl --force -j 2 2>err.txt ||
    { cat err.txt; fail "crop after SIGKILL (delay $delay)"; }
  # (the killed run may have left temporaries of its own too)
  grep -Eq "crops: removed [0-9]+ temporary files of an earlier, killed run" err.txt ||
    { cat err.txt; fail "crop: no note of the removed temporaries"; }
  expect_eq "$(hidden_temps crops)" 1 "temporaries left by crop"
  rm crops/.notes.txt.tmp-*
  sed 's/crops\//clean\//g' crops.jsonl | cmp -s - clean.jsonl ||
    fail "crop: the manifest after a kill and a re-run differs (delay $delay)"
  [ "$(sums crops)" = "$(sums clean)" ] ||
    fail "crop: the files after a kill and a re-run differ (delay $delay)"
done

# ---- segment ----
"$PY" - "$TEST_DATA" <<'PY'
import glob, json, sys
import numpy as np, soundfile as sf
files = sorted(glob.glob(sys.argv[1] + "/fsdd/*.wav"))[:40]
with open("takes.jsonl", "w") as lines:
    for t in range(4):
        parts = []
        for f in files[t * 10:(t + 1) * 10]:
            x, rate = sf.read(f, dtype="int16")
            parts += [np.zeros(4000, np.int16), x]
        sf.write(f"take{t}.wav", np.concatenate(parts), 8000, subtype="PCM_16")
        print(json.dumps({"id": f"take{t}", "path": f"take{t}.wav",
                          "label": ["yes", "no"][t % 2]}), file=lines)
PY
tp segment --mode windows --hop-ms 100 -o sclean -O sclean.jsonl -j 1 takes.jsonl 2>/dev/null ||
  fail "segment (clean run)"

mkdir segs
hold_lock segs
expect_fail 1 "segs: another 'tinyprep segment' is writing into this folder" -- \
  tp segment --mode windows --hop-ms 100 -o segs -O segs.jsonl takes.jsonl
release_lock

for delay in 0.05 0.3; do
  rm -rf segs segs.jsonl
  "$TINYPREP" segment --mode windows --hop-ms 100 -o segs -O segs.jsonl -j 2 takes.jsonl \
    2>/dev/null &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  mkdir -p segs/yes
  : >"segs/yes/.take0@0.wav.tmp-$(dead_pid)-0-1"
  : >"segs/.x.csv.tmp-$(dead_pid)-0-1"
  tp segment --mode windows --hop-ms 100 -o segs -O segs.jsonl --force -j 2 takes.jsonl \
    2>err.txt || { cat err.txt; fail "segment after SIGKILL (delay $delay)"; }
  grep -Eq "segs: removed [0-9]+ temporary files of an earlier, killed run" err.txt ||
    { cat err.txt; fail "segment: no note of the removed temporaries"; }
  expect_eq "$(hidden_temps segs)" 0 "temporaries left by segment"
  sed 's/segs\//sclean\//g' segs.jsonl | cmp -s - sclean.jsonl ||
    fail "segment: the manifest after a kill and a re-run differs (delay $delay)"
  [ "$(sums segs)" = "$(sums sclean)" ] ||
    fail "segment: the files after a kill and a re-run differ (delay $delay)"
done
echo "ok"
