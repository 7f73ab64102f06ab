# The magic-wand path end to end (issue 14): an IMU_Capture-style board on a pty streams two long
# sessions with known gestures -> capture serial --mode csv -> segment --mode trigger -> split ->
# features --preset imu --rows 119 -> export hdf5; h5py reads (n, 119, 6) float32 arrays whose
# values NumPy re-makes from the streamed rows: (a + 4) / 8, (g + 2000) / 4000.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/capture_helpers.bash"

cat >session.py <<'PYEOF'
# session(seed): 1400 rows at 119 Hz of a wand at rest (aZ ~ 1 g) with 5 swings at known rows,
# as IMU_Capture prints them (3 decimals, g and deg/s).
import numpy as np
def session(seed):
    rng = np.random.default_rng(seed)
    rows = 1400
    a = rng.normal(0, 0.02, (rows, 3)); a[:, 2] += 1.0
    g = rng.normal(0, 2.0, (rows, 3))
    starts = [int(s) for s in 100 + np.arange(5) * 250 + rng.integers(0, 40, 5)]
    t = np.arange(119)
    for s in starts:
        a[s:s + 119, 0] += 3.0 * np.minimum(1, (t + 1) / 4) * np.cos(np.pi * t / 236)
        a[s:s + 119, 1] -= 1.5 * np.sin(np.pi * t / 118)
        g[s:s + 119, 2] += 900 * np.sin(2 * np.pi * t / 118)
    a = np.clip(a, -4, 4); g = np.clip(g, -2000, 2000)
    text = ["%.3f,%.3f,%.3f,%.3f,%.3f,%.3f" % (*a[r], *g[r]) for r in range(rows)]
    return text, starts
PYEOF

for take in "wing 1 alice" "ring 2 bob"; do
  set -- $take
  cat >scenario.py <<PYEOF
exec(open("session.py").read())
text, starts = session($2)
lines(["", "Started", "aX,aY,aZ,gX,gY,gZ"])
send("\r\n".join(text + ["", ""]), chunk=4096)
drain()
PYEOF
  capture_device scenario.py --mode csv --into ds --label "$1" --group "$3" --count 1
  expect_eq "$RC" 0 "capture of the $1 session"
  expect_stderr "kept 1 of 1 sample of '$1' in ds"
done
check_dataset ds wing 1
check_dataset ds ring 1

tp segment --mode trigger --rate 119 -o clips ds >clips.jsonl 2>seg.err || { cat seg.err >&2; fail "segment"; }
tp split --ratios 60,20,20 --group id clips.jsonl -o split.jsonl 2>/dev/null || fail "split"
tp features --preset imu --rows 119 -o feats split.jsonl -O feats.jsonl 2>feat.err ||
  { cat feat.err >&2; fail "features"; }
tp export hdf5 feats.jsonl -o wand.h5 2>exp.err || { cat exp.err >&2; fail "export"; }

"$PY" - <<'PYEOF' || fail "the magic-wand HDF5 is not the streamed gestures"
import json
import h5py
import numpy as np
exec(open("session.py").read())
takes = {}
for l in map(json.loads, open("ds/samples.jsonl")):
    text, starts = session({"wing": 1, "ring": 2}[l["label"]])
    rows = np.array([[float(v) for v in r.split(",")] for r in text], dtype=np.float32)
    takes[l["id"]] = (rows, starts, l["label"])
clips = {l["id"]: l for l in map(json.loads, open("feats.jsonl"))}
# segment found every swing, within 3 rows of its start
for take, (rows, starts, label) in takes.items():
    got = sorted(c["offset_rows"] for c in clips.values() if c["source"] == take)
    assert len(got) == 5 and all(0 <= g - s <= 3 for g, s in zip(got, starts)), (got, starts)
scale = np.array([8, 8, 8, 4000, 4000, 4000], dtype=np.float64)
n = 0
with h5py.File("wand.h5", "r") as f:
    splits = [k for k in f.keys() if isinstance(f[k], h5py.Group)]
    assert set(splits) <= {"train", "validation", "test"} and splits, list(f.keys())
    for split in splits:
        x, ids = f[split]["x"], [i.decode() if isinstance(i, bytes) else i for i in f[split]["id"][:]]
        assert x.shape == (len(ids), 119, 6) and x.dtype == np.float32, (split, x.shape, x.dtype)
        n += x.shape[0]
        for i, id_ in enumerate(ids):
            c = clips[id_]
            assert c["split"] == split and c["features"]["shape"] == [119, 6]
            rows = takes[c["source"]][0][c["offset_rows"]:c["offset_rows"] + 119].astype(np.float64)
            want = (rows + scale / 2) / scale
            assert np.max(np.abs(x[i] - want)) < 1e-6, id_
print("n =", n)
assert n == 10, n
PYEOF
echo ok
