#!/usr/bin/env bash
# bench/second_impls.sh: the second, hand-written implementations kept for speed (issue 11,
# item 5), each against its library or plain alternative on its own stage. Method and figures:
# bench/README.md, "Second implementations".
#
#   bench/second_impls.sh                  builds build-bench-second/ (Release), runs everything
#   BUILD=build-x bench/second_impls.sh    libraries and binary of an existing Release build
#   ROUNDS=25 RUNS=9 bench/second_impls.sh more repetitions (defaults 15 and 7)
#   CALLGRIND=0 bench/second_impls.sh      without the instruction counts
#
# Input (not timed): 1,000 one-second 16 kHz clips made from tests/data/fsdd by
# features_numpy.py make-clips (as bench/features_bench.sh), their import manifest, and their
# log-mel features (40 mels, n_fft 512, win 480, hop 320) with its manifest, all in /dev/shm
# (or $WORKROOT).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-15}
RUNS=${RUNS:-7}
CALLGRIND=${CALLGRIND:-1}
PY=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3)

if [ -z "${BUILD:-}" ]; then
  BUILD=$ROOT/build-bench-second
  echo "building the libraries and tinyprep (Release) in $BUILD ..." >&2
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTINYPREP_TESTS=OFF >/dev/null
  cmake --build "$BUILD" --target tinyprep tinyprep_plugin_hdf5 -j2 >/dev/null
