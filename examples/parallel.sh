#!/usr/bin/env bash
# tinyprep's pipeline on N workers with GNU parallel (issue 16; docs/scale-out.md): the same
# steps as the Slurm example (examples/slurm/prep.sbatch is the worker): features --shard K/N on
# every worker, then export tfrecord --shard K/N on every worker, then finalize here. Workers
# run on the hosts of HOSTS (parallel --sshlogin: "host1,host2" or "4/host1,4/host2"; default
# ":", this machine), in the current folder, which every host must see at the same path
# (shared storage), with tinyprep at the same path (TINYPREP) or on PATH.
#
#   SHARDS=8 HOSTS=node1,node2 MANIFEST=split.jsonl WORKDIR=prep examples/parallel.sh
#
# Settings: prep.sbatch's (MANIFEST, WORKDIR, NAME, PRESET, FEATURE_ARGS, PART_MB, EXPORT_ARGS,
# TINYPREP, HDF5) plus SHARDS (N, default 4), HOSTS, JOBS (threads per worker, default 1) and
# PARALLEL_ARGS (more options for parallel). A worker that fails stops the run (--halt
# now,fail=1); run the script again: features are incremental, so finished work is kept, and
# STEPS="export finalize" skips a step that has completed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORKER=$HERE/slurm/prep.sbatch
SHARDS=${SHARDS:-4}
HOSTS=${HOSTS:-:}
STEPS=${STEPS:-features export finalize}
read -r -a parallel_args <<<"${PARALLEL_ARGS:-}"

# Everything a worker needs, passed on its command line (ssh does not pass the environment):
# absolute paths, since a remote shell starts in the home folder.
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
settings=(
  "MANIFEST=$(abs "${MANIFEST:-split.jsonl}")"
  "WORKDIR=$(abs "${WORKDIR:-prep-out}")"
  "NAME=${NAME:-dataset}" "PRESET=${PRESET:-micro_speech}" "PART_MB=${PART_MB:-256}"
  "FEATURE_ARGS=${FEATURE_ARGS:-}" "EXPORT_ARGS=${EXPORT_ARGS:-}" "HDF5=${HDF5:-0}"
  "TINYPREP=${TINYPREP:-tinyprep}" "JOBS=${JOBS:-1}" "SHARDS=$SHARDS"
)
quoted=$(printf '%q ' "${settings[@]}")
cd_here=$(printf 'cd %q' "$PWD")

run_step() {
  local step=$1
  # {} is K; each worker's output is kept together (--group) and tagged with K (--tag).
  seq 0 $((SHARDS - 1)) | parallel --sshlogin "$HOSTS" --halt now,fail=1 --tag --group \
    "${parallel_args[@]}" \
    "$cd_here && env $quoted STEP=$step SHARD={} bash $(printf %q "$WORKER")"
}

for step in $STEPS; do
  case "$step" in
    features | export) run_step "$step" ;;
    finalize) env "${settings[@]}" STEP=finalize bash "$WORKER" ;;
    *)
      echo "parallel.sh: STEPS are features, export and finalize, not '$step'" >&2
      exit 2
      ;;
  esac
done
