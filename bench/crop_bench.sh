#!/usr/bin/env bash
# bench/crop_bench.sh: `tinyprep crop --preset person_detection -j 1` (96x96 gray fit-shortest)
# against the OpenCV-Python script a user would write (bench/crop_cv2.py run: cv2.imread,
# cvtColor, resize INTER_AREA, centre cut, imwrite PNG per file), on N ~640x480 JPEGs, one core.
#
#   bench/crop_bench.sh            build (Release, build-bench/), run, print the figures
#
# Environment: N (images, default 1000), R (repetitions, default 3: each figure is the median,
# each repetition writes into a fresh folder), CORE (default 0), WORKROOT (work files, default
# /dev/shm when it has room, else /tmp), TINYPREP (use this binary instead of building).
# The images are made deterministically from the photos in tests/data/images (not timed):
# windows of 55-100% of a photo, mirrored on odd numbers, brightness and contrast jittered,
# resized to 640x480, JPEG quality 85-95. Prints both medians, their ratio, and the mean
# absolute difference between the two programs' PNGs (tinyprep decodes these JPEGs at half
# scale, docs/crop.md; the issue allows up to 2 levels).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-1000}
R=${R:-3}
CORE=${CORE:-0}
PY=/usr/bin/python3
# Pinned to one core (children inherit it): every timed command is a plain fork and exec.
if [ -z "${TINYPREP_BENCH_PINNED:-}" ]; then
  TINYPREP_BENCH_PINNED=1 exec taskset -c "$CORE" "$0" "$@"
fi
"$PY" -c "import cv2" 2>/dev/null || { echo "needs python3-opencv (scripts/install-deps)" >&2; exit 1; }
if [ -z "${TINYPREP:-}" ]; then
  echo "building tinyprep (Release) in build-bench/ ..." >&2
  cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTINYPREP_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-bench" --target tinyprep tinyprep_plugin_opencv -j2 >/dev/null
  TINYPREP=$ROOT/build-bench/tools/tinyprep
fi
if [ -z "${WORKROOT:-}" ]; then
  WORKROOT=/tmp
  if [ -d /dev/shm ] && [ -w /dev/shm ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((N * 100 + 65536)) ]; then
    WORKROOT=/dev/shm
  fi
fi
W=$(mktemp -d "$WORKROOT/tinyprep-crop-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"

mkdir src
cp "$ROOT"/tests/data/images/skimage/*.png "$ROOT"/tests/data/images/skimage/*.jpg \
  "$ROOT"/tests/data/images/person_detection/*.jpg src/
echo "making $N JPEGs of 640x480 in $W ..." >&2
"$PY" "$ROOT/bench/crop_cv2.py" make src photos/bench "$N" 2>/dev/null
"$TINYPREP" import --layout folders photos >in.jsonl 2>/dev/null
"$PY" -c 'import json,sys; [print(json.loads(l)["path"]) for l in open("in.jsonl")]' >list.txt
cat photos/bench/*.jpg >/dev/null  # warm page cache for both
"$TINYPREP" --version >/dev/null

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { echo "$EPOCHREALTIME"; }
: >tp.txt
: >py.txt
: >pr.txt
: >ratio.txt
for r in $(seq "$R"); do  # interleaved, so both see the same state of the machine
  rm -rf out_tp out_py out_tp.jsonl
  t0=$(now)
  "$TINYPREP" crop --preset person_detection -j 1 -o out_tp in.jsonl -O out_tp.jsonl 2>/dev/null
  t1=$(now)
  "$PY" "$ROOT/bench/crop_cv2.py" run list.txt out_py
  t2=$(now)
  rm -rf out_pr
  "$PY" "$ROOT/bench/crop_cv2.py" run-reduced list.txt out_pr
  t3=$(now)
  echo "$t1 - $t0" | bc -l >>tp.txt
  echo "$t2 - $t1" | bc -l >>py.txt
  echo "$t3 - $t2" | bc -l >>pr.txt
  echo "($t2 - $t1) / ($t1 - $t0)" | bc -l >>ratio.txt
done
tp=$(median <tp.txt)
py=$(median <py.txt)
printf 'machine: %s, %s cores online, pinned to core %s; work files in %s\n' \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(nproc --all)" "$CORE" "$WORKROOT"
printf '%d JPEGs 640x480 -> 96x96 gray fit-shortest PNG, median of %d:\n' "$N" "$R"
printf '  tinyprep crop -j 1   %.3f s  (%.2f ms an image; runs: %s)\n' "$tp" "$(echo "$tp * 1000 / $N" | bc -l)" "$(paste -sd' ' tp.txt | xargs printf '%.3f ')"
printf '  OpenCV-Python script %.3f s  (%.2f ms an image; runs: %s)\n' "$py" "$(echo "$py * 1000 / $N" | bc -l)" "$(paste -sd' ' py.txt | xargs printf '%.3f ')"
printf '  ratio (script / tinyprep): %.2fx (target >= 2x); per repetition: %s\n' "$(echo "$py / $tp" | bc -l)" "$(paste -sd' ' ratio.txt | xargs printf '%.2fx ')"
pr=$(median <pr.txt)
printf '  for scale: the script decoding at half scale too (IMREAD_REDUCED_GRAYSCALE_2) %.3f s, %.2fx tinyprep\n' "$pr" "$(echo "$pr / $tp" | bc -l)"
printf '  tinyprep against the script (full decode): '
"$PY" "$ROOT/bench/crop_cv2.py" compare out_tp out_py
