# export: compact, shuffled, self-describing exports (issue 12, points 12-17).
# 12 integer x as one raw little-endian bytes value (--x-encoding list: int64_list);
# 13 `export loader DIR|FILE`; 14 provenance in tinyprep.json / the HDF5 attribute;
# 15 each split shuffled by sha256("<seed>:<id>") (checked by an independent Python order);
# 16 the default name from the manifest; 17 one summary line on stderr.
source "$(dirname "$0")/lib.sh"
CHECK="$PY $SOURCE_DIR/tests/e2e/export_check.py"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" q --dtype int8

# 12: int8 49x40 as 1,960 raw bytes per example, in export order (seed 0), every value checked.
tp export tfrecord q/feats.jsonl -o raw --print-loader >printed.py 2>summary.txt
$CHECK verify-tfrecord raw q/feats.jsonl
expect_eq "$(json_get raw/tinyprep.json 'd["x"]["encoding"]')" raw "tinyprep.json x encoding"
expect_eq "$(json_get raw/features.json 'd["featuresDict"]["features"]["x"]["tensor"]["encoding"]')" \
  bytes "features.json x encoding"
per_example=$(json_get raw/dataset_info.json \
  'sum(int(s["numBytes"]) for s in d["splits"]) // sum(sum(map(int, s["shardLengths"])) for s in d["splits"])')
[ "$per_example" -lt 2100 ] || fail "an int8 example takes $per_example bytes (raw: ~2,000)"
grep -q "tf.reshape(tf.io.decode_raw(ex\['x'\], tf.int8, little_endian=True), \[49, 40\])" printed.py ||
  fail "the loader decodes raw bytes"
grep -q "x_encoding 'raw'" printed.py || fail "the loader says raw"
tp export tfrecord q/feats.jsonl -o list --x-encoding list 2>/dev/null
$CHECK verify-tfrecord list q/feats.jsonl --x-encoding list
expect_eq "$(json_get list/tinyprep.json 'd["x"]["encoding"]')" int64_list "list encoding"
expect_fail 2 "x-encoding" -- tp export hdf5 q/feats.jsonl -o x.h5 --x-encoding raw

# 17: one line on stderr, with the examples per split, files, bytes and where.
expect_eq "$(wc -l <summary.txt)" 1 "one summary line"
bytes=$(cat raw/* | wc -c)
grep -Eq "^tinyprep export: exported 300 examples \(train [0-9]+, validation [0-9]+, test [0-9]+\) to raw: 7 files, $bytes bytes$" \
  summary.txt || { cat summary.txt >&2; fail "summary line"; }

# 16: the name is the manifest's ("feats.jsonl" -> feats); stdin still gives "data".
[ -f raw/feats-train.tfrecord-00000-of-00001 ] || fail "shards named after the manifest"
expect_eq "$(json_get raw/tinyprep.json 'd["name"]')" feats "name"
(cd q && tp export tfrecord - -o ../stdin <feats.jsonl 2>/dev/null)
[ -f stdin/data-train.tfrecord-00000-of-00001 ] || fail "stdin: data"

# 15: --seed changes the order, --no-shuffle keeps the manifest's; each checked value by value.
tp export tfrecord q/feats.jsonl -o seed7 --seed 7 2>/dev/null
$CHECK verify-tfrecord seed7 q/feats.jsonl --seed 7
tp export tfrecord q/feats.jsonl -o inorder --no-shuffle 2>/dev/null
$CHECK verify-tfrecord inorder q/feats.jsonl --no-shuffle
cmp -s raw/feats-train.tfrecord-00000-of-00001 inorder/feats-train.tfrecord-00000-of-00001 &&
  fail "the default export is in manifest order"
expect_eq "$(json_get raw/tinyprep.json 'd["order"]["shuffle"], d["order"]["seed"]')" "True 0" "order"
tp export hdf5 q/feats.jsonl -o q.h5 --seed 3 --print-loader >printed_h5.py 2>/dev/null
$CHECK verify-hdf5 q.h5 q/feats.jsonl --seed 3
# From stdin (a spool), shuffled too: the same shards as from the file.
(cd q && tp export tfrecord - -o ../stdin3 --name feats <feats.jsonl 2>/dev/null)
cmp stdin3/feats-train.tfrecord-00000-of-00001 raw/feats-train.tfrecord-00000-of-00001 ||
  fail "stdin and file exports differ"

# 13: the loader of an existing export is the one --print-loader printed.
tp export loader raw >again.py
cmp printed.py again.py || fail "export loader DIR differs from --print-loader"
tp export loader q.h5 >again_h5.py
cmp printed_h5.py again_h5.py || fail "export loader FILE differs from --print-loader"
"$PY" -c "import ast,sys; ast.parse(open('again.py').read())" || fail "loader is not Python"
expect_fail 1 "nowhere: no such file" -- tp export loader nowhere
expect_fail 1 "tinyprep.json" -- tp export loader q
expect_fail 2 "loader takes no -o" -- tp export loader raw -o x

# 14: a real chain: import, split (records its rule), features (config.json), export.
mkdir kws && cp "$TEST_DATA"/kws_tflm/*_1000ms.wav kws/
tp import --pattern '{label}_1000ms.wav' kws/ -o kws.jsonl 2>/dev/null
tp split kws.jsonl --ratios 50,25,25 --seed 3 -o split.jsonl 2>/dev/null
expect_eq "$(head -1 split.jsonl | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["split_by"])')" \
  "hash seed=3 50,25,25" "split records its rule"
tp features --preset micro_speech -o feats split.jsonl >f.jsonl 2>/dev/null
tp export tfrecord f.jsonl -o chain 2>/dev/null
tp export hdf5 f.jsonl -o chain.h5 2>/dev/null
for doc in chain/tinyprep.json h5.json; do
  [ "$doc" = h5.json ] &&
    "$PY" -c "import h5py; open('h5.json','w').write(h5py.File('chain.h5')['/'].attrs['tinyprep_json'])"
  expect_eq "$(json_get $doc 'd["provenance"]["split"]["split_by"]')" "hash seed=3 50,25,25" "split rule ($doc)"
  expect_eq "$(json_get $doc 'd["provenance"]["features"]["params"] == json.load(open("feats/config.json"))["params"]')" \
    True "feature parameters ($doc)"
  expect_eq "$(json_get $doc 'd["provenance"]["features"]["config"] == json.load(open("feats/config.json"))["config"]')" \
    True "feature config id ($doc)"
  expect_eq "$(json_get $doc 'd["provenance"]["export"]["tinyprep_version"] == d["tinyprep_version"] != ""')" \
    True "version ($doc)"
  json_get $doc 'd["provenance"]["export"]["command"]' | grep -q "^tinyprep export .*f.jsonl -o chain" ||
    fail "export argv ($doc)"
done
# Lines without split_by say so.
expect_eq "$(json_get raw/tinyprep.json 'd["provenance"]["split"]')" "{'recorded': False}" "no split rule"
expect_eq "$(json_get raw/tinyprep.json 'd["provenance"]["features"]["params"]')" None \
  "no config.json: params null"
echo "export_described: ok"
