# crop (issue 13): the person-detection photos end to end (import -> crop --preset
# person_detection -> split -> export hdf5 -> h5py (n, 96, 96, 1) equal to the PNGs); -j gives
# the same bytes; a re-run skips; a bad image fails alone; boxes (a field, --boxes CSV, clipped,
# outside); usage errors.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
cp "$HERE/capture_png.py" .
IMG="$TEST_DATA/images"

mkdir -p photos/person photos/no_person
cp "$IMG/person_detection/person.jpg" "$IMG/skimage/astronaut.png" "$IMG/skimage/camera.png" \
  photos/person/
cp "$IMG/person_detection/no_person.jpg" "$IMG/person_detection/no_person_96x96.bmp" \
  "$IMG/skimage/chelsea.png" "$IMG/skimage/coffee.png" "$IMG/skimage/horse.png" photos/no_person/
tp import --layout folders photos >all.jsonl 2>/dev/null
tp crop --preset person_detection -o crops all.jsonl -O crops.jsonl -j 1 2>err.txt ||
  { cat err.txt; fail "crop"; }
grep -q "wrote 8" err.txt || { cat err.txt; fail "crop summary"; }
tp validate crops.jsonl 2>/dev/null || fail "validate rejects the crops"
tp split --ratios 60,40,0 crops.jsonl -o split.jsonl 2>/dev/null
tp export hdf5 split.jsonl -o pd.h5 2>/dev/null || fail "export hdf5 of the crops"
"$PY" - <<'PYEOF' || fail "person detection through h5py"
import json
import h5py
import numpy as np
from capture_png import read_png
lines = [json.loads(l) for l in open("split.jsonl")]
orig = {json.loads(l)["id"] for l in open("all.jsonl")}
assert len(lines) == 8
f = h5py.File("pd.h5", "r")
seen = 0
for split in ("train", "validation"):
    x, ids = f[split + "/x"], [i.decode() if isinstance(i, bytes) else i for i in f[split + "/id"][:]]
    assert x.shape == (len(ids), 96, 96, 1) and x.dtype == np.uint8, x.shape
    for k, id_ in enumerate(ids):
        line = next(l for l in lines if l["id"] == id_)
        assert line["source"] in orig and line["image"] == {"width": 96, "height": 96, "channels": 1}
        w, h, c, px = read_png(line["path"])
        assert (w, h, c) == (96, 96, 1)
        assert bytes(x[k].reshape(-1)) == px, id_
        seen += 1
assert seen == 8
PYEOF

# The same bytes for any -j; a re-run skips every image.
tp crop --preset person_detection -o crops2 all.jsonl -O crops2.jsonl -j 2 2>/dev/null
for f in crops/*.png; do cmp -s "$f" "crops2/$(basename "$f")" || fail "-j 2 differs: $f"; done
cmp -s crops/index.jsonl crops2/index.jsonl || fail "-j 2 index differs"
sed 's#crops2/#crops/#g' crops2.jsonl | cmp -s - crops.jsonl || fail "-j 2 lines differ"
tp crop --preset person_detection -o crops all.jsonl -O crops3.jsonl 2>err.txt
grep -q "wrote 0, skipped 8" err.txt || { cat err.txt; fail "re-run did not skip"; }
cmp -s crops.jsonl crops3.jsonl || fail "re-run lines differ"

# A file no decoder reads fails alone, named; exit 1 at the end.
printf 'not an image' >photos/person/broken.png
{ cat all.jsonl; echo '{"id":"broken","path":"photos/person/broken.png","label":"person"}'; } >all2.jsonl
expect_fail 1 "broken.png: not a readable image" -- tp crop --size 32x32 -o c4 all2.jsonl -O c4.jsonl
[ "$(wc -l <c4.jsonl)" = 8 ] || fail "the other images were not written"

# Boxes: a field (clipped with a warning), entirely outside (an error naming the line), CSV.
"$PY" - <<'PYEOF'
import json
src = json.loads(open("all.jsonl").readline())
with open("boxed.jsonl", "w") as f:
    for box in ([10, 20, 100, 50], [-20, -20, 60, 60], [5000, 0, 10, 10]):
        line = dict(src, id=src["id"] + "-%d" % box[0], box=box)
        f.write(json.dumps(line) + "\n")
PYEOF
expect_fail 1 "boxed.jsonl:3: box is entirely outside" -- tp crop --size 20x10 --mode squash \
  --color rgb -o c5 boxed.jsonl -O c5.jsonl
grep -q "warning: boxed.jsonl:2: .*box reaches outside .*: clipped" "$WORK/.err" ||
  { cat "$WORK/.err"; fail "clip warning"; }
[ "$(wc -l <c5.jsonl)" = 2 ] || fail "boxed lines"
name=$(basename "$(json_get all.jsonl 'd["path"]' 2>/dev/null || head -1 all.jsonl |
  "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline())["path"])')")
printf 'file,x,y,w,h,label\n%s,0,0,40,40,head\n%s,10,10,30,20,hand\n' "$name" "$name" >boxes.csv
tp crop --size 16x16 --color gray -o c6 --boxes boxes.csv all.jsonl -O c6.jsonl 2>err.txt ||
  { cat err.txt; fail "--boxes"; }
"$PY" - <<'PYEOF' || fail "--boxes lines"
import json
lines = [json.loads(l) for l in open("c6.jsonl")]
assert [l["label"] for l in lines] == ["head", "hand"], lines
assert lines[0]["box"] == [0, 0, 40, 40] and lines[0]["id"].endswith("-1")
PYEOF

# Usage errors.
expect_fail 2 "--size" -- tp crop --size 0x96 -o c7 all.jsonl
expect_fail 2 "--size" -- tp crop --size 96 -o c7 all.jsonl
expect_fail 2 "--mode" -- tp crop --size 96x96 --mode stretch -o c7 all.jsonl
