# The micro_speech preset is bit-exact: every value equals TensorFlow's micro frontend output
# (kws_tflm/reference, all six clips, three formats) and tflite-micro's own golden arrays; the
# files are the same whatever -j.
source "$(dirname "$0")/lib.sh"
KWS="$TEST_DATA/kws_tflm"
mkdir -p kws
cp "$KWS"/*.wav kws/
tp import --label x kws > kws.jsonl 2>/dev/null

# --length-ms 0 keeps each clip's length: the 30 ms clips give one frame, as the reference does.
for format in uint16 float int8; do
  tp features --preset micro_speech --layout files --format $format --length-ms 0 -o feats-$format kws.jsonl \
    > out-$format.jsonl 2>err-$format
  expect_eq "$(wc -l < out-$format.jsonl)" 6 "lines out ($format)"
done
"$PY" - "$KWS" <<'PY'
import json, sys
import numpy as np
kws = sys.argv[1]
ext = {"uint16": "u16", "float": "float", "int8": "int8"}
dtype = {"uint16": np.uint16, "float": np.float32, "int8": np.int8}
for fmt in ext:
    for line in open(f"out-{fmt}.jsonl"):
        s = json.loads(line)
        f = s["features"]
        a = np.load(f["path"])
        ref = np.loadtxt(f"{kws}/reference/{s['id']}.{ext[fmt]}.txt", ndmin=2)
        assert a.dtype == dtype[fmt], (fmt, s["id"], a.dtype)
        assert list(a.shape) == f["shape"] == list(ref.shape), (fmt, s["id"], a.shape, ref.shape)
        assert f["dtype"] == np.dtype(dtype[fmt]).name and f["config"].startswith("micro_speech@")
        # Exact: the reference text holds the float values exactly (multiples of 10/256).
        assert np.array_equal(a, ref.astype(dtype[fmt])), (fmt, s["id"], np.abs(a - ref).max())
# tflite-micro's golden arrays (legacy 49x40 spectrograms, micro_speech_test 30 ms frames).
golden = {"yes_1000ms": "legacy_yes_micro_features_data", "no_1000ms": "legacy_no_micro_features_data",
          "yes_30ms": "micro_speech_test_yes_30ms", "no_30ms": "micro_speech_test_no_30ms"}
for clip, name in golden.items():
    a = np.load(f"feats-int8/{clip}.npy")
    ref = np.loadtxt(f"{kws}/upstream_golden/{name}.int8.txt", ndmin=2)
    assert np.array_equal(a, ref), (clip, name)
PY

# The default length (1 s) pads the 30 ms clips: 49 frames; the first frame is the reference's.
tp features --preset micro_speech --layout files --format uint16 -o feats-1s kws.jsonl > out-1s.jsonl 2>err
grep -q "padded 2 clips shorter than 1000 ms" err || fail "padding note: $(cat err)"
"$PY" - "$KWS" <<'PY'
import sys, numpy as np
a = np.load("feats-1s/yes_30ms.npy")
assert a.shape == (49, 40), a.shape
assert np.array_equal(a[0], np.loadtxt(f"{sys.argv[1]}/reference/yes_30ms.u16.txt"))
PY

# Byte-identical outputs whatever the thread count.
tp features --preset micro_speech --layout files -j1 -o j1 kws.jsonl > j1.jsonl 2>/dev/null
tp features --preset micro_speech --layout files -j2 -o j2 kws.jsonl > j2.jsonl 2>/dev/null
# config.json records the command (made_by), which differs in -j; the rest must not.
diff -r -x config.json j1 j2 >/dev/null || fail "-j1 and -j2 feature folders differ"
cmp <(json_get j1/config.json 'd.pop("made_by") and d') \
  <(json_get j2/config.json 'd.pop("made_by") and d') || fail "config.json differs in -j beyond made_by"
cmp <(sed 's#"j1/#"X/#' j1.jsonl) <(sed 's#"j2/#"X/#' j2.jsonl) || fail "-j1 and -j2 lines differ"

# UTF-8 ids keep their letters in the file name; anything unsafe is replaced and the id's hash
# added, so different ids never share a file.
{
  echo '{"id":"naïve/ü 1","path":"kws/yes_1000ms.wav","label":"x"}'
  echo '{"id":"naïve_ü_1","path":"kws/no_1000ms.wav","label":"x"}'
} > utf8.jsonl
tp features --preset micro_speech --layout files -o utf8 utf8.jsonl > utf8-out.jsonl 2>/dev/null
"$PY" - <<'PY'
import json, os
import numpy as np
a, b = [json.loads(l) for l in open("utf8-out.jsonl")]
assert b["features"]["path"] == "utf8/naïve_ü_1.npy", b["features"]["path"]
assert a["features"]["path"].startswith("utf8/naïve_ü_1-") and a["features"]["path"].endswith(".npy")
assert not np.array_equal(np.load(a["features"]["path"]), np.load(b["features"]["path"]))
PY

# The table variants are different targets: b and c differ from a on these clips.
tp features --preset micro_speech --layout files --frontend-tables b -o tb kws.jsonl > tb.jsonl 2>/dev/null
cmp -s j1/yes_1000ms.npy tb/yes_1000ms.npy && fail "--frontend-tables b gave variant a's values"
[ "$(json_get tb/config.json 'd["params"]["tables"]')" = b ] || fail "config.json lacks tables b"
echo OK
