# The pipeline on 4 GNU parallel workers (issue 16): examples/parallel.sh (features --shard K/4,
# then export tfrecord and hdf5 --shard K/4, then export finalize and merge) must give the
# single-process TFRecord dataset example for example and its HDF5 file id for id
# (scale_check.py). Then a worker killed half-way: one clip that
# worker 2 takes is a FIFO, so worker 2 stops there with rows of a part written (a staged part
# file); it is killed with SIGKILL (its pid recorded by a wrapper of tinyprep), the run fails,
# the clip comes back and a re-run gives the same final dataset as the clean run, with no
# temporary files left.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
ROOT=$(cd "$HERE/../.." && pwd)
command -v parallel >/dev/null || { echo "skip: GNU parallel not installed (scripts/install-deps)"; exit 77; }

copy_fsdd
rm -f fsdd/[6-9]_*.wav
import_split 70,15,15
[ "$(wc -l <split.jsonl)" -ge 150 ] || fail "too few clips"

# One process: the reference.
tp features --preset micro_speech -o feat1 split.jsonl -O feat1.jsonl 2>/dev/null ||
  fail "features (one process)"
tp export tfrecord feat1.jsonl -o tf1 --name digits 2>/dev/null || fail "export (one process)"
tp export hdf5 feat1.jsonl -o one.h5 2>/dev/null || fail "export hdf5 (one process)"

# tinyprep as the workers run it: records each process's pid (exec keeps it) by step and shard.
mkdir pids
cat >tinyprep-wrapper <<WRAP
#!/usr/bin/env bash
shard=none
for ((i = 1; i < \$#; i++)); do [ "\${!i}" = --shard ] && { j=\$((i + 1)); shard=\${!j%/*}; }; done
echo \$\$ >"$WORK/pids/\$1-\$shard"
exec "$TINYPREP" "\$@"
WRAP
chmod +x tinyprep-wrapper

# GNU parallel keeps its files in PARALLEL_HOME (default ~/.parallel): here, in the test folder.
export PARALLEL_HOME=$WORK/.parallel
export MANIFEST=$WORK/split.jsonl NAME=digits SHARDS=4 JOBS=1 PART_MB=0.02
export TINYPREP=$WORK/tinyprep-wrapper
WORKDIR=$WORK/clean HDF5=1 timeout 80 "$ROOT/examples/parallel.sh" >clean.out 2>&1 ||
  { cat clean.out >&2; fail "parallel.sh with 4 workers"; }
for k in 0 1 2 3; do [ -s "pids/features-$k" ] && [ -s "pids/export-$k" ] || fail "worker $k did not run"; done
[ "$(ls clean/features/part-2-*.npy | wc -l)" -ge 3 ] || fail "worker 2 wrote fewer than 3 parts"
"$PY" "$HERE/scale_check.py" same-tfrecord tf1 clean/tfrecord || fail "4 workers != one process"
"$PY" "$HERE/scale_check.py" same-hdf5 one.h5 clean/digits.h5 || fail "4 HDF5 parts merged != one process"

# Worker 2 killed half-way: its 15th clip is a FIFO it waits on, after 14 rows were streamed
# into its staged parts (10 rows each).
clip=$("$PY" - <<'PYEOF'
import hashlib, json
mine = [json.loads(l)["path"] for l in open("split.jsonl")
        if int.from_bytes(hashlib.sha256(json.loads(l)["id"].encode()).digest()[:8], "big") % 4 == 2]
print(mine[14])
PYEOF
)
mv "$clip" clip.real
mkfifo "$clip"
rm -f pids/*
WORKDIR=$WORK/killed timeout 80 "$ROOT/examples/parallel.sh" >killed.out 2>&1 &
run=$!
# Whatever happens, nothing is left waiting on the FIFO.
trap 'kill -KILL $(cat pids/features-2 2>/dev/null) 2>/dev/null; kill $run 2>/dev/null; rm -rf "$WORK"' EXIT
staged() { ls -a killed/features 2>/dev/null | grep -q '^\.part-2-.*\.tmp-'; }
for i in $(seq 300); do
  staged && [ -s pids/features-2 ] && break
  sleep 0.1
done
staged || { cat killed.out >&2; fail "worker 2 wrote no rows before the FIFO"; }
[ ! -e killed/features/part-2-000000.npy ] || fail "worker 2 committed a part before the FIFO"
kill -KILL "$(cat pids/features-2)"
rc=0
wait "$run" || rc=$?
trap 'rm -rf "$WORK"' EXIT # both are gone: their pids are no longer ours
[ "$rc" != 0 ] || fail "parallel.sh succeeded with a worker killed"
[ ! -e killed/tfrecord/dataset_info.json ] || fail "finalize ran after a worker was killed"
rm "$clip"
mv clip.real "$clip"
staged || fail "the kill removed the staged part: it was not killed half-way"
WORKDIR=$WORK/killed timeout 80 "$ROOT/examples/parallel.sh" >rerun.out 2>&1 ||
  { cat rerun.out >&2; fail "the re-run after the kill"; }
"$PY" "$HERE/scale_check.py" same-tfrecord clean/tfrecord killed/tfrecord ||
  fail "killed and re-run != clean"
! ls -a killed/features killed/tfrecord | grep -q '\.tmp-' || fail "temporary files left after the re-run"
exit 0
