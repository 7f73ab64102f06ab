# export: bad input and bad options give one clear error naming the file and line (and both
# samples where two disagree), exit 1 or 2, and leave nothing behind.
source "$(dirname "$0")/lib.sh"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d --limit 40
M=d/feats.jsonl
nothing_left() { [ -z "$(ls -A "$1" 2>/dev/null)" ] || { ls -la "$1"; fail "$1 is not empty"; }; }

# A features file whose shape differs from the others: the line's declared shape...
"$PY" - <<'PY'
import json, numpy as np
lines = [json.loads(l) for l in open("d/feats.jsonl")]
np.save("d/feats/odd.npy", np.zeros((49, 41), np.float32))
lines[5]["features"]["path"] = "feats/odd.npy"
open("d/odd_file.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
lines[5]["features"]["shape"] = [49, 41]
open("d/odd_declared.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
for l in lines:
    del l["features"]["shape"]
open("d/odd_undeclared.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
lines[5]["features"] = {"path": "feats/missing.npy"}
open("d/missing.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
del lines[5]["features"]
open("d/mixed.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
PY
mkdir out
expect_fail 1 "^tinyprep export: d/odd_declared.jsonl:6: features of '0_jackson_0' have shape \[49,41\] but those of '0_george_0' \(line 1\) have \[49,40\]$" -- \
  tp export tfrecord d/odd_declared.jsonl -o out/tf
expect_fail 1 "^tinyprep export: d/odd_file.jsonl:6: features of '0_jackson_0': .*odd.npy has shape \(49, 41\) but the line says \(49, 40\)$" -- \
  tp export hdf5 d/odd_file.jsonl -o out/x.h5
expect_fail 1 "^tinyprep export: d/odd_undeclared.jsonl:6: '0_jackson_0' is float32 \(49, 41\) but '0_george_0' \(line 1\) is float32 \(49, 40\): every sample must have the same shape$" -- \
  tp export tfrecord d/odd_undeclared.jsonl -o out/tf -j 2 --no-shuffle
expect_fail 1 "^tinyprep export: d/odd_undeclared.jsonl:6: .*every sample must have the same shape$" -- \
  tp export hdf5 d/odd_undeclared.jsonl -o out/x.h5
nothing_left out/tf
[ -e out/x.h5 ] && fail "x.h5 left behind"
nothing_left out/tf

# A missing features file names the line, the sample and the file.
expect_fail 1 "^tinyprep export: d/missing.jsonl:6: features of '0_jackson_0': .*feats/missing.npy: cannot open: No such file or directory$" -- \
  tp export hdf5 d/missing.jsonl -o out/x.h5
# A missing media file (no features): paths on a pipe are relative to the working folder.
mkdir kws && cp "$TEST_DATA"/kws_tflm/*_1000ms.wav kws/
tp import --pattern '{label}_1000ms.wav' kws/ >kws.jsonl
expect_fail 1 "^tinyprep export: <stdin>:1: 'no_1000ms': .*/d/kws/no_1000ms.wav: no such file$" -- \
  sh -c "cd d && $TINYPREP export hdf5 - -o ../x.h5 <../kws.jsonl"
# Lines with and without features.
expect_fail 1 "^tinyprep export: d/mixed.jsonl:6: sample has no 'features' but '0_george_0' \(line 1\) has: export needs all samples of one kind$" -- \
  tp export hdf5 d/mixed.jsonl -o out/x.h5

# A label not in --labels: the first line with it.
expect_fail 1 "^tinyprep export: d/feats.jsonl:31: label '1' is not in --labels \(0\)$" -- \
  tp export tfrecord $M -o out/tf --labels 0
expect_fail 2 "--labels lists '0' twice" -- tp export tfrecord $M -o out/tf --labels 0,1,0

# Unwritable output: a folder where a file is, a file in a missing folder.
touch afile
expect_fail 1 "^tinyprep export: afile/tf: cannot create the folder" -- tp export tfrecord $M -o afile/tf
expect_fail 1 "^tinyprep export: nodir/x.h5: cannot write: No such file or directory$" -- \
  tp export hdf5 $M -o nodir/x.h5
if [ "$(id -u)" != 0 ]; then
  mkdir ro && chmod 555 ro
  expect_fail 1 "^tinyprep export: ro: cannot write into the folder" -- tp export tfrecord $M -o ro
fi

# Samples without a split mixed with split ones: they go to 'all', with a warning.
"$PY" -c "
import json
lines = [json.loads(l) for l in open('d/feats.jsonl')]
for l in lines[:3]: del l['split']
open('d/unsplit.jsonl', 'w').writelines(json.dumps(l) + '\n' for l in lines)"
tp export hdf5 d/unsplit.jsonl -o unsplit.h5 2>err.txt
grep -q "warning: d/unsplit.jsonl:1: 3 of 40 samples have no split; they go to 'all'" err.txt ||
  { cat err.txt; fail "no warning for samples without a split"; }
"$PY" "$SOURCE_DIR/tests/e2e/export_check.py" verify-hdf5 unsplit.h5 d/unsplit.jsonl

# An existing output is refused unless --force; --force replaces it, stale shards included.
tp export tfrecord $M -o tf --shards 3
expect_fail 1 "^tinyprep export: tf/.*: already exists \(use --force to replace the export\)$" -- \
  tp export tfrecord $M -o tf
tp export tfrecord $M -o tf --shards 2 --force
expect_eq "$(ls tf | grep -c tfrecord)" 6 "two shards for each of three splits"
ls tf | grep -q -- "-of-00003" && fail "stale shards left"
"$PY" "$SOURCE_DIR/tests/e2e/export_check.py" verify-tfrecord tf $M
tp export hdf5 $M -o x.h5
expect_fail 1 "^tinyprep export: x.h5: already exists \(use --force to replace it\)$" -- \
  tp export hdf5 $M -o x.h5
tp export hdf5 $M -o x.h5 --force

# Options that make no sense: exit 2.
expect_fail 2 "--gzip applies to tfrecord only" -- tp export hdf5 $M -o y.h5 --gzip
expect_fail 2 "--compression applies to hdf5 only" -- tp export tfrecord $M -o t --compression none
expect_fail 2 "excludes" -- tp export tfrecord $M -o t --shards 2 --shard-size 1MiB
expect_fail 2 "--shard-size '12parsecs': expected a size" -- tp export tfrecord $M -o t --shard-size 12parsecs
expect_fail 2 "KEY is one of x, shape, label, label_name, id" -- tp export tfrecord $M -o t --key y=z
expect_fail 2 "FORMAT" -- tp export parquet $M -o t
expect_fail 1 "^tinyprep export: empty.jsonl: no samples$" -- sh -c ": >empty.jsonl; $TINYPREP export hdf5 empty.jsonl -o e.h5"
[ -e t ] && fail "t was made by a refused command"
ls -a | grep -q '\.tmp-' && fail "temporary files left"
echo "export_errors: ok"
