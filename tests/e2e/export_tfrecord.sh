# export tfrecord: every byte of every shard checked by an independent reader
# (framing and both CRCs with python3-crc32c, Examples with python3-protobuf), against the
# manifest's arrays; sharding, GZIP, keys, labels, stdin, determinism, metadata.
source "$(dirname "$0")/lib.sh"
CHECK="$PY $SOURCE_DIR/tests/e2e/export_check.py"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d

# Default: one shard per split (small splits), every value checked.
tp export tfrecord d/feats.jsonl -o tf1
$CHECK verify-tfrecord tf1 d/feats.jsonl
expect_eq "$(ls tf1 | grep -c tfrecord)" 3 "one shard per split"
[ -f tf1/feats-train.tfrecord-00000-of-00001 ] || fail "TFDS shard name (the manifest's name)"
expect_eq "$(cat tf1/label.labels.txt | tr '\n' ' ')" "0 1 2 3 4 5 6 7 8 9 " "sorted labels"
expect_eq "$(json_get tf1/tinyprep.json 'd["feature_config"]["preset"]')" test "feature config"
expect_eq "$(json_get tf1/tinyprep.json 'd["command"]')" \
  "tinyprep export tfrecord d/feats.jsonl -o tf1" "command line"
expect_eq "$(json_get tf1/features.json \
  'd["featuresDict"]["features"]["x"]["tensor"]["shape"]["dimensions"]')" "['49', '40']" "shape"
ls -a tf1 | grep -q tmp && fail "temporary files left"

# --shards 3: balanced lengths; the same bytes whatever the thread count.
tp export tfrecord d/feats.jsonl -o tf3 --shards 3 -j 1
tp export tfrecord d/feats.jsonl -o tf3b --shards 3 -j 2
$CHECK verify-tfrecord tf3 d/feats.jsonl
expect_eq "$(json_get tf3/dataset_info.json '[s["shardLengths"] for s in d["splits"]]')" \
  "[['66', '67', '67'], ['16', '17', '17'], ['16', '17', '17']]" "balanced shard lengths"
for f in tf3/*.tfrecord-*; do cmp "$f" "tf3b/$(basename "$f")" || fail "-j 1 and -j 2 differ"; done

# --gzip: `gzip -d` gives back exactly the plain shards.
tp export tfrecord d/feats.jsonl -o tfgz --shards 3 --gzip
$CHECK verify-tfrecord tfgz d/feats.jsonl --gzip
for f in tf3/*.tfrecord-*; do
  gzip -dc <"tfgz/$(basename "$f")" | cmp - "$f" || fail "gzip -d of $(basename "$f")"
done
expect_eq "$(json_get tfgz/tinyprep.json 'd["compression"]')" GZIP "compression recorded"

# --shard-size: no shard past the size (records of ~8 KB each).
tp export tfrecord d/feats.jsonl -o tfs --shard-size 100KiB
$CHECK verify-tfrecord tfs d/feats.jsonl
for f in tfs/*.tfrecord-*; do
  [ "$(stat -c %s "$f")" -le 102400 ] || fail "$f is larger than 100KiB"
done
expect_eq "$(ls tfs | grep -c 'feats-train.tfrecord-.*-of-00017')" 17 "200 train records in 17 shards"

# stdin (paths relative to the working folder), --name, --key, --labels order, int8 arrays.
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" q --dtype int8
(cd q && tp export tfrecord - -o ../tfk --name fsdd --key x=features --key label=digit \
  --labels 9,8,7,6,5,4,3,2,1,0 <feats.jsonl)
$CHECK verify-tfrecord tfk q/feats.jsonl --key x=features --key label=digit
[ -f tfk/fsdd-test.tfrecord-00000-of-00001 ] || fail "--name in shard names"
expect_eq "$(head -1 tfk/digit.labels.txt)" 9 "--labels order"

# --print-loader: valid Python with the right FixedLenFeature shapes and dtypes.
tp export tfrecord d/feats.jsonl -o tfl --print-loader >loader.py
grep -q "'x': tf.io.FixedLenFeature(\[49, 40\], tf.float32)" loader.py || fail "loader spec"
"$PY" -c "import ast,sys; ast.parse(open('loader.py').read())" || fail "loader is not Python"
(cd q && tp export tfrecord feats.jsonl -o ../tfl8 --print-loader --x-encoding list) >loader8.py
grep -q "tf.cast(ex\['x'\], tf.int8)" loader8.py || fail "int8 loader casts"
# Images stored encoded: PNG files as they are (byte for byte), PGMs encoded as PNG.
mkdir img && cp "$TEST_DATA"/images/skimage/*.png "$TEST_DATA"/images/derived_96x96_gray/*.pgm img/
tp import --label photo img/ >img.jsonl
tp export tfrecord img.jsonl -o tfimg --image-encoding png --print-loader >loader_img.py
$CHECK verify-tfrecord tfimg img.jsonl --image-encoding png
grep -q "tf.io.decode_png(ex\['x'\])" loader_img.py || fail "image loader decodes PNG"
expect_eq "$(json_get tfimg/features.json \
  'd["featuresDict"]["features"]["x"]["image"]["encodingFormat"]')" png "TFDS Image feature"
echo "export_tfrecord: ok"
