# capture camera through OpenCV's VideoCapture reading an image sequence made here: every
# frame kept as PNG with its pixels; crop/resize/grayscale; the errors for a missing camera
# and a missing file.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
cp "$HERE/capture_png.py" .

mkdir frames
"$PY" - <<'PYEOF'
from capture_png import write_png
for k in range(5):
    px = bytes(((x * 3 + k * 40) % 256, (y * 5) % 256, (k * 60) % 256)[c]
               for y in range(48) for x in range(64) for c in range(3))
    write_png("frames/frame_%03d.png" % k, 64, 48, px)
PYEOF

tp capture camera --device frames/frame_%03d.png --into ds --label cat --group desk 2>err.txt
grep -q "kept 5 samples of 'cat' in ds (the input ended)" err.txt || { cat err.txt; fail "summary"; }
tp validate ds 2>/dev/null || fail "validate rejects the camera dataset"
"$PY" - <<'PYEOF' || fail "camera frames"
import json
from capture_png import read_png
lines = [json.loads(l) for l in open("ds/samples.jsonl")]
assert len(lines) == 5
for k, line in enumerate(lines):
    assert read_png("ds/" + line["path"]) == read_png("frames/frame_%03d.png" % k), k
    assert line["image"] == {"width": 64, "height": 48, "channels": 3}
    assert line["source"] == "camera:frames/frame_%03d.png" and line["group"] == "desk"
PYEOF

# Crop 32x32 from the centre, resize to 16x16, gray; --count stops early.
tp capture camera --device frames/frame_%03d.png --crop 32x32 --resize 16x16 --grayscale \
  --into ds2 --label cat --count 2 2>err.txt || { cat err.txt; fail "crop/resize/grayscale"; }
tp validate ds2 2>/dev/null || fail "validate rejects the cropped dataset"
"$PY" - <<'PYEOF' || fail "cropped frames"
import json
from capture_png import read_png
lines = [json.loads(l) for l in open("ds2/samples.jsonl")]
assert len(lines) == 2
w, h, c, px = read_png("ds2/" + lines[0]["path"])
assert (w, h, c) == (16, 16, 1) and lines[0]["image"] == {"width": 16, "height": 16, "channels": 1}
PYEOF
expect_fail 2 "does not fit in the 64x48 frame" -- tp capture camera \
  --device frames/frame_%03d.png --crop 100x10 --into ds3 --label cat

# A camera that does not exist, a file that does not exist.
expect_fail 1 "camera.*(no such camera|cannot open|no permission)" -- tp capture camera \
  --device 9 --into ds4 --label cat
expect_fail 1 "missing.mp4: no such file" -- tp capture camera --device missing.mp4 \
  --into ds4 --label cat
[ ! -e ds4 ] || fail "a failed camera capture made a dataset"

# An image sequence of mixed sizes (issue 13): every frame keeps its own size and pixels (FFmpeg's
# image2 kept the first size and wrote garbage for the others), and a crop + resize of the
# sequence equals the same crop + resize of each file captured alone.
mkdir mixed
"$PY" - <<'PYEOF'
from capture_png import write_png
for k, (w, h) in enumerate([(64, 48), (40, 60), (100, 30), (33, 33), (64, 48)]):
    px = bytes(((x * 7 + k * 50) % 256, (y * 11) % 256, (x + y + k * 30) % 256)[c]
               for y in range(h) for x in range(w) for c in range(3))
    write_png("mixed/frame_%03d.png" % k, w, h, px)
PYEOF
tp capture camera --device mixed/frame_%03d.png --into mix --label cat 2>err.txt ||
  { cat err.txt; fail "mixed-size sequence"; }
grep -q "kept 5 samples" err.txt || { cat err.txt; fail "mixed-size summary"; }
! grep -qi "swscaler\|invalid" err.txt || { cat err.txt; fail "FFmpeg messages on stderr"; }
"$PY" - <<'PYEOF' || fail "mixed-size frames"
import json
from capture_png import read_png
lines = [json.loads(l) for l in open("mix/samples.jsonl")]
assert len(lines) == 5
for k, line in enumerate(lines):
    got, want = read_png("mix/" + line["path"]), read_png("mixed/frame_%03d.png" % k)
    assert got == want, "frame %d: %r, not %r" % (k, got[:3], want[:3])
    assert line["image"] == {"width": want[0], "height": want[1], "channels": 3}
PYEOF
tp capture camera --device mixed/frame_%03d.png --crop 30x30 --resize 12x12 --grayscale \
  --into mixc --label cat 2>/dev/null || fail "mixed-size crop"
for k in 0 1 2 3 4; do
  mkdir "one$k" && cp "mixed/frame_00$k.png" "one$k/frame_000.png"
  tp capture camera --device "one$k/frame_%03d.png" --crop 30x30 --resize 12x12 --grayscale \
    --into "onec$k" --label cat 2>/dev/null || fail "crop of frame $k alone"
done
"$PY" - <<'PYEOF' || fail "mixed-size crops differ from per-file crops"
import json
from capture_png import read_png
lines = [json.loads(l) for l in open("mixc/samples.jsonl")]
assert len(lines) == 5
for k, line in enumerate(lines):
    alone = json.loads(open("onec%d/samples.jsonl" % k).readline())
    got, want = read_png("mixc/" + line["path"]), read_png("onec%d/" % k + alone["path"])
    assert got[:3] == (12, 12, 1) and got == want, k
PYEOF
