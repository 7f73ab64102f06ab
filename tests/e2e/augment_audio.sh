# augment on audio (issue 14): kws clips (16 kHz) and FSDD digits (8 kHz) with background noise
# at 16 kHz. Two runs, -j 1 and -j 2, and the lines in reverse order give the same copies; every
# copy without --speed is re-made with NumPy from its `augment` record (time shift, gain,
# speech_commands' noise mixing, clip, 16 bits) and must be equal sample for sample; the same
# generator written in Python draws the recorded values; --snr-db gives the SNR it records;
# --silence and --unknown per split; no noise files is a usage error.
source "$(dirname "$0")/lib.sh"

mkdir noise
cp "$TEST_DATA/kws_tflm/noise_1000ms.wav" noise/
"$PY" - "$TEST_DATA" <<'PYEOF'
import json, sys
d = sys.argv[1]
lines = [{"id": "yes", "path": f"{d}/kws_tflm/yes_1000ms.wav", "label": "yes", "split": "train"},
         {"id": "no", "path": f"{d}/kws_tflm/no_1000ms.wav", "label": "no", "split": "train", "note": 1},
         {"id": "zero", "path": f"{d}/fsdd/0_george_0.wav", "label": "zero", "split": "train"},
         {"id": "one", "path": f"{d}/fsdd/1_george_0.wav", "label": "one", "split": "test"}]
with open("in.jsonl", "w") as f:
    for l in lines: print(json.dumps(l), file=f)
with open("rev.jsonl", "w") as f:
    for l in reversed(lines): print(json.dumps(l), file=f)
PYEOF

opts=(--copies 3 --seed 42 --noise noise --noise-prob 0.8 --noise-volume 0:0.3 --time-shift-ms 100 --gain-db -6:6)
tp augment in.jsonl -o a -O a.jsonl -j 1 "${opts[@]}" 2>/dev/null || fail "augment -j 1 failed"
tp augment in.jsonl -o b -O b.jsonl -j 2 "${opts[@]}" 2>/dev/null || fail "augment -j 2 failed"
tp augment rev.jsonl -o c -O c.jsonl -j 2 "${opts[@]}" 2>/dev/null || fail "augment (reversed) failed"
tp augment in.jsonl -o a -O a2.jsonl -j 2 "${opts[@]}" 2>/dev/null || fail "second run failed"
expect_eq "$(sed 's#"path":"[a-c]/#"path":"X/#g' a.jsonl | sha256sum)" "$(sed 's#"path":"[a-c]/#"path":"X/#g' b.jsonl | sha256sum)" "-j 1 and -j 2 manifests"
cmp a.jsonl a2.jsonl || fail "a second run wrote another manifest"
for f in $(cd a && find . -name '*.wav'); do
  cmp "a/$f" "b/$f" || fail "$f differs between -j 1 and -j 2"
  cmp "a/$f" "c/$f" || fail "$f differs when the lines come in another order"
done

"$PY" - <<'PYEOF' || fail "a copy is not what its augment record says"
import hashlib, json, math
import numpy as np, soundfile as sf

class Rng:  # docs/augment.md: SplitMix64 from sha256("tinyprep-augment-v1:seed:stream:copy")
    M = (1 << 64) - 1
    def __init__(self, seed, stream, copy):
        h = hashlib.sha256(f"tinyprep-augment-v1:{seed}:{stream}:{copy}".encode()).digest()
        self.s = int.from_bytes(h[:8], "big")
    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & self.M
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
        return z ^ (z >> 31)
    def uniform(self, a=0.0, b=1.0):
        return a + (b - a) * ((self.next() >> 11) * 2.0 ** -53)
    def integer(self, lo, hi):
        u = self.uniform()
        return lo if hi <= lo else lo + min(int(math.floor(u * (hi - lo + 1))), hi - lo)

