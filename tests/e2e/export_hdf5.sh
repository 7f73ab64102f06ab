# export hdf5: read back with Debian's python3-h5py, every value checked against the
# manifest's arrays; features (float32, int8), raw audio, raw CSV; gzip and none; the loader runs.
source "$(dirname "$0")/lib.sh"
CHECK="$PY $SOURCE_DIR/tests/e2e/export_check.py"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d

tp export hdf5 d/feats.jsonl -o out.h5
$CHECK verify-hdf5 out.h5 d/feats.jsonl
ls -a | grep -q tmp && fail "temporary files left"
expect_eq "$("$PY" -c "import h5py; f = h5py.File('out.h5'); print(f['train/x'].chunks)")" \
  "(133, 49, 40)" "chunks of whole rows up to 1 MiB"

tp export hdf5 d/feats.jsonl -o none.h5 --compression none
$CHECK verify-hdf5 none.h5 d/feats.jsonl --compression none

"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" q --dtype int8
tp export hdf5 q/feats.jsonl -o int8.h5
$CHECK verify-hdf5 int8.h5 q/feats.jsonl
expect_eq "$("$PY" -c "import h5py; print(h5py.File('int8.h5')['test/x'].dtype)")" int8 "dtype"

# Raw audio (no features): float32 in [-1, 1] as libsndfile decodes it.
mkdir kws && cp "$TEST_DATA"/kws_tflm/*_1000ms.wav kws/
tp import --pattern '{label}_1000ms.wav' kws/ >kws.jsonl
tp export hdf5 kws.jsonl -o kws.h5 --print-loader >loader.py
$CHECK verify-hdf5 kws.h5 kws.jsonl
expect_eq "$("$PY" -c "import h5py; print(h5py.File('kws.h5')['all/x'].shape)")" "(4, 16000)" \
  "raw audio shape"

# The printed loader runs and gives the arrays.
cat >>loader.py <<'PY'
print(x_all.shape, x_all.dtype, list(y_all), labels, list(ids_all))
PY
expect_eq "$("$PY" loader.py)" \
  "(4, 16000) float32 [0, 1, 2, 3] ['no', 'noise', 'silence', 'yes'] ['no_1000ms', 'noise_1000ms', 'silence_1000ms', 'yes_1000ms']" \
  "loader output"

# Raw CSV (IMU gestures): float32 (rows, columns).
mkdir imu && cp "$TEST_DATA"/imu/tf_magic_wand_accel/*.csv imu/
tp import --pattern '{label}.csv' imu/ >imu.jsonl
tp export hdf5 imu.jsonl -o imu.h5
$CHECK verify-hdf5 imu.h5 imu.jsonl
# Raw image pixels: uint8 (height, width, channels), as the PGM files hold them.
mkdir pgm && cp "$TEST_DATA"/images/derived_96x96_gray/*.pgm pgm/
tp import --label gray pgm/ >pgm.jsonl
tp export hdf5 pgm.jsonl -o pgm.h5
$CHECK verify-hdf5 pgm.h5 pgm.jsonl
expect_eq "$("$PY" -c "import h5py; x = h5py.File('pgm.h5')['all/x']; print(x.shape, x.dtype)")" \
  "(7, 96, 96, 1) uint8" "image pixels"
# Encoded images: variable-length uint8 rows holding the PNG files (PGMs encoded as PNG).
mkdir img && cp "$TEST_DATA"/images/skimage/*.png img/ && cp pgm/*.pgm img/
tp import --label photo img/ >img.jsonl
tp export hdf5 img.jsonl -o img.h5 --image-encoding png
$CHECK verify-hdf5 img.h5 img.jsonl --image-encoding png
echo "export_hdf5: ok"
