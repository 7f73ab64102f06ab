# features (issue 12, points 18 and 19): --rate 8000 with micro_speech's default --upper-hz 7500
# says which option to change and to what; "less than one frame: padded with silence" is said of
# a clip kept at its own length (--length-ms 0) that is shorter than a frame, not of one padded
# to --length-ms.
source "$(dirname "$0")/lib.sh"

mkdir clips
# 1_theo_0.wav: 1886 samples at 8 kHz, shorter than logmel's 2048-sample frame at --rate 8000;
# 0_george_0.wav: 2384 samples, longer than a frame, shorter than 1 s.
cp "$TEST_DATA"/fsdd/1_theo_0.wav "$TEST_DATA"/fsdd/0_george_0.wav clips/
tp import --pattern '{label}_{group}_{take}.wav' clips >m.jsonl 2>/dev/null

# 18: the error names the option, says it is the default, and what value works.
expect_fail 2 "^tinyprep features: --upper-hz 7500 \(the default\) is above the Nyquist frequency 4000 Hz of --rate 8000: give --upper-hz 4000 or lower$" \
  -- tp features --preset micro_speech --rate 8000 --featdir f1 m.jsonl
[ ! -e f1 ] || fail "a refused config made the feature folder"
tp features --preset micro_speech --rate 8000 --upper-hz 4000 --featdir f2 m.jsonl >f2.jsonl 2>f2.err ||
  { cat f2.err >&2; fail "--upper-hz 4000 at --rate 8000"; }
expect_eq "$(wc -l <f2.jsonl)" 2 "lines with features at --rate 8000 --upper-hz 4000"
expect_fail 2 "^tinyprep features: --lower-hz 4000 must be at least 0 and below --upper-hz 3000$" \
  -- tp features --preset micro_speech --rate 8000 --upper-hz 3000 --lower-hz 4000 --featdir f3 m.jsonl
expect_fail 2 "^tinyprep features: --upper-hz 9000 is above the Nyquist frequency 8000 Hz of --rate 16000: give --upper-hz 8000 or lower$" \
  -- tp features --preset micro_speech --upper-hz 9000 --featdir f3 m.jsonl

# 19: padded to 1 s (the default --length-ms), both clips fill 4 frames: no "less than one
# frame" warning, only the summary's "padded".
tp features --preset logmel --rate 8000 --featdir f4 m.jsonl >f4.jsonl 2>f4.err ||
  { cat f4.err >&2; fail "logmel at --rate 8000"; }
if grep -q "less than one" f4.err; then
  cat f4.err >&2
  fail "'less than one frame' said of clips padded to 1 s"
fi
grep -q "padded 2 clips shorter than 1000 ms" f4.err || { cat f4.err >&2; fail "no 'padded' note"; }
# --length-ms 0: the short clip enters the extractor shorter than a frame, and is said to.
tp features --preset logmel --rate 8000 --length-ms 0 --featdir f5 m.jsonl >f5.jsonl 2>f5.err ||
  { cat f5.err >&2; fail "logmel at --length-ms 0"; }
grep -q "m.jsonl:2: clips/1_theo_0.wav: only 1886 samples, less than one 2048-sample frame: padded with silence" f5.err ||
  { cat f5.err >&2; fail "no 'less than one frame' warning at --length-ms 0"; }
expect_eq "$(grep -c "less than one" f5.err)" 1 "warnings at --length-ms 0 (0_george_0 fills a frame)"
echo ok