lines = [json.loads(l) for l in open("a.jsonl")]
orig = {l["id"]: l for l in lines if "augment" not in l}
copies = [l for l in lines if "augment" in l]
assert [l["id"] for l in lines[:4]] == ["yes", "no", "zero", "one"], "originals first, in order"
assert [l["id"] for l in copies] == [f"{i}+aug{k}" for i in ("yes", "no", "zero") for k in (1, 2, 3)]
noise16, nrate = sf.read("noise/noise_1000ms.wav", dtype="int16")
noise16 = noise16.astype(np.float32) / np.float32(32768)
mixed = exact = 0
for c in copies:
    a, src = c["augment"], orig[c["augment"]["source"]]
    assert c["source"] == src["id"] and c["label"] == src["label"] and c.get("note") == src.get("note")
    x, rate = sf.read(src["path"], dtype="int16")
    y16, rate2 = sf.read(c["path"], dtype="int16")
    assert rate2 == rate and len(y16) == len(x), c["id"]
    # the generator gives the recorded values, in the documented order
    r = Rng(a["seed"], a["source"], a["copy"])
    most = round(0.1 * rate)
    assert r.integer(-most, most) == a["time_shift"]
    assert r.uniform(-6, 6) == a["gain_db"]
    r.integer(0, 0)  # the file (one)
    n = len(x)
    noise_len = len(noise16) if rate == nrate else round(len(noise16) * rate / nrate)
    assert r.integer(0, max(0, noise_len - n)) == a.get("noise", {"offset": None})["offset"] or "noise" not in a
    mix = r.uniform() < 0.8
    assert mix == ("noise" in a), c["id"]
    if mix:
        assert r.uniform(0, 0.3) == a["noise"]["volume"]
        mixed += 1
    if rate != nrate:
        continue  # resampled noise (soxr): checked in the unit tests
    # re-made from the record alone
    s = a["time_shift"]
    xs = np.zeros(n)
    src_f = x.astype(np.float64) / 32768
    if s >= 0: xs[s:] = src_f[: n - s]
    else: xs[: n + s] = src_f[-s:]
    y = xs * 10 ** (a["gain_db"] / 20)
    if "noise" in a:
        nz = noise16[a["noise"]["offset"]: a["noise"]["offset"] + n].astype(np.float64)
        nz = np.pad(nz, (0, n - len(nz)))
        y = y + a["noise"]["volume"] * nz
    y = np.clip(y, -1, 1)
    want = np.clip(np.rint(y * 32768), -32768, 32767).astype(np.int16)
    assert np.array_equal(want, y16), (c["id"], np.abs(want.astype(int) - y16).max())
    exact += 1
assert mixed >= 3 and exact == 6, (mixed, exact)
PYEOF

# --snr-db: the recorded volume gives the recorded SNR (noise power against the gained clip).
tp augment in.jsonl -o s -O s.jsonl --copies 2 --seed 1 --noise noise --noise-prob 1 --snr-db 3:30 2>/dev/null \
  || fail "augment --snr-db failed"
"$PY" - <<'PYEOF' || fail "--snr-db"
import json, numpy as np, soundfile as sf
noise, _ = sf.read("noise/noise_1000ms.wav")
for l in map(json.loads, open("s.jsonl")):
    if "augment" not in l or l["audio"]["sample_rate"] != 16000: continue
    a = l["augment"]
    x, _ = sf.read(next(json.loads(m)["path"] for m in open("s.jsonl") if json.loads(m)["id"] == a["source"]))
    nz = noise[a["noise"]["offset"]: a["noise"]["offset"] + len(x)] * a["noise"]["volume"]
    snr = 10 * np.log10((x ** 2).mean() / (nz ** 2).mean())
    assert 3 <= a["noise"]["snr_db"] <= 30 and abs(snr - a["noise"]["snr_db"]) < 1e-6, (snr, a)
PYEOF

# --silence and --unknown, per split, as speech_commands counts them.
"$PY" - "$TEST_DATA" <<'PYEOF'
import json, sys
d = sys.argv[1]
with open("kws.jsonl", "w") as f:
    for i in range(12):
        split = "train" if i < 8 else "validation"
        label = "yes" if i % 3 == 0 else "_unknown_"
        print(json.dumps({"id": f"c{i}", "path": f"{d}/kws_tflm/{'yes' if i % 2 else 'no'}_1000ms.wav",
                          "label": label, "split": split}), file=f)
PYEOF
tp augment kws.jsonl -o k -O k.jsonl --copies 0 --noise noise --silence 50 --unknown 100 2>/dev/null \
  || fail "augment --silence --unknown failed"
"$PY" - <<'PYEOF' || fail "--silence / --unknown counts"
import json, numpy as np, soundfile as sf
lines = [json.loads(l) for l in open("k.jsonl")]
def count(split, label): return sum(1 for l in lines if l.get("split") == split and l["label"] == label)
# train: 3 yes, 5 unknown -> keep ceil(3 * 100%) = 3 unknown; silence ceil(6 * 50%) = 3
assert (count("train", "yes"), count("train", "_unknown_"), count("train", "_silence_")) == (3, 3, 3), lines
# validation: 1 yes, 3 unknown -> 1 unknown; silence ceil(2 * 50%) = 1
assert (count("validation", "yes"), count("validation", "_unknown_"), count("validation", "_silence_")) == (1, 1, 1)
noise, _ = sf.read("noise/noise_1000ms.wav", dtype="int16")
for l in lines:
    if l["label"] != "_silence_": continue
    y, rate = sf.read(l["path"], dtype="int16")
    a = l["augment"]["noise"]
    want = np.clip(np.rint(np.clip(a["volume"] * (noise[a["offset"]:a["offset"] + 16000] / 32768), -1, 1) * 32768), -32768, 32767)
    assert rate == 16000 and np.array_equal(y, want.astype(np.int16)), l["id"]
PYEOF

mkdir empty
expect_fail 2 "no audio files" -- tp augment in.jsonl -o z --noise empty
expect_fail 2 "LO:HI" -- tp augment in.jsonl -o z --gain-db 6
expect_fail 2 "need --noise" -- tp augment in.jsonl -o z --snr-db 3:30
echo ok
