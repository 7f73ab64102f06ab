#!/usr/bin/env bash
# bench/memory_bench.sh: peak resident memory (RSS) of `tinyprep features` and `tinyprep export
# hdf5|tfrecord` as the manifest grows (issue 16: the peak on 100,000 lines within 20% of the
# peak on 10,000). Prints a table; see bench/README.md, "Scale (issue 16)".
#
#   bench/memory_bench.sh                      build (Release, build-bench-memory/), run, print
#   TINYPREP=build-x/tools/tinyprep bench/memory_bench.sh   an already built binary
#
# Environment: SIZES (manifest lines, default "10000 30000 100000"; the first is the reference
# every other size is compared with), CLIPS (distinct clips, default 10000), CLIP_MS (their
# length, default 100), FEATURES (the features options, default micro_speech padded to the clip
# length), J (threads, -j, default 1), LAYOUTS (feature layouts, default "packed files" when the
# binary has --layout), WORKROOT (folder for the work files, default /tmp: the disk),
# TINYPREP (use this binary).
#
# Method: CLIPS distinct short 16 kHz WAVs (seeded noise and a tone each, made with Debian's
# python3; not timed), imported once; line i of the big manifest is clip i % CLIPS under its
# own id ("<import id>-<i / CLIPS>") and split train/validation/test 80/10/10, so every line is
# a sample of its own that features computes and export writes. The manifest of each size is the
# first SIZE lines. Each command runs once per size in a fresh output, under GNU time
# (/usr/bin/time: "maximum resident set size", i.e. getrusage's ru_maxrss of the process, in
# KiB); one run per figure, since the peak is a count of pages, not a time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES:-10000 30000 100000}
CLIPS=${CLIPS:-10000}
CLIP_MS=${CLIP_MS:-100}
J=${J:-1}
PY=/usr/bin/python3
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time, Debian package 'time')" >&2; exit 1; }

if [ -z "${TINYPREP:-}" ]; then
  echo "building tinyprep (Release) in build-bench-memory/ ..." >&2
  cmake -S "$ROOT" -B "$ROOT/build-bench-memory" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DTINYPREP_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-bench-memory" --target tinyprep -j2 >/dev/null
  TINYPREP=$ROOT/build-bench-memory/tools/tinyprep
fi
TINYPREP=$(realpath "$TINYPREP")
if [ -z "${LAYOUTS:-}" ]; then
  LAYOUTS=default
  # (the help read whole first: grep -q stopping early would fail the pipe under pipefail)
  help=$("$TINYPREP" features --help 2>/dev/null || true)
  if grep -q -- '--layout' <<<"$help"; then LAYOUTS="packed files"; fi
fi
read -r -a FEATURE_ARGS <<<"${FEATURES:---preset micro_speech --length-ms $CLIP_MS}"
MAX=0
for n in $SIZES; do [ "$n" -gt "$MAX" ] && MAX=$n; done
REF=${SIZES%% *}

