# crop on odd inputs (issue 13), each made here with known pixels and checked against a
# reference computed here: the known pixels (numpy) brought to the target by the user script
# the issue names (cv2.cvtColor RGB2GRAY, round(w*s), (n-W)//2, INTER_AREA when shrinking else
# INTER_LINEAR). Inputs: a CMYK JPEG (PIL's own CMYK->RGB as the truth: within 2 levels, and
# equal to cv2.imread's), 16-bit PNGs (x/257 rounded), a 1x1 PNG, a 10000x10 PNG, a palettised
# 8-bit BMP whose palette is shuffled (written here byte by byte), RGBA / LA / 16-bit RGBA PNGs
# (c*a/255 rounded: onto black), a JPEG with each EXIF orientation 1..8 (both TIFF byte
# orders; numpy's flips/rot90 of the undecorated decode, exactly), raw big-endian .rgb565 and
# .gray frames sized by the line's image.width/height. Three runs: gray fit-shortest PNG, RGB
# fit-longest PNG, RGB squash .npy. A raw frame of the wrong size fails alone, exit 1.
source "$(dirname "$0")/lib.sh"
"$PY" -c "import cv2, PIL, numpy" 2>/dev/null || {
  echo "skip: needs python3-opencv and python3-pil (scripts/install-deps)"
  exit 77
}

cat >common.py <<'PYEOF'
import cv2
import numpy as np

def fit(img, W, H, mode):
    """What a user's OpenCV-Python script does (img: H x W or H x W x C, uint8)."""
    h, w = img.shape[:2]
    def resize(n_w, n_h):
        grow = n_w > w or n_h > h
        return cv2.resize(img, (n_w, n_h), interpolation=cv2.INTER_LINEAR if grow else cv2.INTER_AREA)
    if mode == "squash":
        return resize(W, H)
    s = max(W / w, H / h) if mode == "fit-shortest" else min(W / w, H / h)
    # round() as Python's; at least 1 pixel (a 10000x10 letterboxed to 40x24 is 40x1, where
    # round() gives 0 and cv2.resize would refuse).
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    r = resize(nw, nh)
    if mode == "fit-shortest":
        x0, y0 = (nw - W) // 2, (nh - H) // 2
        return r[y0:y0 + H, x0:x0 + W]
    out = np.zeros((H, W) + r.shape[2:], np.uint8)
    x0, y0 = (W - nw) // 2, (H - nh) // 2
    out[y0:y0 + nh, x0:x0 + nw] = r
    return out

def reference(truth, W, H, mode, gray):
    """truth: the oriented 8-bit image, H x W x 3 (RGB) or H x W (gray)."""
    if gray and truth.ndim == 3:
        truth = cv2.cvtColor(truth, cv2.COLOR_RGB2GRAY)
    out = fit(truth, W, H, mode)
    if not gray and out.ndim == 2:
        out = np.repeat(out[:, :, None], 3, axis=2)
    return out
PYEOF

"$PY" - <<'PYEOF'
import json, struct
import cv2
import numpy as np
from PIL import Image

truth, cv2script, tol, lines = {}, {}, {}, []
def add(id_, path, t, tolerance=0, **extra):
    truth[id_] = t
    tol[id_] = tolerance
    lines.append(dict({"id": id_, "path": path, "label": "odd"}, **extra))

