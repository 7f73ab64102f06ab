# `tinyprep features` and clips whose rate or size would take the machine's memory (issue 10,
# defect 9): a WAV that claims 1 Hz is refused with an error naming the manifest line and the
# file (it was resampled whole: 683 MB for 8.7 KB); two hours at 250 Hz are trimmed before
# resampling (115 M samples otherwise), so they fit a small address space; a clip too large for
# memory fails alone, named, instead of ending the run with a bare std::bad_alloc.
source "$(dirname "$0")/lib.sh"
mkdir -p clips
cp "$TEST_DATA/kws_tflm/yes_1000ms.wav" clips/good.wav
"$PY" - <<'PY'
import numpy as np
import soundfile as sf
rng = np.random.default_rng(3)
sf.write("clips/rate1.wav", 0.1 * rng.standard_normal(4350), 1, subtype="PCM_16")
sf.write("clips/long250.wav", 0.1 * rng.standard_normal(2 * 3600 * 250), 250, subtype="PCM_16")
sf.write("clips/big.wav", 0.1 * rng.standard_normal(24_000_000), 16000, subtype="PCM_16")
PY
manifest() {
  for f in "$@"; do echo "{\"id\":\"$f\",\"path\":\"clips/$f.wav\",\"label\":\"x\"}"; done
}

manifest good rate1 >rates.jsonl
expect_fail 1 "rates.jsonl:2: clips/rate1.wav: sample rate 1 Hz is more than 64 times away from the target 16000 Hz" -- \
  tp features --preset micro_speech -o f1 -O out1.jsonl rates.jsonl
expect_eq "$(wc -l <out1.jsonl)" 1 "the good clip is still written"

# ASan reserves terabytes of address space for its shadow memory, so `ulimit -v` cannot be used
# with a sanitizer build (SANITIZE=1 scripts/test): the address-space cases run in the others.
if grep -qa __asan_init "$TINYPREP"; then
  echo "note: sanitizer build: the ulimit -v cases are not run" >&2
else
  # 2 h at 250 Hz, centred: only the second the window needs is resampled. In 600 MB of address
  # space (the whole clip resampled would need 460 MB for its samples alone, and soxr as much).
  manifest long250 >long.jsonl
  (ulimit -v 600000 && tp features --preset micro_speech --align center -j 1 -o f2 -O out2.jsonl long.jsonl) \
    2>err2.txt || { cat err2.txt; fail "2 h at 250 Hz in 600 MB"; }
  expect_eq "$(json_get out2.jsonl 'd["features"]["shape"]')" "[49, 40]" "shape of the long clip"

  # 48 MB of WAV decoded to 96 MB of floats, in 120 MB of address space with the good clip: the big
  # one fails naming its line and file, the good one is written.
  manifest good big >big.jsonl
  rc=0
  (ulimit -v 120000 && tp features --preset micro_speech -j 1 -o f3 -O out3.jsonl big.jsonl) \
    2>err3.txt || rc=$?
  if grep -q "big.jsonl:2: clips/big.wav: out of memory while computing its features" err3.txt; then
    expect_eq "$rc" 1 "exit code after an out-of-memory sample"
    expect_eq "$(wc -l <out3.jsonl)" 1 "the good clip is still written"
  elif [ "$rc" = 0 ]; then
    echo "note: 120 MB of address space were enough here; the out-of-memory case is not run" >&2
  else
    cat err3.txt
    fail "an out-of-memory sample must fail alone, named"
  fi
  ! grep -q "bad_alloc" err3.txt || { cat err3.txt; fail "bare bad_alloc"; }
fi
