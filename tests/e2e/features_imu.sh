# features --preset imu and imu-spectral on IMU CSV windows built here, checked against NumPy
# (numpy.interp for the resampling, the range/zscore scaling, TFLite-style int8, scipy.stats'
# skew and kurtosis, numpy.fft.rfft band powers); dataset.json's ranges; bad input.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

"$PY" - <<'PYEOF'
import json, os
import numpy as np
rng = np.random.default_rng(14)
os.makedirs("w", exist_ok=True)
with open("w.jsonl", "w") as m:
    for k, rows in enumerate([119, 100, 130, 119]):
        t = np.arange(rows)
        a = rng.normal(0, 1.2, (rows, 3)) + np.sin(t / 7.0)[:, None]
        g = rng.normal(0, 400, (rows, 3)) + 300 * np.cos(t / 5.0)[:, None]
        a[3, 0] = 5.5   # beyond the default range: not clipped
        with open(f"w/g{k}.csv", "w") as f:
            f.write("aX,aY,aZ,gX,gY,gZ\n")
            for r in range(rows):
                f.write(",".join(f"{v:.3f}" for v in [*a[r], *g[r]]) + "\n")
        m.write(json.dumps({"id": f"g{k}", "path": f"w/g{k}.csv", "label": "wave",
                            "csv": {"rows": rows, "columns": 6, "rate": 119}}) + "\n")
PYEOF

run() { tp features --layout files "$@" 2>run.err || { cat run.err >&2; fail "features $*"; }; }

run --preset imu --rows 119 -o f1 w.jsonl >f1.jsonl
run --preset imu --rows 119 --rate 50 --axes gZ,aX -o f2 w.jsonl >f2.jsonl
grep -q "w/g0.csv: 119 Hz resampled to 50 Hz" run.err || fail "resampling note"
run --preset imu --normalize zscore --rows 80 --rate 100 -o f3 w.jsonl >f3.jsonl
run --preset imu --rows 119 --format int8 -o f4 w.jsonl >f4.jsonl
run --preset imu --rows 119 --format int8 --normalize zscore --scale 0.01 --zero-point 3 -o f5 \
  w.jsonl >f5.jsonl
run --preset imu --rows 119 --normalize zscore -o f6 w.jsonl >f6.jsonl
run --preset imu --rows 119 --range aX:-2:2,gY:-250:250 -o f7 w.jsonl >f7.jsonl
run --preset imu-spectral --rows 119 -o s1 w.jsonl >s1.jsonl
grep -q "padded 1 table shorter than 119 rows" run.err || fail "padding note"
grep -q "trimmed 1 table longer than 119 rows (kept the first)" run.err || fail "trim note"
run --preset imu-spectral --bins 5 --rate 60 --axes aY,gX -o s2 w.jsonl >s2.jsonl

"$PY" - <<'PYEOF' || fail "imu features differ from NumPy"
import json
import numpy as np
from scipy import stats

COLS = ["aX", "aY", "aZ", "gX", "gY", "gZ"]
RANGE = {"aX": (-4, 4), "aY": (-4, 4), "aZ": (-4, 4),
         "gX": (-2000, 2000), "gY": (-2000, 2000), "gZ": (-2000, 2000)}

def table(i):
    return np.loadtxt(f"w/g{i}.csv", delimiter=",", skiprows=1, dtype=np.float32).astype(np.float64)

def condition(x, rate, rows, axes=COLS, src=119.0):
    x = x[:, [COLS.index(a) for a in axes]]
    if rate and rate != src:
        n = len(x)
        m = max(1, int(np.floor(n * rate / src + 0.5)))
        t_old, t_new = np.arange(n) / src, np.arange(m) / rate
        x = np.stack([np.interp(t_new, t_old, x[:, k]) for k in range(x.shape[1])], axis=1)
    if rows:
        x = np.concatenate([x, np.zeros((max(0, rows - len(x)), x.shape[1]))])[:rows]
    return x

def scaled(x, axes, ranges=RANGE):
    lo = np.array([ranges[a][0] for a in axes]); hi = np.array([ranges[a][1] for a in axes])
    return (x - lo) / (hi - lo)

def zscore(x):
    sd = x.std(axis=0)
    return np.where(sd > 0, (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1), 0)

def quantise(y32, scale, zp):
    v = y32.astype(np.float64) / scale
    return np.clip(np.sign(v) * np.floor(np.abs(v) + 0.5) + zp, -128, 127).astype(np.int8)

def load(manifest):
    lines = [json.loads(l) for l in open(manifest)]
    assert [l["id"] for l in lines] == ["g0", "g1", "g2", "g3"], lines
    out = []
    for l in lines:
        a = np.load(l["features"]["path"])
        assert list(a.shape) == l["features"]["shape"] and str(a.dtype) == l["features"]["dtype"], l
        out.append(a)
    return out

def close(got, want, what):
    assert got.shape == want.shape, (what, got.shape, want.shape)
    err = np.max(np.abs(got - want) / (np.abs(want) + 1e-3))
    assert err < 2e-6, (what, err)

for i, a in enumerate(load("f1.jsonl")):
    assert a.dtype == np.float32 and a.shape == (119, 6)
    close(a, scaled(condition(table(i), None, 119), COLS), f"f1 g{i}")
assert load("f1.jsonl")[0][3, 0] > 1, "aX 5.5 g is not clipped"
for i, a in enumerate(load("f2.jsonl")):
    close(a, scaled(condition(table(i), 50, 119, ["gZ", "aX"]), ["gZ", "aX"]), f"f2 g{i}")
for i, a in enumerate(load("f3.jsonl")):
    close(a, zscore(condition(table(i), 100, 80)), f"f3 g{i}")