WORK=$(mktemp -d "${WORKROOT:-/tmp}/tinyprep-memory-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

echo "making $CLIPS clips of $CLIP_MS ms and a manifest of $MAX lines in $WORK ..." >&2
"$PY" - "$CLIPS" "$CLIP_MS" <<'PY'
import os, sys
import numpy as np
import soundfile as sf
n, ms = int(sys.argv[1]), float(sys.argv[2])
rate = 16000
t = np.arange(int(rate * ms / 1000)) / rate
for k in range(n):
    rng = np.random.default_rng(k)
    y = 0.3 * np.sin(2 * np.pi * rng.uniform(100, 4000) * t) + rng.normal(0, 0.05, t.size)
    d = os.path.join("clips", f"l{k % 10}")
    os.makedirs(d, exist_ok=True)
    sf.write(os.path.join(d, f"c{k:06d}.wav"), y, rate, subtype="PCM_16")
PY
"$TINYPREP" import --layout folders clips -o base.jsonl 2>/dev/null
"$PY" - "$MAX" <<'PY'
import json, sys
base = [json.loads(l) for l in open("base.jsonl")]
with open("all.jsonl", "w") as out:
    for i in range(int(sys.argv[1])):
        d = dict(base[i % len(base)])
        d["id"] = f"{d['id']}-{i // len(base)}"
        d["split"] = "train" if i % 10 < 8 else ("validation" if i % 10 == 8 else "test")
        out.write(json.dumps(d, separators=(",", ":")) + "\n")
PY
for n in $SIZES; do head -n "$n" all.jsonl >"m$n.jsonl"; done
cat clips/*/*.wav >/dev/null  # a warm page cache for every run

# measure NAME SIZE CMD...: one run under GNU time; appends "NAME SIZE maxrss_KiB wall_s
# minor_faults" to results.
: >results
measure() {
  local name=$1 n=$2
  shift 2
  /usr/bin/time -f "%M %e %R" -o rusage "$@" >/dev/null 2>stderr ||
    { cat stderr rusage >&2; echo "failed: $*" >&2; exit 1; }
  echo "$name $n $(tail -1 rusage)" >>results
  printf '%-30s %7d lines %8d KiB %7.2f s\n' "$name" "$n" "$(tail -1 rusage | cut -d' ' -f1)" \
    "$(tail -1 rusage | cut -d' ' -f2)" >&2
}

T="$TINYPREP"
measure startup 0 "$T" --version
for layout in $LAYOUTS; do
  L=()
  [ "$layout" != default ] && L=(--layout "$layout")
  for n in $SIZES; do
    measure "features $layout" "$n" "$T" features "${FEATURE_ARGS[@]}" "${L[@]}" -j "$J" \
      -o "f-$layout-$n" -O "f-$layout-$n.jsonl" "m$n.jsonl"
    # A re-run over the same folder: every sample is found in the index and skipped.
    measure "features $layout rerun" "$n" "$T" features "${FEATURE_ARGS[@]}" "${L[@]}" \
      -j "$J" -o "f-$layout-$n" -O "f-$layout-$n-rerun.jsonl" "m$n.jsonl"
    measure "export hdf5 $layout" "$n" "$T" export hdf5 -j "$J" -o "e-$layout-$n.h5" \
      "f-$layout-$n.jsonl"
    measure "export tfrecord $layout" "$n" "$T" export tfrecord -j "$J" -o "e-$layout-$n" \
      "f-$layout-$n.jsonl"
    rm -rf "e-$layout-$n.h5" "e-$layout-$n" "f-$layout-$n-rerun.jsonl"
  done
  rm -rf f-"$layout"-*
done

"$PY" - "$REF" "$J" "$CLIPS" "$CLIP_MS" "${FEATURE_ARGS[*]}" <<'PY'
import sys
ref, jobs, clips, ms, args = sys.argv[1:]
ref = int(ref)
rows = {}
for line in open("results"):
    *name, n, rss, wall, faults = line.split()
    rows.setdefault(" ".join(name), {})[int(n)] = (int(rss), float(wall), int(faults))
print(f"peak RSS (MiB) by manifest lines; {clips} distinct {ms} ms clips, features: {args}; -j {jobs}")
print(f"process start-up alone (tinyprep --version): {rows['startup'][0][0] / 1024:.1f} MiB")
sizes = sorted({n for r in rows.values() for n in r if n})
print()
print("| command | " + " | ".join(f"{n:,} lines" for n in sizes) + " | growth per line |")
print("| --- " * (len(sizes) + 2) + "|")
for name, r in rows.items():
    if name == "startup":
        continue
    cells = []
    for n in sizes:
        cell = f"{r[n][0] / 1024:.1f}"
        if n != ref:
            ratio = r[n][0] / r[ref][0]
            cell += f" ({'**' if ratio > 1.2 else ''}{ratio:.2f}x{'**' if ratio > 1.2 else ''})"
        cells.append(cell)
    # bytes of peak per added line between successive sizes: flat once a cost stops growing
    slopes = [(r[b][0] - r[a][0]) * 1024 / (b - a) for a, b in zip(sizes, sizes[1:])]
    print(f"| {name} | " + " | ".join(cells) + " | " + " / ".join(f"{g:.0f} B" for g in slopes) +
          " |")
print()
print(f"MiB of peak RSS; in parentheses the ratio to the {ref:,}-line peak (target: at most 1.2x "
      f"at 100,000; bold above); growth per line between successive sizes.")
print()
print("wall seconds (one run each): " + "; ".join(
    f"{name} " + "/".join(f"{r[n][1]:.1f}" for n in sizes) for name, r in rows.items()
    if name != "startup"))
PY
