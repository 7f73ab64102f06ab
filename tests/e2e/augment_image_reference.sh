# augment on images (issue 13) against a reference made here: for every copy, the draws its
# `augment` field records are re-drawn with the generator of docs/augment.md (SplitMix64 seeded
# by sha256("tinyprep-augment-v1:<seed>:<id>:<copy>"): crop x, y; rotate; flip; brightness;
# contrast, in that order), and its pixels are re-made from the source with OpenCV-Python and
# numpy: the crop window resized back (INTER_LINEAR), cv2.getRotationMatrix2D about
# ((w-1)/2, (h-1)/2) + cv2.warpAffine (INTER_LINEAR, black outside), numpy's flip, then per
# colour channel (not alpha) rint((v - mean) * c + mean + 255 b) clipped to 0..255.
# Tolerance: none (equal bytes): the same OpenCV operations and the same float64 arithmetic.
# Sources: an RGB JPEG, a gray PGM, an RGBA PNG, a 16-bit PNG (brought to 8 bits: x/257 rounded).
source "$(dirname "$0")/lib.sh"
"$PY" -c "import cv2, numpy" 2>/dev/null || {
  echo "skip: needs python3-opencv (scripts/install-deps)"
  exit 77
}
D="$TEST_DATA/images"
cp "$D/person_detection/person.jpg" "$D/derived_96x96_gray/coffee.pgm" "$D/skimage/coffee.png" .
"$PY" - <<'PYEOF'
import json
import cv2
import numpy as np
y, x = np.mgrid[0:60, 0:80]
rgba = np.stack([x * 3, y * 4, (x + y) * 2, 255 - y * 2], axis=2).astype(np.uint8)
cv2.imwrite("rgba.png", cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))
cv2.imwrite("deep.png", (np.stack([x * 800, y * 1000, (x * y) * 13], axis=2) % 65536).astype(np.uint16))
with open("in.jsonl", "w") as f:
    for id_, p in [("jpg", "person.jpg"), ("pgm", "coffee.pgm"), ("rgba", "rgba.png"), ("deep", "deep.png")]:
        print(json.dumps({"id": id_, "path": p, "label": "x", "split": "train"}), file=f)
PYEOF

tp augment in.jsonl -o out -O out.jsonl --copies 3 --seed 21 --flip horizontal --brightness 0.3 \
  --contrast 0.4 --rotate 15 --random-crop 0.8 -j 2 2>err.txt || { cat err.txt; fail "augment"; }
tp augment in.jsonl -o out2 -O out2.jsonl --copies 2 --seed 4 --flip vertical -j 1 2>err.txt ||
  { cat err.txt; fail "augment --flip vertical"; }

"$PY" - <<'PYEOF' || fail "an augmented image is not what its record says"
import hashlib, json, math
import cv2
import numpy as np

class Rng:  # docs/augment.md
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

def load(path):
    a = cv2.imread(path, cv2.IMREAD_UNCHANGED)  # no EXIF turn, as augment reads it
    if a.dtype == np.uint16:
        a = np.round(a / 257).astype(np.uint8)
    if a.ndim == 3:
        a = cv2.cvtColor(a, cv2.COLOR_BGR2RGB if a.shape[2] == 3 else cv2.COLOR_BGRA2RGBA)
    return a

def remake(src, a, opts):
    img, (h, w) = src.copy(), src.shape[:2]
    if "crop" in a:
        x, y, cw, ch = a["crop"]
        img = cv2.resize(img[y:y + ch, x:x + cw], (w, h), interpolation=cv2.INTER_LINEAR)
    if "rotate" in a:
        m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), a["rotate"], 1.0)
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    if a.get("flip") == "horizontal":
        img = img[:, ::-1]
    elif a.get("flip") == "vertical":
        img = img[::-1]
    img = np.ascontiguousarray(img)
    b, c = a.get("brightness", 0.0), a.get("contrast", 1.0)
    if b != 0 or c != 1:
        planes = img[:, :, None] if img.ndim == 2 else img
        for k in range(min(planes.shape[2], 3)):
            v = planes[:, :, k].astype(np.float64)
            mean = v.sum() / v.size
            planes[:, :, k] = np.clip(np.rint((v - mean) * c + mean + 255 * b), 0, 255).astype(np.uint8)
    return img

def check(manifest, seed, copies, opts):
    lines = [json.loads(l) for l in open(manifest)]
    src = {l["id"]: l["path"] for l in lines if "augment" not in l}
    n = 0
    for l in lines:
        if "augment" not in l:
            continue
        a = l["augment"]
        assert a["seed"] == seed and 1 <= a["copy"] <= copies, a
        s = load(src[a["source"]])
        h, w = s.shape[:2]
        r = Rng(seed, a["source"], a["copy"])
        if "crop" in opts:
            cw, ch = max(1, round(w * opts["crop"])), max(1, round(h * opts["crop"]))
            want = [r.integer(0, w - cw), r.integer(0, h - ch), cw, ch]
            assert a["crop"] == want, (a["crop"], want)
        if "rotate" in opts:
            assert a["rotate"] == r.uniform(-opts["rotate"], opts["rotate"])
        assert a["flip"] == (opts["flip"] if r.uniform() < 0.5 else "none")
        if "brightness" in opts:
            assert a["brightness"] == r.uniform(-opts["brightness"], opts["brightness"])
        if "contrast" in opts:
            assert a["contrast"] == r.uniform(1 - opts["contrast"], 1 + opts["contrast"])
        got = cv2.imread(l["path"], cv2.IMREAD_UNCHANGED)
        if got.ndim == 3:
            got = cv2.cvtColor(got, cv2.COLOR_BGR2RGB if got.shape[2] == 3 else cv2.COLOR_BGRA2RGBA)
        want = remake(s, a, opts)
        assert got.shape == want.shape, (l["id"], got.shape, want.shape)
        diff = np.abs(got.astype(int) - want.astype(int)).max()
        assert diff == 0, "%s differs by up to %d" % (l["id"], diff)
        assert l["image"] == {"width": w, "height": h, "channels": 1 if s.ndim == 2 else s.shape[2]}
        n += 1
    assert n == 4 * copies, n
    return n

n = check("out.jsonl", 21, 3, {"crop": 0.8, "rotate": 15, "flip": "horizontal", "brightness": 0.3, "contrast": 0.4})
n += check("out2.jsonl", 4, 2, {"flip": "vertical"})
flips = [json.loads(l)["augment"]["flip"] for l in open("out.jsonl") if "augment" in l]
assert "none" in flips and "horizontal" in flips, flips
print("checked", n)
PYEOF
echo ok