def smooth(h, w, c, top=255, seed=0):
    """Gradients with some texture: not symmetric under any flip or turn."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    chans = [(x * (k + 1) / w + y * (3 - k) / h) / 4 + 0.15 * np.sin(x / (3 + k) + y / (5 + 2 * k) + seed)
             for k in range(c)]
    a = np.stack(chans, axis=2)
    a = (a - a.min()) / (a.max() - a.min())
    return np.round(a * top).astype(np.uint16 if top > 255 else np.uint8)

def to8(x):  # 16 -> 8 bits as crop does: x / 257, rounded
    return np.round(x.astype(np.float64) / 257).astype(np.uint8)

def onto_black(rgb, a):  # c * a / 255, rounded
    return np.round(rgb.astype(np.float64) * a[:, :, None].astype(np.float64) / 255).astype(np.uint8)

# A CMYK JPEG (PIL writes Adobe CMYK); the truth is PIL's decode and CMYK->RGB, not OpenCV's.
cmyk = smooth(48, 64, 4)
Image.fromarray(cmyk, "CMYK").save("cmyk.jpg", quality=95)
pil = Image.open("cmyk.jpg")
assert pil.mode == "CMYK"
add("cmyk", "cmyk.jpg", np.asarray(pil.convert("RGB")), tolerance=2)
cv2script["cmyk"] = True

# 16-bit PNGs (cv2.imwrite keeps uint16), RGB and gray.
rgb16 = smooth(30, 50, 3, top=65535)
cv2.imwrite("rgb16.png", cv2.cvtColor(rgb16, cv2.COLOR_RGB2BGR))
add("rgb16", "rgb16.png", to8(rgb16))
gray16 = smooth(50, 30, 1, top=65535)[:, :, 0]
cv2.imwrite("gray16.png", gray16)
add("gray16", "gray16.png", to8(gray16))

# 1x1 and 10000x10.
one = np.array([[[200, 30, 90]]], np.uint8)
cv2.imwrite("one.png", one[:, :, ::-1])
add("one", "one.png", one)
wide = smooth(10, 10000, 3)
cv2.imwrite("wide.png", wide[:, :, ::-1])
add("wide", "wide.png", wide)

# An 8-bit palettised BMP, width 37 (rows padded to 40 bytes), bottom-up, its 256 colours
# shuffled so that no index means its own value.
rng = np.random.default_rng(13)
palette = rng.integers(0, 256, (256, 3), dtype=np.uint8)
index = (smooth(23, 37, 1)[:, :, 0].astype(np.int64) * 7 + 3) % 256
W, H, stride = 37, 23, 40
pixels = b"".join(bytes(index[H - 1 - r].astype(np.uint8)) + b"\0" * (stride - W) for r in range(H))
pal = b"".join(bytes([b, g, r, 0]) for r, g, b in palette)
offset = 14 + 40 + len(pal)
bmp = (b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) +
       struct.pack("<IiiHHIIiiII", 40, W, H, 1, 8, 0, len(pixels), 2835, 2835, 256, 0) + pal + pixels)
open("palette.bmp", "wb").write(bmp)
add("palette", "palette.bmp", palette[index])

# Alpha onto black: RGBA, gray + alpha (PIL 'LA'), 16-bit RGBA.
rgba = smooth(35, 45, 4)
cv2.imwrite("rgba.png", cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))
add("rgba", "rgba.png", onto_black(rgba[:, :, :3], rgba[:, :, 3]))
la = smooth(33, 21, 2)
Image.fromarray(la, "LA").save("la.png")
add("la", "la.png", onto_black(np.repeat(la[:, :, :1], 3, axis=2), la[:, :, 1]))
rgba16 = smooth(20, 26, 4, top=65535)
cv2.imwrite("rgba16.png", cv2.cvtColor(rgba16, cv2.COLOR_RGBA2BGRA))
add("rgba16", "rgba16.png", onto_black(to8(rgba16[:, :, :3]), to8(rgba16[:, :, 3])))

# EXIF orientation 1..8 on one 40x24 JPEG: an APP1 Exif segment put after JFIF's APP0.
ok, enc = cv2.imencode(".jpg", smooth(24, 40, 3)[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
enc = enc.tobytes()
plain = cv2.cvtColor(cv2.imdecode(np.frombuffer(enc, np.uint8),
                                  cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION), cv2.COLOR_BGR2RGB)
turn = {1: lambda a: a, 2: np.fliplr, 3: lambda a: np.rot90(a, 2), 4: np.flipud,
        5: lambda a: a.transpose(1, 0, 2), 6: lambda a: np.rot90(a, -1),
        7: lambda a: np.rot90(a, 2).transpose(1, 0, 2), 8: lambda a: np.rot90(a, 1)}
app0 = 4 + (enc[4] << 8 | enc[5])
for k in range(1, 9):
    bo = "<" if k % 2 else ">"
    tiff = (b"II" if bo == "<" else b"MM") + struct.pack(bo + "HI", 42, 8)
    tiff += struct.pack(bo + "H", 1) + struct.pack(bo + "HHIH", 0x0112, 3, 1, k) + b"\0\0"
    tiff += struct.pack(bo + "I", 0)
    body = b"Exif\0\0" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    open("exif%d.jpg" % k, "wb").write(enc[:app0] + app1 + enc[app0:])
    add("exif%d" % k, "exif%d.jpg" % k, np.ascontiguousarray(turn[k](plain)))
    cv2script["exif%d" % k] = True

# Raw frames: big-endian RGB565 widened by repeating each channel's top bits, and 8-bit gray;
# their size is the line's image.width / image.height.
v = (np.arange(20 * 12, dtype=np.uint32) * 9001 + 77).astype(np.uint16).reshape(12, 20)
open("frame.rgb565", "wb").write(v.astype(">u2").tobytes())
r, g, b = v >> 11, (v >> 5) & 63, v & 31
add("rgb565", "frame.rgb565",
    np.stack([(r << 3) | (r >> 2), (g << 2) | (g >> 4), (b << 3) | (b >> 2)], axis=2).astype(np.uint8),
    image={"width": 20, "height": 12, "channels": 3})
gray = smooth(9, 16, 1)[:, :, 0]
open("frame.gray", "wb").write(gray.tobytes())
add("gray", "frame.gray", gray, image={"width": 16, "height": 9, "channels": 1})

with open("odd.jsonl", "w") as f:
    for l in lines:
        print(json.dumps(l), file=f)
np.savez("truth.npz", **truth)
json.dump({"tol": tol, "cv2script": cv2script}, open("cases.json", "w"))
PYEOF

tp crop --size 32x32 --mode fit-shortest --color gray -o a odd.jsonl -O a.jsonl 2>err.txt ||
  { cat err.txt; fail "crop gray fit-shortest"; }
tp crop --size 40x24 --mode fit-longest --color rgb -o b odd.jsonl -O b.jsonl 2>err.txt ||
  { cat err.txt; fail "crop rgb fit-longest"; }
tp crop --size 24x40 --mode squash --color rgb --npy -o c odd.jsonl -O c.jsonl 2>err.txt ||
  { cat err.txt; fail "crop rgb squash --npy"; }

"$PY" - <<'PYEOF' || fail "odd inputs differ from the reference"
import json
import cv2
import numpy as np
from common import reference
truth = dict(np.load("truth.npz"))
cases = json.load(open("cases.json"))
runs = [("a.jsonl", 32, 32, "fit-shortest", True), ("b.jsonl", 40, 24, "fit-longest", False),
        ("c.jsonl", 24, 40, "squash", False)]
bad = []
for manifest, W, H, mode, gray in runs:
    lines = [json.loads(l) for l in open(manifest)]
    assert len(lines) == len(truth), (manifest, len(lines))
    for l in lines:
        id_ = l["source"]
        C = 1 if gray else 3
        assert l["image"] == {"width": W, "height": H, "channels": C}, l
        if l["path"].endswith(".npy"):
            got = np.load(l["path"])
            assert got.dtype == np.uint8 and got.shape == (H, W, C), got.shape
        else:
            got = cv2.imread(l["path"], cv2.IMREAD_UNCHANGED)
            if C == 3:
                got = cv2.cvtColor(got, cv2.COLOR_BGR2RGB)
            got = got.reshape(H, W, C)
        want = reference(truth[id_], W, H, mode, gray).reshape(H, W, C)
        diff = np.abs(got.astype(int) - want.astype(int)).max()
        if diff > cases["tol"][id_]:
            bad.append("%s %s: differs by %d (tolerance %d)" % (manifest, id_, diff, cases["tol"][id_]))
        if id_ in cases["cv2script"]:  # what cv2.imread (EXIF applied, CMYK converted) gives
            img = cv2.cvtColor(cv2.imread(id_ + ".jpg"), cv2.COLOR_BGR2RGB)
            want2 = reference(img, W, H, mode, gray).reshape(H, W, C)
            if not np.array_equal(got, want2):
                bad.append("%s %s: not equal to the cv2.imread script" % (manifest, id_))
assert not bad, "\n".join(bad)
print("checked", len(runs) * len(truth))
PYEOF

# The truths themselves are right: the 1x1 is one colour everywhere, the palette BMP is not
# gray, the EXIF copies differ from each other.
"$PY" - <<'PYEOF' || fail "test data"
import numpy as np
t = dict(np.load("truth.npz"))
assert len({t["exif%d" % k].tobytes() + bytes(t["exif%d" % k].shape) for k in range(1, 9)}) == 8
assert (t["palette"][:, :, 0] != t["palette"][:, :, 1]).any()
c = np.load("c/one.npy")
assert (c == np.array([200, 30, 90], np.uint8)).all(), c[0, 0]
PYEOF

# A raw frame whose size does not match its line fails alone, naming the file and the sizes.
head -c 100 frame.rgb565 >short.rgb565
{ cat odd.jsonl; echo '{"id":"short","path":"short.rgb565","image":{"width":20,"height":12}}'
  echo '{"id":"nosize","path":"frame.gray"}'; } >odd2.jsonl
expect_fail 1 "short.rgb565: a 20x12 frame is 480 bytes, the file has 100" -- \
  tp crop --size 8x8 -o d odd2.jsonl -O d.jsonl
grep -q "frame.gray: a raw frame needs its size in the line's image.width and image.height" \
  "$WORK/.err" || { cat "$WORK/.err"; fail "a raw frame without a size"; }
expect_eq "$(wc -l <d.jsonl)" "$(wc -l <odd.jsonl)" "the other images of the failed run"
echo ok