for i, (a, f) in enumerate(zip(load("f4.jsonl"), load("f1.jsonl"))):
    assert a.dtype == np.int8 and np.array_equal(a, quantise(f, 1 / 255, -128)), f"f4 g{i}"
for i, (a, f) in enumerate(zip(load("f5.jsonl"), load("f6.jsonl"))):
    assert np.array_equal(a, quantise(f, 0.01, 3)), f"f5 g{i}"
    assert (a == 127).any() and (a == -128).any(), "zscore / 0.01 + 3 saturates both ends"
for i, a in enumerate(load("f7.jsonl")):
    r = dict(RANGE, aX=(-2, 2), gY=(-250, 250))
    close(a, scaled(condition(table(i), None, 119), COLS, r), f"f7 g{i}")

def spectral(x, bins):
    n = len(x); half = n // 2
    edges = np.power(float(half), np.arange(bins + 1) / bins)
    out = []
    for k in range(x.shape[1]):
        v = x[:, k]
        d = v - v.mean()
        p = np.abs(np.fft.rfft(d)) ** 2 / n ** 2
        p[1:] *= 2
        if n % 2 == 0: p[-1] /= 2
        band = [0.0] * bins
        for b in range(1, half + 1):
            j = bins - 1 if b == half else int(np.searchsorted(edges, b, side="right")) - 1
            band[j] += p[b]
        out += [v.mean(), np.sqrt(np.mean(v ** 2)), stats.skew(v), stats.kurtosis(v)] + band
        assert abs(sum(band) - v.var()) <= 1e-9 * v.var(), "band powers sum to the variance"
    return np.array(out)

for i, a in enumerate(load("s1.jsonl")):
    assert a.dtype == np.float32 and a.shape == (6 * 12,)
    close(a, spectral(condition(table(i), None, 119), 8), f"s1 g{i}")
for i, a in enumerate(load("s2.jsonl")):
    assert a.shape == (2 * 9,)
    close(a, spectral(condition(table(i), 60, 0, ["aY", "gX"]), 5), f"s2 g{i}")
cfg = json.load(open("s1/config.json"))["params"]
assert cfg["preset"] == "imu-spectral" and cfg["bins"] == 8 and cfg["rows"] == 119, cfg
PYEOF

# dataset.json's format.imu_ranges, overridden by --range.
mkdir -p ds && cp -r w ds/ && cp w.jsonl ds/samples.jsonl
echo '{"name":"wand","labels":["wave"],"modality":"imu","format":{"imu_ranges":{"aX":[-8,8],"gX":[-500,500]}}}' >ds/dataset.json
run --preset imu --rows 119 -o ds/f -O ds/f.jsonl ds
run --preset imu --rows 119 --range gX:-1000:1000 -o ds/f2 -O ds/f2.jsonl ds
"$PY" - <<'PYEOF' || fail "dataset.json ranges"
import json
import numpy as np
x = np.loadtxt("ds/w/g0.csv", delimiter=",", skiprows=1, dtype=np.float32).astype(np.float64)
a = np.load("ds/f/g0.npy"); b = np.load("ds/f2/g0.npy")
assert np.allclose(a[:, 0], (x[:, 0] + 8) / 16, atol=1e-6) and np.allclose(a[:, 3], (x[:, 3] + 500) / 1000, atol=1e-6)
assert np.allclose(a[:, 1], (x[:, 1] + 4) / 8, atol=1e-6)          # aY: the default
assert np.allclose(b[:, 3], (x[:, 3] + 1000) / 2000, atol=1e-6)    # --range wins
p = json.load(open("ds/f/config.json"))["params"]
assert p["dataset_ranges"] == {"aX": [-8.0, 8.0], "gX": [-500.0, 500.0]}, p
PYEOF

# Bad input: a column named in --axes that the CSV lacks (exit 2, listing its columns); an axis
# with no known range; options that do not apply.
expect_fail 2 "w.jsonl:1: w/g0.csv: --axes mX: no such column; its columns are aX, aY, aZ, gX, gY, gZ" \
  -- tp features --preset imu --axes aX,mX -o bad1 w.jsonl
printf 'x,y,z\n1,2,3\n4,5,6\n' >xyz.csv
echo '{"id":"xyz","path":"xyz.csv","label":"ring"}' >xyz.jsonl
expect_fail 2 "xyz.csv: column x has no known sensor range .*--range x:LO:HI" \
  -- tp features --preset imu -o bad2 xyz.jsonl
tp features --preset imu --range x:-2000:2000,y:-2000:2000,z:-2000:2000 -o ok xyz.jsonl >/dev/null 2>&1 ||
  fail "--range for unnamed axes"
expect_fail 2 "--length-ms does not apply to --preset imu" -- tp features --preset imu --length-ms 500 -o bad3 w.jsonl
expect_fail 2 "--normalize does not apply to --preset imu-spectral" -- tp features --preset imu-spectral --normalize zscore -o bad4 w.jsonl
expect_fail 2 "--format int8 with --normalize zscore needs the model input's --scale" -- tp features --preset imu --format int8 --normalize zscore -o bad5 w.jsonl
expect_fail 2 "--range x: the low end must be below the high end" -- tp features --preset imu --range x:3:1 -o bad6 w.jsonl
# --rate without csv.rate: that line fails (named), the others are written.
expect_fail 1 "xyz.jsonl:1: xyz.csv: the line has no csv.rate" -- tp features --preset imu --normalize none --rate 50 -o bad7 xyz.jsonl
# A ragged row names its line.
printf 'aX,aY\n1,2\n3\n' >ragged.csv
echo '{"id":"r","path":"ragged.csv"}' >ragged.jsonl
expect_fail 1 "ragged.csv:3: row has 1 columns, expected 2" -- tp features --preset imu -o bad8 ragged.jsonl
echo ok
