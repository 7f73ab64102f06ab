#!/usr/bin/env bash
# Submits tinyprep's pipeline to Slurm (issue 16; docs/scale-out.md): the features step as an
# N-task job array, the export step as an N-task array that starts when every features task has
# succeeded, and one finalize job after every export task. Run it from a folder every node sees;
# settings are prep.sbatch's environment variables (MANIFEST, WORKDIR, NAME, PRESET, ...).
#
#   SHARDS=16 MANIFEST=split.jsonl WORKDIR=/shared/prep examples/slurm/submit.sh
#   WAIT=1 ... submit.sh          wait until the finalize job ends: exit 0 when it completed
#
# A failed or killed task: the jobs after it never start (--kill-on-invalid-dep cancels them).
# Submit the failed task again, then the steps after it, e.g. for features task 2 of 16:
#   export SHARDS=16   (and the settings of the first submission)
#   j=$(sbatch --parsable --export=ALL,STEP=features --array=2 prep.sbatch)
#   j=$(sbatch --parsable --export=ALL,STEP=export --array=0-15 --dependency=afterok:$j prep.sbatch)
#   sbatch --export=ALL,STEP=finalize --dependency=afterok:$j prep.sbatch
# Extra sbatch options for every job (partition, account, time): SBATCH_ARGS="-p cpu -t 1:00:00".
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export SHARDS=${SHARDS:-4}
read -r -a extra <<<"${SBATCH_ARGS:-}"
last=$((SHARDS - 1))

features=$(sbatch --parsable --export=ALL,STEP=features "${extra[@]}" --array="0-$last" \
  --job-name=tinyprep-features "$HERE/prep.sbatch")
features=${features%%;*}  # "jobid;cluster" on multi-cluster sites
export_array=$(sbatch --parsable --export=ALL,STEP=export "${extra[@]}" --array="0-$last" \
  --dependency="afterok:$features" --kill-on-invalid-dep=yes \
  --job-name=tinyprep-export "$HERE/prep.sbatch")
export_array=${export_array%%;*}
finalize=$(sbatch --parsable --export=ALL,STEP=finalize "${extra[@]}" \
  --dependency="afterok:$export_array" --kill-on-invalid-dep=yes \
  --job-name=tinyprep-finalize --output="%x-%j.out" "$HERE/prep.sbatch")
finalize=${finalize%%;*}
echo "submitted features $features, export $export_array (arrays of $SHARDS), finalize $finalize" >&2
echo "$features $export_array $finalize"
if [ "${WAIT:-0}" = 1 ]; then
  # Polled every 2 s (sbatch --wait polls ever more slowly, and returns 0 for a job that was
  # cancelled before it started, as after a failed dependency).
  while :; do
    state=$(scontrol show job -o "$finalize" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || true)
    state=${state#JobState=}
    case "$state" in
      PENDING | CONFIGURING | RUNNING | COMPLETING | REQUEUED | RESIZING | SUSPENDED) sleep 2 ;;
      COMPLETED) exit 0 ;;
      "")
        echo "submit.sh: finalize job $finalize is gone from scontrol: see tinyprep-*.out" >&2
        exit 1
        ;;
      *)
        echo "submit.sh: finalize job $finalize ended $state: see the tasks' tinyprep-*.out" >&2
        exit 1
        ;;
    esac
  done
fi
