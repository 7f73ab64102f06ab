# export hdf5 --shard K/N and tinyprep merge (issue 16): FSDD clips imported, split and turned
# into micro_speech features; 3 workers of `export hdf5 --shard k/3` at once, joined by
# `merge` (a copy) and `merge --virtual` (virtual datasets over the parts), read with h5py
# from another folder: equal by id (split, y, x bytes) to a single-process export, attributes
# kept, tinyprep_json counting every part. Parts of two exports are refused. Manifests:
# `merge -o all.jsonl a.jsonl b.jsonl` rebases paths, keeps a repeated identical line once,
# and refuses a repeated id with a different line naming both files and lines.
source "$(dirname "$0")/lib.sh"
copy_fsdd
import_split 80,10,10
tp features --preset micro_speech -o feats split.jsonl >f.jsonl 2>/dev/null
expect_eq "$(wc -l <f.jsonl)" 300 "feature lines"

tp export hdf5 f.jsonl -o single.h5 2>/dev/null
mkdir parts
for k in 0 1 2; do tp export hdf5 f.jsonl -o parts/all.h5 --shard $k/3 -j 1 2>/dev/null & done
wait
expect_eq "$(ls parts)" "$(printf 'all.part-0-of-3.h5\nall.part-1-of-3.h5\nall.part-2-of-3.h5')" "part names"
tp merge -o copy.h5 parts/all.part-{0,1,2}-of-3.h5 2>merge.txt
grep -q "merged 3 parts into copy.h5: 300 examples" merge.txt || { cat merge.txt; fail "merge summary"; }
mkdir out
tp merge --virtual -o out/virtual.h5 parts/all.part-{0,1,2}-of-3.h5 2>/dev/null
[ "$(stat -c %s out/virtual.h5)" -lt 100000 ] || fail "the virtual merge copied the rows"

cat >compare.py <<'PY'
import json, sys
import h5py
def load(path):
    rows = {}
    with h5py.File(path, "r") as f:
        attrs = {k: (list(v) if k == "label_names" else v) for k, v in f.attrs.items()}
        for split in f:
            g = f[split]
            ids, x, y = g["id"].asstr()[:], g["x"][:], g["y"][:]
            if not (len(ids) == len(x) == len(y)):
                sys.exit(f"{path}: /{split}: x, y, id lengths differ")
            for i, id_ in enumerate(ids):
                if id_ in rows:
                    sys.exit(f"{path}: id {id_} twice")
                rows[id_] = (split, int(y[i]), str(x.dtype), x[i].shape, x[i].tobytes())
        virtual = any(f[s]["x"].is_virtual for s in f)
    return rows, attrs, virtual
want, wattrs, _ = load(sys.argv[1])
for path, virtual in ((sys.argv[2], False), (sys.argv[3], True)):
    got, attrs, is_virtual = load(path)
    if is_virtual != virtual:
        sys.exit(f"{path}: virtual datasets: {is_virtual}")
    if len(got) != 300 or got != want:
        sys.exit(f"{path}: {len(got)} rows; differ from the single export: "
                 f"{sorted(k for k in want if got.get(k) != want[k])[:5]}")
    for key in ("label_names", "feature_config", "tinyprep_version"):
        if attrs[key] != wattrs[key]:
            sys.exit(f"{path}: attribute {key}: {attrs[key]} vs {wattrs[key]}")
    tj = json.loads(attrs["tinyprep_json"])
    splits = {s: v["examples"] for s, v in tj["splits"].items()}
    wsplits = {s: v["examples"] for s, v in json.loads(wattrs["tinyprep_json"])["splits"].items()}
    if splits != wsplits or "shard" in tj or tj["provenance"]["merge"]["virtual"] != virtual:
        sys.exit(f"{path}: tinyprep_json {splits} {wsplits} {tj.get('shard')}")
print("ok")
PY
# Read from another folder: the virtual datasets find the parts relative to their own file.
(cd / && "$PY" "$WORK/compare.py" "$WORK/single.h5" "$WORK/copy.h5" "$WORK/out/virtual.h5") >cmp.txt ||
  fail "merged HDF5 differs: $(cat cmp.txt)"