fi
BUILD=$(cd "$BUILD" && pwd)
TP=$BUILD/tools/tinyprep
WORKROOT=${WORKROOT:-/dev/shm}
WORK=$(mktemp -d "$WORKROOT/tinyprep-second.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

echo "compiling the benchmarks ..." >&2
CXX=(g++ -O3 -DNDEBUG -std=c++20 -Wall -Wextra -I"$ROOT/lib")
L=$BUILD/lib
"${CXX[@]}" "$ROOT/bench/second_impls.cpp" "$L/export/libtinyprep_export.a" "$L/codec/libtinyprep_codec.a" \
  "$L/array/libtinyprep_array.a" \
  "$L/manifest/libtinyprep_manifest.a" "$L/audio/libtinyprep_audio.a" "$L/core/libtinyprep_core.a" \
  -lsimdjson -ldeflate -lz -lsoxr -lcrypto -ldl -pthread -o second_impls
A=(lib/audio/micro_frontend_tables.cpp lib/audio/fixed_fft.cpp lib/audio/fixed_fft_avx2.cpp
  lib/audio/micro_frontend_avx2.cpp lib/audio/wav_pcm.cpp lib/core/error.cpp)
A=("${A[@]/#/$ROOT/}")
"${CXX[@]}" "$ROOT/bench/avx2_paths.cpp" "$ROOT/lib/audio/micro_frontend.cpp" "${A[@]}" \
  -o avx2_paths
"${CXX[@]}" -c -DTINYPREP_NO_AVX2 "$ROOT/lib/audio/micro_frontend.cpp" -o mf_tail_portable.o
"${CXX[@]}" "$ROOT/bench/avx2_paths.cpp" mf_tail_portable.o "${A[@]}" -o avx2_paths_tail_portable
gcc -O2 -shared -fPIC "$ROOT/bench/noop_mallopt.c" -o noop_mallopt.so

echo "making the input ..." >&2
"${PY[@]}" "$ROOT/bench/features_numpy.py" make-clips "$ROOT/tests/data/fsdd" clips 1000
ls clips/*/*.wav >clips.list
head -200 clips.list >clips200.list
"$TP" import --layout folders clips -j1 -o all.jsonl 2>/dev/null
"$TP" features --preset logmel --n-fft 512 --win-length 480 --hop-length 320 --n-mels 40 \
  --no-center -j1 -o feats all.jsonl -O feats.jsonl 2>/dev/null
# 16,000 lines for the mallopt runs: the features lines 16 times, ids made unique.
for k in $(seq 16); do sed "s/\"id\":\"/\"id\":\"r$k-/" feats.jsonl; done >feats16k.jsonl
cat clips/*/*.wav feats/* >/dev/null

echo
echo "== 1. Huffman block writer (lib/codec/deflate_literals.cpp) =="
./second_impls --rounds "$ROUNDS" deflate feats.jsonl
echo
echo "== 2. fast_json (lib/manifest/fast_json.cpp) =="
./second_impls --rounds "$ROUNDS" json feats.jsonl all.jsonl
echo
echo "== 3. wav_pcm (lib/audio/wav_pcm.cpp) =="
./second_impls --rounds "$ROUNDS" wav clips.list
echo
echo "== 4. AVX2 kernels (lib/audio/fixed_fft_avx2.cpp, micro_frontend_avx2.cpp) =="
./avx2_paths --rounds "$ROUNDS" fft clips200.list
# Three variants of the whole frontend, one process each, interleaved, RUNS times.
: >frontend.txt
for r in $(seq "$RUNS"); do
  echo "both $(./avx2_paths --rounds 5 frontend clips200.list)" >>frontend.txt
  echo "fft_only $(./avx2_paths_tail_portable --rounds 5 frontend clips200.list)" >>frontend.txt
  echo "neither $(./avx2_paths --rounds 5 frontend clips200.list portable)" >>frontend.txt
done
"${PY[@]}" - frontend.txt <<'EOF'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    parts = line.split()
    t.setdefault(parts[0], []).append(float(parts[3]))
    assert parts[-1] == open(sys.argv[1]).readline().split()[-1], "checksums differ"
m = {k: statistics.median(v) for k, v in t.items()}
print(f"micro frontend, 200 clips, {len(t['both'])} interleaved runs of each build, medians:")
print(f"  AVX2 FFT + AVX2 tail  {m['both']:.1f} us/clip")
print(f"  AVX2 FFT + portable tail {m['fft_only']:.1f} us/clip  x{m['fft_only'] / m['both']:.2f}"
      " (the AVX2 tail, on the whole frontend)")
print(f"  both portable         {m['neither']:.1f} us/clip  x{m['neither'] / m['both']:.2f}")
EOF
if [ "$CALLGRIND" = 1 ]; then
  # Instruction counts of the tail: the AVX2 tail is its own function; the portable tail is
  # inlined, so its count is the difference of the two builds' compute() plus the AVX2 tail's.
  for b in avx2_paths avx2_paths_tail_portable; do
    valgrind --tool=callgrind --callgrind-out-file=cg.$b ./$b --once frontend clips200.list \
      >/dev/null 2>&1
  done
  ir() { callgrind_annotate --inclusive=yes "$1" 2>/dev/null | grep -m1 "$2" |
    awk '{ gsub(",", "", $1); print $1 }'; }
  both=$(ir cg.avx2_paths "MicroFrontend::compute")
  tail_avx2=$(ir cg.avx2_paths "frontend_avx2::tail")
  portable=$(ir cg.avx2_paths_tail_portable "MicroFrontend::compute")
  tail_portable=$((portable - both + tail_avx2))
  echo "callgrind, 200 clips: the tail's instructions: AVX2 $tail_avx2, portable" \
    "$tail_portable (x$(echo "scale=2; $tail_portable / $tail_avx2" | bc))"
fi
echo
# 5. The in-memory path for small manifests is gone (1.05-1.32x); it was measured by
# `second_impls keep` as of commit d4d6b66.
echo "== 6. mallopt (tools/main.cpp) =="
# The same binary with mallopt() made a no-op by LD_PRELOAD (glibc's default thresholds),
# interleaved, RUNS times each; CPU (user+sys), wall and minor page faults of each child from
# getrusage.
"${PY[@]}" - "$TP" "$WORK/noop_mallopt.so" "$RUNS" <<'EOF'
import os, resource, shutil, statistics, subprocess, sys, time
tp, shim, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
logmel = ["--preset", "logmel", "--n-fft", "512", "--win-length", "480", "--hop-length", "320",
          "--n-mels", "40", "--no-center"]
cmds = {
    "export hdf5, 1,000 lines": ["export", "hdf5", "-j1", "-o", "out.h5", "feats.jsonl"],
    "export hdf5, 16,000 lines": ["export", "hdf5", "-j1", "-o", "out.h5", "feats16k.jsonl"],
    "export tfrecord, 16,000 lines": ["export", "tfrecord", "-j1", "-o", "out_tfr",
                                      "feats16k.jsonl"],
    "features, 1,000 clips": ["features", *logmel, "-j1", "-o", "out_f", "all.jsonl",
                              "-O", "out_f.jsonl"],
}


def clean():
    for p in ("out.h5", "out_tfr", "out_f", "out_f.jsonl"):
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def run(args, preload):
    clean()
    env = dict(os.environ)
    if preload:
        env["LD_PRELOAD"] = shim
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([tp, *args], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, after.ru_minflt - before.ru_minflt


res = {}
for r in range(runs):
    for name, args in cmds.items():
        order = (False, True) if r % 2 == 0 else (True, False)
        got = {p: run(args, p) for p in order}
        res.setdefault(name, []).append((got[False], got[True]))
clean()
print(f"tinyprep with its mallopt calls vs glibc's defaults (mallopt a no-op), -j1, {runs} "
      "interleaved runs each, medians (ratio: default / with mallopt):")
for name, rows in res.items():
    def med(i, p):
        return statistics.median(r[p][i] for r in rows)

    def ratio(i):
        return statistics.median(r[1][i] / r[0][i] for r in rows)
    print(f"  {name:30s} CPU {med(1, 0):.3f} s vs {med(1, 1):.3f} s (x{ratio(1):.2f}), "
          f"wall x{ratio(0):.2f}, minor faults {med(2, 0):.0f} vs {med(2, 1):.0f}")
EOF
