#!/usr/bin/env bash
# bench/export_bench.sh: tinyprep export (TFRecord, HDF5) against plain Python scripts doing the
# same job (bench/export_python.py: a pure-Python TFRecord writer, h5py with the same chunking
# and filters), and against cp of the same bytes. Prints a table; see bench/README.md.
#
#   bench/export_bench.sh        build (Release, build-bench-export/), run, print the figures
#
# Environment: N (arrays, default 20000), REPEAT (runs per case, best kept, default 3),
# WORKROOT (folder for the work files, default $TMPDIR or /tmp), TINYPREP (use this binary).
# Inputs: N 49x40 float32 .npy files (log-mel-like values) and their manifest, made first and
# read once so every case starts from a warm page cache. Times are wall-clock seconds.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-20000}
REPEAT=${REPEAT:-3}
PY=/usr/bin/python3

if [ -z "${TINYPREP:-}" ]; then
  echo "building tinyprep (Release) in build-bench-export/ ..." >&2
  cmake -S "$ROOT" -B "$ROOT/build-bench-export" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTINYPREP_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-bench-export" --target tinyprep -j2 >/dev/null
  TINYPREP=$ROOT/build-bench-export/tools/tinyprep
fi
WORK=$(mktemp -d "${WORKROOT:-${TMPDIR:-/tmp}}/tinyprep-export-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

echo "making $N arrays in $WORK ..." >&2
"$PY" "$ROOT/bench/export_python.py" make "$N" in
cat in/feats/*.npy >/dev/null

# best NAME CLEAN CMD...: runs CMD $REPEAT times (CLEAN before each), keeps the fastest.
: >times
: >sizes
best() {
  local name=$1 clean=$2
  shift 2
  local fastest=
  for _ in $(seq "$REPEAT"); do
    eval "$clean"
    local start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    local t
    t=$(echo "$EPOCHREALTIME - $start" | bc -l)
    if [ -z "$fastest" ] || [ "$(echo "$t < $fastest" | bc -l)" = 1 ]; then fastest=$t; fi
  done
  echo "$name $fastest" >>times
  # Size of what the last run wrote.
  local bytes=0
  if [ -e o ] || [ -e o.h5 ]; then bytes=$( (du -sb --apparent-size o o.h5 2>/dev/null || true) | awk '{s += $1} END {print s + 0}'); fi
  echo "$name $bytes" >>sizes
  printf '%-22s %7.3f s\n' "$name" "$fastest" >&2
}

M=in/feats.jsonl
T="$TINYPREP"
best startup : "$T" --version
best tfrecord "rm -rf o o.h5" "$T" export tfrecord $M -o o
best tfrecord_j1 "rm -rf o o.h5" "$T" export tfrecord $M -o o -j 1
best tfrecord_py "rm -rf o o.h5" "$PY" "$ROOT/bench/export_python.py" tfrecord $M o
best tfrecord_gzip "rm -rf o o.h5" "$T" export tfrecord $M -o o --gzip
best tfrecord_gzip_j1 "rm -rf o o.h5" "$T" export tfrecord $M -o o --gzip -j 1
best tfrecord_gzip_py "rm -rf o o.h5" "$PY" "$ROOT/bench/export_python.py" tfrecord $M o --gzip
best hdf5 "rm -rf o o.h5" "$T" export hdf5 $M -o o.h5
best hdf5_j1 "rm -rf o o.h5" "$T" export hdf5 $M -o o.h5 -j 1
best hdf5_py "rm -rf o o.h5" "$PY" "$ROOT/bench/export_python.py" hdf5 $M o.h5
best hdf5_none "rm -rf o o.h5" "$T" export hdf5 $M -o o.h5 --compression none
best hdf5_none_j1 "rm -rf o o.h5" "$T" export hdf5 $M -o o.h5 --compression none -j 1
best hdf5_none_py "rm -rf o o.h5" "$PY" "$ROOT/bench/export_python.py" hdf5 $M o.h5 --compression none
# cp of the same bytes: the uncompressed TFRecord output as one file, and the input arrays.
"$T" export tfrecord $M -o tf >/dev/null 2>&1
cat tf/*.tfrecord-* >same_bytes.bin
best cp_output_bytes "rm -f copy.bin" cp same_bytes.bin copy.bin
best cp_input_files "rm -rf copy" cp -r in/feats copy
rm -rf o o.h5 copy copy.bin

"$PY" - "$N" "$(stat -c %s same_bytes.bin)" "$(nproc)" <<'PY'
import sys
n, out_bytes, cores = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
t = {k: float(v) for k, v in (l.split() for l in open("times"))}
mb = n * 49 * 40 * 4 / 1e6  # array payload
print(f"{n} arrays of 49x40 float32 ({mb:.1f} MB of array data), {cores} cores, best of runs;")
print(f"TFRecord output {out_bytes / 1e6:.1f} MB; tinyprep startup {t['startup']:.3f} s included")
print()
size = {k: int(v) for k, v in (l.split() for l in open("sizes"))}
print("| case | tinyprep -j all | tinyprep -j 1 | Python | speed-up (all / 1 core) | "
      "output MB (tinyprep / Python) |")
print("| --- | --- | --- | --- | --- | --- |")
def row(label, key):
    a, one, py = t[key], t[key + "_j1"], t[key + "_py"]
    print(f"| {label} | {a:.2f} s, {mb / a:.0f} MB/s, {n / a:,.0f}/s | {one:.2f} s | "
          f"{py:.2f} s, {mb / py:.0f} MB/s | {py / a:.1f}x / {py / one:.1f}x | "
          f"{size[key] / 1e6:.1f} / {size[key + '_py'] / 1e6:.1f} |")
row("TFRecord", "tfrecord")
row("TFRecord GZIP", "tfrecord_gzip")
row("HDF5 gzip 4 + shuffle", "hdf5")
row("HDF5 none", "hdf5_none")
print()
print(f"cp of one file of the same bytes as the TFRecord output: {t['cp_output_bytes']:.3f} s; "
      f"TFRecord export / cp = {t['tfrecord'] / t['cp_output_bytes']:.1f}x")
print(f"cp -r of the {n} input .npy files: {t['cp_input_files']:.3f} s; "
      f"TFRecord export / cp -r = {t['tfrecord'] / t['cp_input_files']:.2f}x, "
      f"HDF5 none / cp -r = {t['hdf5_none'] / t['cp_input_files']:.2f}x")
PY
