#!/usr/bin/env bash
# bench/features_bench.sh: tinyprep import -> features -> export HDF5 + TFRecord against the
# NumPy/SciPy/h5py script doing the same job (bench/features_numpy.py), on one core.
#
#   bench/features_bench.sh            build (Release, build-bench/), run, print the figures
#
# Environment: N (clips, default 1000), R (repetitions, default 3: every figure is the median,
# each repetition writes into fresh folders), CORE (default 0), WORKROOT (folder for the work files,
# default /dev/shm, RAM, so the figures measure the tools and not the disk; WORKROOT=/tmp puts
# them on the disk), TINYPREP (use this binary instead of
# building), PROFILE=0 (skip the perf profile), FSDD (folder of FSDD clips,
# default tests/data/fsdd), LAYOUTS (the feature layouts to run side by side, each followed by
# its own HDF5 and TFRecord exports: default "packed files" when the binary has
# `features --layout`, else the one layout it has; the first is the one profiled).
# The N clips are one-second 16 kHz int16 WAVs made deterministically from FSDD (not timed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FSDD=${FSDD:-$ROOT/tests/data/fsdd}
N=${N:-1000}
R=${R:-3}
CORE=${CORE:-0}
PY=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3)
PIN=(taskset -c "$CORE")
# The whole benchmark runs pinned to one core (children inherit it), so each timed command is a
# plain fork and exec from this shell, the same for tinyprep and for the script.
if [ -z "${TINYPREP_BENCH_PINNED:-}" ]; then
  TINYPREP_BENCH_PINNED=1 exec "${PIN[@]}" "$0" "$@"
fi

if [ -z "${TINYPREP:-}" ]; then
  echo "building tinyprep (Release) in build-bench/ ..." >&2
  cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTINYPREP_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-bench" --target tinyprep -j2 >/dev/null
  TINYPREP=$ROOT/build-bench/tools/tinyprep
fi
TINYPREP=$(realpath "$TINYPREP")  # the runs cd into the work folder
if [ -z "${LAYOUTS:-}" ]; then
  LAYOUTS=default
  # (the help read whole first: grep -q stopping early would fail the pipe under pipefail)
  help=$("$TINYPREP" features --help 2>/dev/null || true)
  if grep -q -- '--layout' <<<"$help"; then LAYOUTS="packed files"; fi
fi
read -r -a LAYOUT_LIST <<<"$LAYOUTS"
if [ -z "${WORKROOT:-}" ]; then
  # RAM when /dev/shm has room for the run (~150 MB for 1,000 clips; containers often give
  # it 64 MB), else the disk.
  WORKROOT=/tmp
  if [ -d /dev/shm ] && [ -w /dev/shm ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((N * 512 + 65536)) ]; then
    WORKROOT=/dev/shm
  fi
  echo "work files in $WORKROOT (set WORKROOT to choose)" >&2
