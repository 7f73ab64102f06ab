# capture stdin: raw s16le PCM piped in (mono and stereo) becomes WAV clips, the trailing
# partial clip dropped; CSV lines piped in become gestures; an input with no whole sample is
# an error.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

# 2.5 s of mono 16 kHz: two 1000 ms clips; the half clip at the end is dropped.
"$PY" -c '
import sys
sys.stdout.buffer.write(b"".join(((i * 37) % 65536 - 32768).to_bytes(2, "little", signed=True)
                                 for i in range(40000)))' >mono.raw
tp capture stdin --into ds --label yes <mono.raw 2>err.txt || { cat err.txt; fail "stdin pcm"; }
grep -q "dropped a partial clip (0.50 s of 1.00 s) at the end of the input" err.txt || { cat err.txt; fail "partial"; }
grep -q "kept 2 samples of 'yes' in ds (the input ended, dropped 1 partial sample)" err.txt || { cat err.txt; fail "summary"; }
tp validate ds 2>/dev/null || fail "validate rejects the stdin dataset"
"$PY" - <<'PYEOF' || fail "stdin clip contents"
import json, wave
lines = [json.loads(l) for l in open("ds/samples.jsonl")]
assert len(lines) == 2
for k, line in enumerate(lines):
    w = wave.open("ds/" + line["path"])
    assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (16000, 1, 16000)
    data = w.readframes(16000)
    got = [int.from_bytes(data[2 * i : 2 * i + 2], "little", signed=True) for i in (0, 15999)]
    want = [((i * 37) % 65536 - 32768) for i in (16000 * k, 16000 * k + 15999)]
    assert got == want, (k, got, want)
    assert line["source"] == "stdin" and line["audio"]["duration"] == 1.0
PYEOF

# Stereo at 8 kHz, 500 ms clips, through a pipe.
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 64)' \
  | tp capture stdin --format s16le --rate 8000 --channels 2 --length-ms 500 --into ds2 \
      --label noise 2>err.txt || { cat err.txt; fail "stdin stereo"; }
expect_eq "$(json_get ds2/samples.jsonl 'd["audio"]["channels"]')" 2 "stereo channels"
expect_eq "$(json_get ds2/samples.jsonl 'd["audio"]["frames"]')" 4000 "stereo frames"

# CSV gestures: a header, stray lines, two gestures; the last one ends with the input.
printf 'booting\naX,aY,aZ\n1,2,3\n4,5,6\n\nnoise here\n7,8,9\n10,11,12\n' \
  | tp capture stdin --format csv --rows 2 --into ds3 --label wave 2>err.txt || { cat err.txt; fail "stdin csv"; }
grep -q "kept 2 samples of 'wave' in ds3 (the input ended, skipped 2 stray lines)" err.txt || { cat err.txt; fail "csv summary"; }
tp validate ds3 2>/dev/null || fail "validate rejects the stdin csv dataset"
"$PY" - <<'PYEOF' || fail "stdin csv contents"
import json
lines = [json.loads(l) for l in open("ds3/samples.jsonl")]
assert [open("ds3/" + l["path"]).read() for l in lines] == ["aX,aY,aZ\n1,2,3\n4,5,6\n", "aX,aY,aZ\n7,8,9\n10,11,12\n"]
PYEOF

# Not one whole clip: exit 1, nothing written.
head -c 1000 mono.raw >short.raw
expect_fail 1 "stdin: nothing captured \(the input ended, dropped 1 partial sample\)" -- \
  tp capture stdin --into ds4 --label yes <short.raw
expect_fail 2 "--format" -- tp capture stdin --format flac --into ds4 --label yes <short.raw
[ ! -e ds4 ] || fail "a capture that kept nothing made a dataset folder"
