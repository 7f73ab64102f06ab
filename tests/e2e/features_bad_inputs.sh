# Bad input to `tinyprep features`: clips that need conditioning are noted or warned about and
# still computed; a corrupt file, NaN samples, a missing file, a duplicate id each get an error
# line naming the manifest line and the file, the others are still written, and the run ends
# with exit 1 and a summary. Options that make no sense are usage errors (exit 2) that touch
# nothing.
source "$(dirname "$0")/lib.sh"
mkdir -p clips
cp "$TEST_DATA/kws_tflm/yes_1000ms.wav" clips/good.wav
"$PY" - <<'PY'
import numpy as np
import soundfile as sf
t = np.arange(16000) / 16000
tone = 0.3 * np.sin(2 * np.pi * 440 * t)
sf.write("clips/stereo.wav", np.stack([tone, np.zeros_like(tone)], 1), 16000, subtype="PCM_16")
sf.write("clips/rate44k.wav", 0.3 * np.sin(2 * np.pi * 440 * np.arange(44100) / 44100), 44100,
         subtype="PCM_16")
sf.write("clips/empty.wav", np.zeros(0), 16000, subtype="PCM_16")
sf.write("clips/ten.wav", np.full(10, 0.1), 16000, subtype="PCM_16")
x = tone.astype(np.float32)
x[100] = np.nan
sf.write("clips/nan.wav", x, 16000, subtype="FLOAT")
x[100] = np.inf
sf.write("clips/inf.wav", x, 16000, subtype="FLOAT")
open("clips/corrupt.wav", "wb").write(b"RIFF\x24\x00\x00\x00WAVEfmt junk that is not a header")
PY
{
  for f in good stereo rate44k empty ten nan inf corrupt; do
    echo "{\"id\":\"$f\",\"path\":\"clips/$f.wav\",\"label\":\"x\"}"
  done
  echo '{"id":"gone","path":"clips/gone.wav","label":"x"}'
  echo '{"id":"good","path":"clips/good.wav","label":"x"}'
} > m.jsonl

for preset in micro_speech logmel; do
  rc=0
  tp features --preset $preset --layout files -o feats-$preset m.jsonl > out.jsonl 2>err || rc=$?
  expect_eq "$rc" 1 "exit code with bad samples ($preset)"
  grep -q "^tinyprep features: m.jsonl:2: clips/stereo.wav: 2 channels downmixed to mono$" err ||
    fail "stereo note: $(cat err)"
  grep -q "^tinyprep features: m.jsonl:3: clips/rate44k.wav: 44100 Hz resampled to 16000 Hz$" err ||
    fail "rate note: $(cat err)"
  grep -q "warning: m.jsonl:4: clips/empty.wav: empty clip, .*padded with silence" err ||
    fail "empty warning: $(cat err)"
  # Padded to 1 s, a short clip is counted in the summary, not called shorter than a frame
  # (issue 12, point 19; e2e features_rate_short checks --length-ms 0).
  grep -q "clips/ten.wav: only 10 samples" err && fail "short warning at 1 s: $(cat err)"
  grep -q "padded 2 clips shorter than 1000 ms" err || fail "padded summary: $(cat err)"
  grep -q "m.jsonl:6: clips/nan.wav: sample 100 is NaN or Inf" err || fail "NaN: $(cat err)"
  grep -q "m.jsonl:7: clips/inf.wav: sample 100 is NaN or Inf" err || fail "Inf: $(cat err)"
  grep -q "m.jsonl:8: clips/corrupt.wav: not a readable audio file" err ||
    fail "corrupt: $(cat err)"
  grep -q "m.jsonl:9: clips/gone.wav: " err || fail "missing file: $(cat err)"
  grep -q "m.jsonl:10: duplicate id 'good' (also on line 1)" err || fail "dup id: $(cat err)"
  grep -q "^tinyprep features: 5 of 10 samples failed (listed above); the other 5 are in feats-$preset$" err ||
    fail "summary: $(cat err)"
  # The good ones are written, in input order.
  expect_eq "$("$PY" -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in open(sys.argv[1])))' out.jsonl)" \
    "good stereo rate44k empty ten" "ids written ($preset)"
  expect_eq "$(ls feats-$preset/*.npy | wc -l)" 5 ".npy files ($preset)"
  ls -a feats-$preset | grep -q '\.tmp-' && fail "temporary files left in feats-$preset"
done
"$PY" - <<'PY'
import numpy as np
a = np.load("feats-logmel/empty.npy")
assert a.shape[1] == 128 and np.all(a == a.flat[0]), "an empty clip is silence"
s = np.load("feats-micro_speech/stereo.npy")
assert s.shape == (49, 40) and s.dtype == np.int8
PY

# A re-run retries the failed samples only.
rc=0
tp features --preset logmel --layout files -o feats-logmel m.jsonl > /dev/null 2>err || rc=$?
expect_eq "$rc" 1 "re-run exit code"
grep -q "computed 0, skipped 5 already in feats-logmel (same sha256 and config), 5 failed" err ||
  fail "re-run summary: $(cat err)"

# Options that make no sense: exit 2, nothing made.
expect_fail 2 '--n-mels 300 is more than the 257 FFT bins' -- \
  tp features --preset logmel --n-fft 512 --n-mels 300 -o nope m.jsonl
expect_fail 2 '--fmax 9000 is above the Nyquist frequency 8000' -- \
  tp features --preset mfcc --fmax 9000 -o nope m.jsonl
expect_fail 2 '--win-length 1024 is longer than --n-fft 512' -- \
  tp features --preset spectrogram --n-fft 512 --win-length 1024 -o nope m.jsonl
expect_fail 2 '--n-mels does not apply to --preset micro_speech' -- \
  tp features --preset micro_speech --n-mels 40 -o nope m.jsonl
expect_fail 2 '--length-ms 10 gives 160 samples, fewer than one 512-sample frame' -- \
  tp features --preset logmel --n-fft 512 --no-center --length-ms 10 -o nope m.jsonl
expect_fail 2 "preset: .*not in" -- tp features --preset bark -o nope m.jsonl
[ ! -e nope ] || fail "a usage error made the feature folder"
echo OK
