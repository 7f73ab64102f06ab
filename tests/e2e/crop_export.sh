# crop then export (issue 13). JPEGs much larger than the target are decoded at reduced scale
# (docs/crop.md): on 640x480 (half scale; one with EXIF orientation 6) and 2592x1944 (1/8)
# JPEGs, --preset person_detection and ei-96 stay within the issue's mean absolute difference
# of 2 levels of the full-decode OpenCV-Python script (cv2.imread, cvtColor, resize INTER_AREA,
# centre cut), per image.
# Crops export as uint8 (H, W, C): TFRecord records (decoded here with protobuf, no TensorFlow)
# carry shape [96, 96, C] and x the PNG's pixels; the printed loader reshapes to [96, 96, C];
# HDF5 gives (n, 96, 96, 3) for RGB.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
"$PY" -c "import cv2, numpy, h5py" 2>/dev/null || {
  echo "skip: needs python3-opencv (scripts/install-deps)"
  exit 77
}
mkdir -p photos/a photos/b
"$PY" - "$TEST_DATA/images" <<'PYEOF'
import struct, sys
import cv2
import numpy as np
d = sys.argv[1]
srcs = ["skimage/astronaut.png", "skimage/coffee.png", "skimage/chelsea.png", "person_detection/person.jpg"]
for k, s in enumerate(srcs):
    img = cv2.imread(d + "/" + s)
    jpg = cv2.imencode(".jpg", cv2.resize(img, (640, 480), interpolation=cv2.INTER_LINEAR),
                       [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    if k == 3:  # EXIF orientation 6: shown 480x640, the reduced decode turned after decoding
        tiff = b"II" + struct.pack("<HI", 42, 8) + struct.pack("<HHHIHH", 1, 0x0112, 3, 1, 6, 0) + b"\0" * 4
        jpg = jpg[:2] + b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\0\0" + tiff + jpg[2:]
        assert cv2.imdecode(np.frombuffer(jpg, np.uint8), cv2.IMREAD_COLOR).shape[:2] == (640, 480)
    open("photos/a/p%d.jpg" % k, "wb").write(jpg)
big = cv2.resize(cv2.imread(d + "/skimage/rocket.jpg"), (2592, 1944), interpolation=cv2.INTER_CUBIC)
cv2.imwrite("photos/b/big.jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 90])
PYEOF
tp import --layout folders photos >all.jsonl 2>/dev/null
tp crop --preset person_detection -o g all.jsonl -O g.jsonl 2>/dev/null || fail "crop person_detection"
tp crop --preset ei-96 -o c all.jsonl -O c.jsonl 2>/dev/null || fail "crop ei-96"

"$PY" - <<'PYEOF' || fail "reduced decoding outside the tolerance"
import json
import cv2
import numpy as np
def script(path, gray):  # full decode, as a user's OpenCV-Python script does it
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY if gray else cv2.COLOR_BGR2RGB)
    h, w = img.shape[:2]
    s = max(96 / w, 96 / h)
    nw, nh = round(w * s), round(h * s)
    r = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA)
    return r[(nh - 96) // 2:(nh - 96) // 2 + 96, (nw - 96) // 2:(nw - 96) // 2 + 96]
src = {json.loads(l)["id"]: json.loads(l)["path"] for l in open("all.jsonl")}
differ = 0
for manifest, gray in (("g.jsonl", True), ("c.jsonl", False)):
    for l in map(json.loads, open(manifest)):
        got = cv2.imread(l["path"], cv2.IMREAD_UNCHANGED)
        if not gray:
            got = cv2.cvtColor(got, cv2.COLOR_BGR2RGB)
        want = script(src[l["source"]], gray)
        mad = np.abs(got.astype(int) - want.astype(int)).mean()
        print("%s %s MAD %.3f" % (manifest, l["source"], mad))
        assert mad <= 2.0, (manifest, l["source"], mad)  # issue 13's tolerance
        differ += not np.array_equal(got, want)
assert differ >= 8, "the reduced decoding was not used: every crop equals the full decode's"
PYEOF

# TFRecord (raw x): shape feature and x bytes per record; the loader's reshape.
tp split --ratios 50,50,0 g.jsonl -o gs.jsonl 2>/dev/null
tp split --ratios 50,50,0 c.jsonl -o cs.jsonl 2>/dev/null
for k in g c; do
  tp export tfrecord ${k}s.jsonl -o tf_$k --print-loader >loader_$k.py 2>/dev/null || fail "export tfrecord $k"
  for f in tf_$k/*.tfrecord*; do "$PY" "$HERE/export_check.py" tfrecord "$f"; done >records_$k.jsonl
done
grep -q "tf.reshape(tf.io.decode_raw(ex\['x'\], tf.uint8, little_endian=True), \[96, 96, 1\])" \
  loader_g.py || { cat loader_g.py; fail "gray loader shape"; }
grep -q ", \[96, 96, 3\])" loader_c.py || { cat loader_c.py; fail "RGB loader shape"; }
tp export loader tf_c 2>/dev/null | grep -q ", \[96, 96, 3\])" || fail "export loader DIR: shape"
"$PY" - <<'PYEOF' || fail "TFRecord records of crops"
import json
import cv2
import numpy as np
for k, c in (("g", 1), ("c", 3)):
    lines = {l["id"]: l for l in map(json.loads, open(k + "s.jsonl"))}
    recs = [json.loads(r) for r in open("records_%s.jsonl" % k)]
    assert len(recs) == len(lines) == 5, (k, len(recs))
    for r in recs:
        assert r["shape"]["value"] == [96, 96, c], r["shape"]
        id_ = bytes.fromhex(r["id"]["value"][0]).decode()
        x = np.frombuffer(bytes.fromhex(r["x"]["value"][0]), np.uint8).reshape(96, 96, c)
        png = cv2.imread(lines[id_]["path"], cv2.IMREAD_UNCHANGED)
        png = png[:, :, None] if c == 1 else cv2.cvtColor(png, cv2.COLOR_BGR2RGB)
        assert np.array_equal(x, png), id_
PYEOF

# HDF5 of RGB crops: (n, 96, 96, 3) uint8 equal to the PNGs.
tp export hdf5 cs.jsonl -o c.h5 2>/dev/null || fail "export hdf5"
"$PY" - <<'PYEOF' || fail "HDF5 of RGB crops"
import json
import cv2
import h5py
import numpy as np
lines = {l["id"]: l for l in map(json.loads, open("cs.jsonl"))}
f = h5py.File("c.h5", "r")
n = 0
for split in ("train", "validation"):
    x = f[split + "/x"]
    assert x.dtype == np.uint8 and x.shape[1:] == (96, 96, 3), x.shape
    for k, id_ in enumerate(f[split + "/id"][:]):
        id_ = id_.decode() if isinstance(id_, bytes) else id_
        png = cv2.cvtColor(cv2.imread(lines[id_]["path"]), cv2.COLOR_BGR2RGB)
        assert np.array_equal(x[k], png), id_
        n += 1
assert n == 5
PYEOF
echo ok
