# The pipeline as a Slurm job array on a real one-node cluster (issue 16): scripts/slurm-local
# starts slurmctld, slurmd and munged of its own; examples/slurm/submit.sh submits
# examples/slurm/prep.sbatch's features step and export step as 4-task arrays (sbatch
# --array=0-3) and its finalize after them (afterok dependencies), and waits for it (WAIT=1).
# The finalized TFRecord dataset must equal the single-process export example for example
# (scale_check.py); a task submitted again alone (sbatch --wait --array=2) gives its manifest
# again; then a pipeline whose tasks fail: the jobs after them are cancelled, not left
# pending, and submit.sh says so. The cluster is always stopped (trap).
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
ROOT=$(cd "$HERE/../.." && pwd)
for tool in sbatch slurmctld slurmd munged mungekey; do
  command -v "$tool" >/dev/null || { echo "skip: $tool not installed (scripts/install-deps)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "skip: a local Slurm cluster needs root"; exit 77; }

copy_fsdd
rm -f fsdd/[5-9]_*.wav
import_split 70,15,15
[ "$(wc -l <split.jsonl)" -ge 100 ] || fail "too few clips"

# One process: the reference.
tp features --preset micro_speech -o feat1 split.jsonl -O feat1.jsonl 2>/dev/null ||
  fail "features (one process)"
tp export tfrecord feat1.jsonl -o tf1 --name digits 2>/dev/null || fail "export (one process)"

CLUSTER=$("$ROOT/scripts/slurm-local" start "$WORK/cluster") || fail "slurm-local start"
trap '"$ROOT/scripts/slurm-local" stop "$CLUSTER" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
eval "$("$ROOT/scripts/slurm-local" env "$CLUSTER")"
sinfo -h -o '%t' | grep -qx idle || fail "the node is not idle"

export TINYPREP MANIFEST=$WORK/split.jsonl WORKDIR=$WORK/prep NAME=digits SHARDS=4 WAIT=1
timeout 120 "$ROOT/examples/slurm/submit.sh" >jobs.txt 2>submit.err || {
  cat submit.err tinyprep-*.out >&2 || true
  fail "the Slurm jobs failed"
}
[ "$(ls tinyprep-features-*_[0-3].out | wc -l)" = 4 ] || fail "not 4 features tasks"
[ "$(ls tinyprep-export-*_[0-3].out | wc -l)" = 4 ] || fail "not 4 export tasks"
for k in 0 1 2 3; do
  [ -s prep/manifests/features-$k-of-4.jsonl ] || fail "features task $k wrote no lines"
done
ls prep/features/part-[0-3]-*.npy >/dev/null || fail "no packed parts per worker"
"$PY" "$HERE/scale_check.py" same-tfrecord tf1 prep/tfrecord || fail "Slurm array != one process"
[ "$(wc -l <prep/manifests/features.jsonl)" = "$(wc -l <split.jsonl)" ] ||
  fail "finalize's features manifest does not have every line"

# One task submitted again alone (as after a failure): SHARDS says N, since a one-task array
# has a task count of 1. Its manifest comes back the same.
mv prep/manifests/features-2-of-4.jsonl features-2.before
timeout 60 sbatch --wait --quiet --export=ALL,STEP=features --array=2 \
  "$ROOT/examples/slurm/prep.sbatch" || fail "features task 2 submitted alone"
cmp prep/manifests/features-2-of-4.jsonl features-2.before || fail "task 2 alone wrote other lines"

# A failed task: the jobs after it are cancelled, and submit.sh's wait says so.
MANIFEST=$WORK/missing.jsonl WORKDIR=$WORK/prep2 timeout 60 "$ROOT/examples/slurm/submit.sh" \
  >/dev/null 2>&1 && fail "a pipeline on a missing manifest succeeded"
[ ! -e prep2/tfrecord/dataset_info.json ] || fail "finalize ran after failed tasks"
[ -z "$(squeue -h -o %i)" ] || fail "jobs left pending after a failed dependency"
exit 0
