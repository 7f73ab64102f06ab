# augment on IMU CSV and images (issues 13, 14). IMU: every copy re-made in Python from its
# record and the generator of docs/augment.md (time shift with edge rows, per-axis scale, jitter
# drawn by Box-Muller), float32 for float32; a time column is kept. Images: two runs, -j 1 and
# -j 2 and reversed lines give the same PNGs; sizes kept; only split=train unless --all.
source "$(dirname "$0")/lib.sh"

"$PY" - "$TEST_DATA" <<'PYEOF'
import json, sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
with open("imu.csv", "w") as f:
    print("timestamp,aX,aY,aZ", file=f)
    for r in range(40):
        print(f"{r * 10}," + ",".join(f"{v:.3f}" for v in rng.normal(0, 1, 3)), file=f)
lines = [{"id": "g1", "path": "imu.csv", "label": "wing", "split": "train"},
         {"id": "ring", "path": f"{d}/imu/tf_magic_wand_accel/ring.csv", "label": "ring", "split": "train"},
         {"id": "img1", "path": f"{d}/images/person_detection/person.jpg", "label": "person", "split": "train"},
         {"id": "img2", "path": f"{d}/images/derived_96x96_gray/coffee.pgm", "label": "no", "split": "train"},
         {"id": "img3", "path": f"{d}/images/person_detection/no_person_96x96.bmp", "label": "no", "split": "test"}]
for name, order in (("in.jsonl", lines), ("rev.jsonl", lines[::-1])):
    with open(name, "w") as f:
        for l in order: print(json.dumps(l), file=f)
PYEOF

opts=(--copies 2 --seed 9 --jitter 0.02 --scale 0.9:1.1 --time-shift-rows 5
      --flip horizontal --brightness 0.2 --contrast 0.2 --rotate 10 --random-crop 0.9)
tp augment in.jsonl -o a -O a.jsonl -j 1 "${opts[@]}" 2>/dev/null || fail "augment -j 1 failed"
tp augment in.jsonl -o b -O b.jsonl -j 2 "${opts[@]}" 2>/dev/null || fail "augment -j 2 failed"
tp augment rev.jsonl -o c -O c.jsonl -j 2 "${opts[@]}" 2>/dev/null || fail "augment (reversed) failed"
tp augment in.jsonl -o a -O a2.jsonl -j 2 "${opts[@]}" 2>/dev/null || fail "second run failed"
cmp a.jsonl a2.jsonl || fail "a second run wrote another manifest"
n=0
for f in $(cd a && find . -type f); do
  cmp "a/$f" "b/$f" || fail "$f differs between -j 1 and -j 2"
  cmp "a/$f" "c/$f" || fail "$f differs when the lines come in another order"
  n=$((n + 1))
done
expect_eq "$n" 8 "copies written (2 IMU + 2 images, 2 each; the test image is not augmented)"

"$PY" - <<'PYEOF' || fail "an IMU copy is not what its record says"
import hashlib, json, math
import numpy as np

class Rng:
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
    def normal(self):
        u1, u2 = self.uniform(), self.uniform()
        return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)

def read(path):
    rows = [l.strip() for l in open(path) if l.strip()]
    head = rows[0].split(",")
    return head, np.array([[np.float32(v) for v in r.split(",")] for r in rows[1:]], dtype=np.float32)

lines = [json.loads(l) for l in open("a.jsonl")]
orig = {l["id"]: l for l in lines if "augment" not in l}
checked = 0
for c in lines:
    if "augment" not in c or not c["path"].endswith(".csv"): continue
    a = c["augment"]
    head, x = read(orig[a["source"]]["path"])
    head2, y = read(c["path"])
    assert head2 == head and y.shape == x.shape
    axes = [i for i, h in enumerate(head) if "time" not in h.lower()]
    assert a["axes"] == [head[i] for i in axes]
    r = Rng(a["seed"], a["source"], a["copy"])
    assert r.integer(-5, 5) == a["time_shift_rows"]
    assert [r.uniform(0.9, 1.1) for _ in axes] == a["scale"]
    sigma = [0.02 * (float(x[:, i].max()) - float(x[:, i].min())) for i in axes]
    assert sigma == a["sigma"], (sigma, a["sigma"])
    want = x.copy()
    n = len(x)
    for row in range(n):
        src = min(max(row - a["time_shift_rows"], 0), n - 1)
        for k, i in enumerate(axes):
            v = float(x[src, i]) * a["scale"][k] + a["sigma"][k] * r.normal()
            want[row, i] = np.float32(v)
    assert np.array_equal(want, y), (c["id"], np.abs(want - y).max())
    if "timestamp" in head: assert np.array_equal(y[:, 0], x[:, 0])
    checked += 1
assert checked == 4, checked
imgs = [l for l in lines if "augment" in l and l["path"].endswith(".png")]
assert sorted(l["augment"]["source"] for l in imgs) == ["img1", "img1", "img2", "img2"]
for l in imgs:
    a = l["augment"]
    assert set(a) >= {"crop", "rotate", "flip", "brightness", "contrast"}, a
    assert -10 <= a["rotate"] <= 10 and a["flip"] in ("horizontal", "none"), a
PYEOF

tp augment in.jsonl -o d -O d.jsonl --all --copies 1 --flip horizontal 2>/dev/null || fail "--all failed"
expect_eq "$(grep -c '"augment"' d.jsonl)" 5 "--all augments every line"
expect_fail 2 "horizontal or vertical" -- tp augment in.jsonl -o z --flip sideways
echo ok
