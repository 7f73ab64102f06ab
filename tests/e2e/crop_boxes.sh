# crop with boxes (issue 13): --boxes from a COCO-style JSON (fractional boxes, --box-pad 10%,
# --npy) and from a CSV (gray PNG), a line's own `box` field with --box-pad, and a box on a
# JPEG whose EXIF orientation turns it (boxes are in the turned image). Each crop is checked
# exactly against a reference made here with OpenCV-Python: cv2.imread, the padded box
# [floor(x - pw), floor(y - ph), ceil(x + w + pw), ceil(y + h + ph)) (pw = w * pad) clipped to
# the image, then the user script of the mode. Ids <id>-<k>, labels from the file, the box kept.
source "$(dirname "$0")/lib.sh"
"$PY" -c "import cv2, numpy" 2>/dev/null || {
  echo "skip: needs python3-opencv (scripts/install-deps)"
  exit 77
}
IMG="$TEST_DATA/images/skimage"
cp "$IMG/astronaut.png" "$IMG/coffee.png" "$IMG/camera.png" .

cat >ref.py <<'PYEOF'
import math
import cv2
import numpy as np

def fit(img, W, H, mode):
    h, w = img.shape[:2]
    def resize(nw, nh):
        grow = nw > w or nh > h
        return cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR if grow else cv2.INTER_AREA)
    if mode == "squash":
        return resize(W, H)
    s = max(W / w, H / h) if mode == "fit-shortest" else min(W / w, H / h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    r = resize(nw, nh)
    if mode == "fit-shortest":
        return r[(nh - H) // 2:(nh - H) // 2 + H, (nw - W) // 2:(nw - W) // 2 + W]
    out = np.zeros((H, W) + r.shape[2:], np.uint8)
    out[(H - nh) // 2:(H - nh) // 2 + nh, (W - nw) // 2:(W - nw) // 2 + nw] = r
    return out

def crop(path, box, pad, W, H, mode, gray):
    img = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)  # EXIF applied
    x, y, w, h = box
    x0, y0 = max(0, math.floor(x - w * pad)), max(0, math.floor(y - h * pad))
    x1 = min(img.shape[1], math.ceil(x + w + w * pad))
    y1 = min(img.shape[0], math.ceil(y + h + h * pad))
    img = img[y0:y1, x0:x1]
    if gray:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    out = fit(img, W, H, mode)
    return out.reshape(H, W, 1 if gray else 3)

def read(path):
    if path.endswith(".npy"):
        return np.load(path)
    a = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    return a[:, :, None] if a.ndim == 2 else cv2.cvtColor(a, cv2.COLOR_BGR2RGB)
PYEOF

# A JPEG with EXIF orientation 6 (turned 90 degrees clockwise when shown): 300x200 stored,
# 200x300 shown.
"$PY" - <<'PYEOF'
import json, struct
import cv2
import numpy as np
img = cv2.resize(cv2.imread("coffee.png"), (300, 200), interpolation=cv2.INTER_AREA)
enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
tiff = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">HHHIHH", 1, 0x0112, 3, 1, 6, 0) + b"\0" * 4
app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\0\0" + tiff
open("turned.jpg", "wb").write(enc[:2] + app1 + enc[2:])
assert cv2.imread("turned.jpg").shape[:2] == (300, 200)
with open("in.jsonl", "w") as f:
    for i, name in enumerate(["astronaut.png", "coffee.png", "camera.png", "turned.jpg"]):
        print(json.dumps({"id": "p%d" % i, "path": name, "label": "photo", "split": "train"}), file=f)
coco = {"images": [{"id": 7, "file_name": "astronaut.png"}, {"id": 9, "file_name": "coffee.png"},
                   {"id": 11, "file_name": "turned.jpg"}],
        "categories": [{"id": 1, "name": "face"}, {"id": 2, "name": "cup"}],
        "annotations": [{"image_id": 7, "bbox": [170.5, 60.25, 120, 140], "category_id": 1},
                        {"image_id": 9, "bbox": [200, 70, 230.4, 200.6], "category_id": 2},
                        {"image_id": 7, "bbox": [0, 300, 512, 212], "category_id": 1},
                        {"image_id": 11, "bbox": [20, 150, 150, 100], "category_id": 2}]}
json.dump(coco, open("coco.json", "w"))
PYEOF

# COCO, 10% pad, .npy, fit-shortest RGB. camera.png has no box: left out, counted.
tp crop --size 48x40 --mode fit-shortest --color rgb --npy --box-pad 10% --boxes coco.json \
  -o a in.jsonl -O a.jsonl 2>err.txt || { cat err.txt; fail "crop --boxes coco.json"; }
grep -q "wrote 4, left out 1 with no box in coco.json" err.txt || { cat err.txt; fail "summary"; }
grep -q "reaches outside" err.txt || { cat err.txt; fail "the padded bottom box is clipped: no warning"; }
"$PY" - <<'PYEOF' || fail "COCO boxes"
import json
import numpy as np
from ref import crop, read
lines = [json.loads(l) for l in open("a.jsonl")]
assert [l["id"] for l in lines] == ["p0-1", "p0-2", "p1-1", "p3-1"], [l["id"] for l in lines]
assert [l["label"] for l in lines] == ["face", "face", "cup", "cup"]
assert [l["source"] for l in lines] == ["p0", "p0", "p1", "p3"]
src = {"p0": "astronaut.png", "p1": "coffee.png", "p3": "turned.jpg"}
for l in lines:
    assert l["path"].endswith(".npy") and l["image"] == {"width": 48, "height": 40, "channels": 3}
    got = read(l["path"])
    assert got.dtype == np.uint8 and got.shape == (40, 48, 3), got.shape
    want = crop(src[l["source"]], l["box"], 0.1, 48, 40, "fit-shortest", False)
    assert np.array_equal(got, want), (l["id"], np.abs(got.astype(int) - want).max())
assert lines[0]["box"] == [170.5, 60.25, 120, 140]
PYEOF

# CSV (header, a quoted label with a comma), no pad, gray squash PNG.
printf 'file,x,y,w,h,label\ncamera.png,100,50,200,120,"tripod, man"\ncoffee.png,0,0,60,300,left\n' >boxes.csv
tp crop --size 32x24 --mode squash --color gray --boxes boxes.csv -o b in.jsonl -O b.jsonl \
  2>err.txt || { cat err.txt; fail "crop --boxes boxes.csv"; }
"$PY" - <<'PYEOF' || fail "CSV boxes"
import json
import numpy as np
from ref import crop, read
lines = [json.loads(l) for l in open("b.jsonl")]
assert [(l["id"], l["label"]) for l in lines] == [("p1-1", "left"), ("p2-1", "tripod, man")], lines
for l in lines:
    want = crop({"p1": "coffee.png", "p2": "camera.png"}[l["source"]], l["box"], 0, 32, 24, "squash", True)
    assert np.array_equal(read(l["path"]), want), l["id"]
PYEOF

# A line's own box field with --box-pad 25%, fit-longest.
"$PY" -c '
import json
l = json.loads(open("in.jsonl").readline())
l["box"] = [300, 200, 41, 23]
print(json.dumps(l))' >boxed.jsonl
tp crop --size 30x30 --mode fit-longest --color rgb --box-pad 25% -o c boxed.jsonl -O c.jsonl \
  2>err.txt || { cat err.txt; fail "crop with a box field"; }
"$PY" - <<'PYEOF' || fail "box field with --box-pad"
import json
import numpy as np
from ref import crop, read
l = json.loads(open("c.jsonl").readline())
assert l["id"] == "p0" and l["box"] == [300, 200, 41, 23]
want = crop("astronaut.png", [300, 200, 41, 23], 0.25, 30, 30, "fit-longest", False)
assert np.array_equal(read(l["path"]), want)
assert (want[:3] == 0).all() and want[15].any(), "letterbox rows"
PYEOF

# Bad box files: a CSV row with a word for a number, a COCO annotation of an unlisted image.
printf 'camera.png,1,2,three,4\n' >bad.csv
expect_fail 1 "bad.csv:1: 'three' is not a number" -- tp crop --size 8x8 --boxes bad.csv -o d in.jsonl
echo '{"images":[],"annotations":[{"image_id":3,"bbox":[0,0,1,1]}]}' >bad.json
expect_fail 1 "bad.json: an annotation names image 3, which is not listed" -- \
  tp crop --size 8x8 --boxes bad.json -o d in.jsonl
expect_fail 2 "--box-pad" -- tp crop --size 8x8 --box-pad lots -o d in.jsonl
echo ok
