# export of packed features (issue 16): a `features` field with "row": i names row i of a stacked
# part (np.load(path)[row]). The parts here are stacked by NumPy from per-sample .npy files; the
# TFRecord and HDF5 exports of the packed manifest are byte-identical to those of the per-sample
# one (-j 1 and -j 2), plot draws the same spectrogram, and a part truncated or deleted behind the manifest's back is named with
# the line, the sample and its row.
source "$(dirname "$0")/lib.sh"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d --limit 40
mkdir d/parts
"$PY" - <<'PY'
import json, numpy as np
lines = [json.loads(l) for l in open("d/feats.jsonl")]
# Three parts of 16, 16 and 8 rows, filled in input order.
packed = []
for k in range(0, len(lines), 16):
    group = lines[k:k + 16]
    part = f"parts/part-0-{k // 16:06d}.npy"
    np.save("d/" + part, np.stack([np.load("d/" + l["features"]["path"]) for l in group]))
    for i, l in enumerate(group):
        p = dict(l, features=dict(l["features"], path=part, row=i))
        packed.append(p)
open("d/packed.jsonl", "w").writelines(json.dumps(l) + "\n" for l in packed)
# Every row is the per-sample array, also through mmap.
for l, p in zip(lines, packed):
    a = np.load("d/" + l["features"]["path"])
    b = np.load("d/" + p["features"]["path"], mmap_mode="r")[p["features"]["row"]]
    assert a.dtype == b.dtype and a.shape == b.shape and (a == b).all(), l["id"]
PY
# Byte-identical exports: the same command line (recorded in the exports) on d/m.jsonl, which
# is first the per-sample manifest, then the packed one.
export_as() {  # LAYOUT J
  cp "d/$1.jsonl" d/m.jsonl
  rm -rf out-tf out.h5
  tp export tfrecord d/m.jsonl -o out-tf -j "$2" 2>/dev/null
  tp export hdf5 d/m.jsonl -o out.h5 -j "$2" 2>/dev/null
  mv out-tf "$1-tf-$2"
  mv out.h5 "$1-$2.h5"
}
# HDF5 files are compared by content: every dataset and attribute (HDF5 does not promise the
# same bytes for the same content).
same_h5() {
  "$PY" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
def same(x, y):
    assert sorted(x.attrs) == sorted(y.attrs) and sorted(x) == sorted(y)
    for k in x.attrs:
        assert np.array_equal(x.attrs[k], y.attrs[k]), k
    for k in x:
        if isinstance(x[k], h5py.Dataset):
            assert x[k].dtype == y[k].dtype and np.array_equal(x[k][()], y[k][()]), k
        else:
            same(x[k], y[k])
same(a, b)
PY
}
for j in 1 2; do
  export_as feats $j
  export_as packed $j
  diff -r feats-tf-$j packed-tf-$j >/dev/null || fail "-j $j: TFRecord export of the packed layout differs"
  same_h5 feats-$j.h5 packed-$j.h5 || fail "-j $j: HDF5 export of the packed layout differs"
done
# (tinyprep.json records the command line, -j included.)
diff -r -x tinyprep.json packed-tf-1 packed-tf-2 >/dev/null ||
  fail "packed TFRecord export differs between -j 1 and -j 2"

# plot and report read the row too: the same spectrogram (SVG) of a sample in either layout.
for id in 0_george_0 1_george_3; do
  for layout in feats packed; do
    cp "d/$layout.jsonl" d/m.jsonl
    tp plot spectrogram d/m.jsonl --id "$id" -o "$layout-$id.svg" 2>/dev/null
  done
  cmp -s "feats-$id.svg" "packed-$id.svg" || fail "$id: the spectrogram of the packed layout differs"
done

# A row past the part's end, and a row that is not a count.
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("d/packed.jsonl")]
lines[3]["features"]["row"] = 16
open("d/past.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
lines[3]["features"]["row"] = -1
open("d/negative.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
PY
expect_fail 1 "^tinyprep export: d/past.jsonl:4: features of '[^']*' \(row 16\): .*parts/part-0-000000.npy: has 16 rows \(shape \(16, 49, 40\)\), no row 16$" -- \
  tp export hdf5 d/past.jsonl -o out.h5
expect_fail 1 "^tinyprep export: d/negative.jsonl:4: features of '[^']*': 'row' must be a non-negative integer, not -1$" -- \
  tp export hdf5 d/negative.jsonl -o out.h5
[ -e out.h5 ] && fail "out.h5 left behind"

# The second part cut short: rows 0-9 whole, rows 10-15 (lines 27-32) missing; the first of
# them in the export's order is named, with the rows missing.
"$PY" - <<'PY'
import os
p = "d/parts/part-0-000001.npy"
os.truncate(p, os.path.getsize(p) - 6 * 49 * 40 * 4 + 100)
PY
expect_fail 1 "^tinyprep export: d/packed.jsonl:(2[7-9]|3[0-2]): features of '[^']*' \(row 1[0-5]\): .*parts/part-0-000001.npy: truncated: data for 10 of 16 rows, rows 10 to 15 missing$" -- \
  tp export tfrecord d/packed.jsonl -o out-tf
[ -e out-tf ] && [ -n "$(ls -A out-tf)" ] && fail "out-tf left behind"

# The third part deleted: one of its lines (17-24 of tail.jsonl) is named, with its row.
rm d/parts/part-0-000002.npy
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("d/packed.jsonl")]
open("d/tail.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines if "000001" not in l["features"]["path"])
PY
expect_fail 1 "^tinyprep export: d/tail.jsonl:(1[7-9]|2[0-4]): features of '[^']*' \(row [0-7]\): .*parts/part-0-000002.npy: cannot open: No such file or directory$" -- \
  tp export hdf5 d/tail.jsonl -o out.h5 -j 2
[ -e out.h5 ] && fail "out.h5 left behind"
echo ok