fi
WORK=$(mktemp -d "$WORKROOT/tinyprep-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

g++ -O2 -std=c++20 "$ROOT/bench/io_floor.cpp" -o "$WORK/io_floor"
echo "making $N clips in $WORK ..." >&2
"${PY[@]}" "$ROOT/bench/features_numpy.py" make-clips "$FSDD" clips "$N"
cat clips/*/*.wav >/dev/null  # both sides start from a warm page cache
sync                          # and none of the clips left to write back

# cpu_seconds FILE: user+sys seconds of finished children in a `times` snapshot (its second
# line is "XmY.YYYs XmY.YYYs"). `times` itself must run in this shell, not in a $(...) subshell.
cpu_seconds() {
  tail -1 "$1" |
    awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } print s }'
}

# timed NAME CMD...: runs CMD (on the pinned core); records wall (s), user+sys CPU (s) in times.
: >times
timed() {
  local name=$1
  shift
  local start end
  times >cpu_before
  start=$EPOCHREALTIME
  "$@"
  end=$EPOCHREALTIME
  times >cpu_after
  echo "$name $(echo "$end - $start" | bc -l)" \
    "$(echo "$(cpu_seconds cpu_after) - $(cpu_seconds cpu_before)" | bc -l)" >>times
}

TP=("$TINYPREP")
LOGMEL=(--preset logmel --n-fft 512 --win-length 480 --hop-length 320 --n-mels 40 --no-center)
# layout_args LAYOUT: the features options that choose it ("default": none).
layout_args() { [ "$1" = default ] || echo "--layout $1"; }
for r in $(seq "$R"); do
  echo "repetition $r of $R ..." >&2
  mkdir tp$r
  timed startup "${TP[@]}" --version >/dev/null
  timed import "${TP[@]}" import --layout folders clips -j1 -o tp$r/all.jsonl 2>/dev/null
  # The layouts one after the other, in turn first (the disk's state drifts during a run).
  order=("${LAYOUT_LIST[@]}")
  if [ $((r % 2)) = 0 ]; then
    order=()
    for ((k = ${#LAYOUT_LIST[@]} - 1; k >= 0; k--)); do order+=("${LAYOUT_LIST[k]}"); done
  fi
  for layout in "${order[@]}"; do
    d=tp$r/$layout
    mkdir "$d"
    # shellcheck disable=SC2046 # layout_args is zero or two words
    timed "features.$layout" "${TP[@]}" features "${LOGMEL[@]}" $(layout_args "$layout") -j1 \
      -o "$d/feats" tp$r/all.jsonl -O "$d/feats.jsonl" 2>/dev/null
    timed "hdf5.$layout" "${TP[@]}" export hdf5 -j1 -o "$d/features.h5" "$d/feats.jsonl" 2>/dev/null
    timed "tfrecord.$layout" "${TP[@]}" export tfrecord -j1 -o "$d/tfrecord" "$d/feats.jsonl" \
      2>/dev/null
  done
  timed micro_speech "${TP[@]}" features --preset micro_speech -j1 -o tp$r/micro \
    tp$r/all.jsonl -O tp$r/micro.jsonl 2>/dev/null
  timed numpy "${PY[@]}" "$ROOT/bench/features_numpy.py" run clips np$r >>numpy.jsonl
  timed io_floor ./io_floor clips floor$r
  timed io_floor_packed ./io_floor clips floor_packed$r 7968 packed
done
cp -r tp1 tp
cp -r np1 np

"${PY[@]}" - "$N" "${LAYOUT_LIST[@]}" <<'PY'
import json, sys
import h5py
import numpy as np
n = int(sys.argv[1])
layouts = sys.argv[2:]
runs = {}
for name, wall, cpu in (l.split() for l in open("times")):
    runs.setdefault(name, []).append((float(wall), float(cpu)))
# The median repetition of each step (wall and CPU of that same repetition).
t = {name: sorted(v)[len(v) // 2] for name, v in runs.items()}
py_runs = [json.loads(l) for l in open("numpy.jsonl")]
py = {k: float(np.median([r[k] for r in py_runs])) for k in py_runs[0]}
startup = t["startup"][0]
print(f"{n} one-second 16 kHz clips, 40-band log-mel (n_fft 512, win 480, hop 320, no centering),")
print(f"one core; median of {len(runs['numpy'])} repetitions (all walls listed)")
print(f"{'step':<28}{'wall s':>9}{'cpu s':>9}   walls")
def walls(name):
    return " ".join(f"{w:.3f}" for w, _ in runs[name])
for s in ["startup", "import"] + [f"{s}.{l}" for l in layouts for s in ("features", "hdf5", "tfrecord")]:
    print(f"tinyprep {s:<19}{t[s][0]:9.3f}{t[s][1]:9.3f}   {walls(s)}")
print(f"{'numpy script':<28}{t['numpy'][0]:9.3f}{t['numpy'][1]:9.3f}   {walls('numpy')}")
print("numpy stages (s, medians): " +
      ", ".join(f"{k} {v:.3f}" for k, v in py.items() if k != "clips"))
print("(walls are from one core that other jobs may share; the cpu ratios below are the same "
      "comparisons in CPU seconds)")
floor = t["io_floor"][0]
for l in layouts:
    steps = ["import", f"features.{l}", f"hdf5.{l}", f"tfrecord.{l}"]
    tp_wall = sum(t[s][0] for s in steps)
    tp_cpu = sum(t[s][1] for s in steps)
    f = t[f"features.{l}"][0]
    print()
    print(f"layout {l}: tinyprep pipeline {tp_wall:.3f} s wall, {tp_cpu:.3f} s cpu")
    print(f"  pipeline ratio (numpy wall / tinyprep wall):             {t['numpy'][0] / tp_wall:6.1f}x")
    print(f"    without process start-up ({startup:.3f} s x 4 commands):  "
          f"{t['numpy'][0] / (tp_wall - 4 * startup):6.1f}x")
    print(f"    in CPU seconds (script {t['numpy'][1]:.3f} s, tinyprep {tp_cpu:.3f} s):   "
          f"{t['numpy'][1] / tp_cpu:6.1f}x")
    print(f"  features ratio (numpy read+compute / tinyprep features): {py['features'] / f:6.1f}x")
    print(f"    without process start-up:                              "
          f"{py['features'] / (f - startup):6.1f}x")
    if "features_cpu" in py:
        fc = t[f"features.{l}"][1]
        print(f"    in CPU seconds (script {py['features_cpu']:.3f} s, tinyprep {fc:.3f} s):   "
              f"{py['features_cpu'] / fc:6.1f}x")
    if l == "packed" and "io_floor_packed" in t:
        print(f"  tinyprep features = {f / t['io_floor_packed'][0]:.1f}x the I/O floor of packed parts")
    else:
        print(f"  tinyprep features = {f / floor:.1f}x the I/O floor of one file per sample")
print()
print(f"I/O floor of the features step with one file per sample (bench/io_floor.cpp: read {n} "
      f"clips, write {n} files): {floor:.3f} s = {py['features'] / floor:.1f}x the script's "
      f"features stage")
if "io_floor_packed" in t:
    fp = t["io_floor_packed"]
    print(f"I/O floor with packed parts (read {n} clips, write one part, fsync): {fp[0]:.3f} s "
          f"wall, {fp[1]:.3f} s cpu; a features step 10x the script's read + compute has "
          f"{py['features'] / 10:.3f} s")
m = t["micro_speech"][0]
print(f"micro_speech: {n / m:,.0f} clips/s per core ({n / (m - startup):,.0f} without start-up)   "
      f"walls {walls('micro_speech')}")
# Same job, same numbers: compare the two HDF5 files sample by sample.
# The script names a sample by its file's stem; map tinyprep's ids through the manifest.
for l in layouts:
    stem = {}
    for line in open(f"tp/{l}/feats.jsonl"):
        s = json.loads(line)
        stem[s["id"]] = s["path"].rsplit("/", 1)[-1][:-4]
    with h5py.File(f"tp/{l}/features.h5") as a, h5py.File("np/features.h5") as b:
        ids_a = list(a["all"]["id"].asstr()[:])
        ids_b = list(b["all"]["id"].asstr()[:])
        xb = dict(zip(ids_b, b["all"]["x"][:]))
        xa = a["all"]["x"][:]
        diff = max(float(np.max(np.abs(xa[i] - xb[stem[k]]))) for i, k in enumerate(ids_a))
    print(f"tinyprep ({l}) vs numpy HDF5: {len(ids_a)} vs {len(ids_b)} samples, "
          f"max |difference| {diff:.2e} dB")
PY

if [ "${PROFILE:-1}" != 0 ] && command -v perf >/dev/null; then
  # shellcheck disable=SC2046
  perf record -q -g -o perf.data "${TP[@]}" features "${LOGMEL[@]}" \
    $(layout_args "${LAYOUT_LIST[0]}") -j1 -o tp/feats-profile tp/all.jsonl \
    -O tp/feats-profile.jsonl 2>/dev/null
  echo
  echo "profile of the features step, layout ${LAYOUT_LIST[0]} (perf, self time by library, then by symbol):"
  perf report -i perf.data --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' |
    head -8
  perf report -i perf.data --no-children --sort sym --stdio --percent-limit 1.5 2>/dev/null |
    grep -E '^ +[0-9]' | cut -c1-110 | head -20
fi