# The same part twice, a part of another export, an existing output.
expect_fail 2 "is given twice" -- tp merge -o twice.h5 parts/all.part-0-of-3.h5 parts/all.part-0-of-3.h5
tp export hdf5 f.jsonl -o other.h5 --name other --shard 1/3 -j 1 2>/dev/null
expect_fail 1 "other.part-1-of-3.h5: is not a part of the export parts/all.part-0-of-3.h5 is: name" \
  -- tp merge -o mixed.h5 parts/all.part-0-of-3.h5 other.part-1-of-3.h5
[ -e mixed.h5 ] && fail "a refused merge wrote its output"
expect_fail 1 "copy.h5: already exists" -- tp merge -o copy.h5 parts/all.part-{0,1,2}-of-3.h5
tp merge -o part01.h5 parts/all.part-{0,1}-of-3.h5 2>warn.txt
grep -q "worker 2 of 3's part is not among those merged" warn.txt || fail "no warning for a missing part"
expect_fail 2 "applies to HDF5 parts only" -- tp merge --virtual -o m.jsonl f.jsonl

# Encoded images of different sizes: the parts agree on dtype and encoding, not on a shape.
tp import --label a "$TEST_DATA/images/skimage" >img.jsonl 2>/dev/null
for k in 0 1; do tp export hdf5 img.jsonl --image-encoding png -o img.h5 --shard $k/2 -j 1 2>/dev/null; done
tp export hdf5 img.jsonl --image-encoding png -o img1.h5 2>/dev/null
tp merge -o imgm.h5 img.part-0-of-2.h5 img.part-1-of-2.h5 2>/dev/null
tp merge --virtual -o imgv.h5 img.part-0-of-2.h5 img.part-1-of-2.h5 2>/dev/null
"$PY" - <<'PY' || fail "merged encoded images differ from the single export"
import h5py
def load(path):
    with h5py.File(path, "r") as f:
        return {i: bytes(x) for s in f for i, x in zip(f[s]["id"].asstr()[:], f[s]["x"])}
want = load("img1.h5")
assert len(want) >= 5 and load("imgm.h5") == want and load("imgv.h5") == want
PY

# Manifests: two halves from different folders; paths rebased; an identical repeated line
# kept once; a repeated id with a different line refused.
mkdir -p a b/deep
"$PY" - <<'PY'
import json, os
lines = [json.loads(l) for l in open("f.jsonl")]
def write(path, part):
    base = os.path.dirname(path)
    with open(path, "w") as f:
        for d in part:
            d = json.loads(json.dumps(d))
            d["path"] = os.path.relpath(d["path"], base)
            d["features"]["path"] = os.path.relpath(d["features"]["path"], base)
            f.write(json.dumps(d) + "\n")
write("a/one.jsonl", lines[:160])
write("b/deep/two.jsonl", lines[140:])   # lines 140-159 in both, identical
bad = json.loads(json.dumps(lines[200]))
bad["label"] = "9" if bad["label"] != "9" else "8"
write("b/bad.jsonl", [bad])
PY
mkdir merged
tp merge -o merged/all.jsonl a/one.jsonl b/deep/two.jsonl 2>mm.txt
grep -q "merged 2 manifests: 300 lines; 20 repeated lines" mm.txt || { cat mm.txt; fail "manifest merge summary"; }
"$PY" - <<'PY' || fail "merged manifest differs from the original"
import json, os
want = {json.loads(l)["id"]: json.loads(l) for l in open("f.jsonl")}
got = [json.loads(l) for l in open("merged/all.jsonl")]
assert len(got) == 300 and len({d["id"] for d in got}) == 300
for d in got:
    w = want[d["id"]]
    assert os.path.normpath(os.path.join("merged", d["path"])) == os.path.normpath(w["path"]), d
    assert os.path.normpath(os.path.join("merged", d["features"]["path"])) == \
        os.path.normpath(w["features"]["path"]), d
    assert d["label"] == w["label"] and d["features"].get("row") == w["features"].get("row")
PY
bad_id=$(json_get b/bad.jsonl 'd["id"]')
expect_fail 1 "b/bad.jsonl:1: id '$bad_id' is also on line [0-9]+ of b/deep/two.jsonl, with different content" \
  -- tp merge -o m2.jsonl a/one.jsonl b/deep/two.jsonl b/bad.jsonl
[ -e m2.jsonl ] && fail "a refused manifest merge wrote its output"
echo ok
