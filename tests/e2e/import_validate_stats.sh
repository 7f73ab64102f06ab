# import -> validate -> stats on the real FSDD clips, Speech Commands layouts, images, CSV and
# UTF-8 labels.
source "$(dirname "$0")/lib.sh"

# The issue's "done when": 300 FSDD clips, 30 per digit, validate passes.
tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" > fsdd.jsonl
expect_eq "$(wc -l < fsdd.jsonl)" 300 "lines imported"
tp validate - < fsdd.jsonl 2> validate.err || { cat validate.err; fail "validate rejected FSDD"; }
grep -q '300 samples, 0 errors' validate.err || fail "validate summary: $(cat validate.err)"
tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" | tp stats --json - > stats.json
for d in 0 1 2 3 4 5 6 7 8 9; do
  expect_eq "$(json_get stats.json "d['labels']['$d']['total']")" 30 "clips of digit $d"
done
expect_eq "$(json_get stats.json "d['groups']")" 6 "speakers"
tp stats fsdd.jsonl | grep -Eq '^0 +30 +30$' || fail "stats table lacks the row for digit 0"

# Every line carries id, path, label, group, sha256 and the audio facts.
"$PY" - fsdd.jsonl "$TEST_DATA/fsdd" <<'PY'
import hashlib, json, os, sys, wave
lines = [json.loads(l) for l in open(sys.argv[1])]
for l in lines:
    name = os.path.basename(l["path"])
    digit, speaker, take = name[:-4].split("_")
    assert l["label"] == digit and l["group"] == speaker, l
    assert l["id"] == name[:-4], l
    data = open(l["path"], "rb").read()
    assert l["sha256"] == hashlib.sha256(data).hexdigest(), l
    with wave.open(l["path"]) as w:
        assert l["audio"]["sample_rate"] == w.getframerate() == 8000
        assert l["audio"]["frames"] == w.getnframes()
        assert l["audio"]["channels"] == 1
        assert abs(l["audio"]["duration"] - w.getnframes() / 8000) < 1e-6
assert len({l["id"] for l in lines}) == 300
PY

# Paths are relative to the manifest's folder when written to a file elsewhere.
mkdir -p sub
tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" -o sub/m.jsonl
first=$(head -1 sub/m.jsonl | json_get /dev/stdin "d['path']")
# ($TEST_DATA is absolute, so its paths are too: issue 12, point 1; e2e manifest_redirect.)
(cd sub && [ -f "$first" ]) || fail "path '$first' does not work from sub/"
(cd / && "$TINYPREP" validate "$WORK/sub/m.jsonl" 2>/dev/null) || fail "validate from another cwd"

# Speech Commands layout: label folders, _background_noise_ skipped, <hash>_nohash_<n> groups.
mkdir -p sc/yes sc/no sc/_background_noise_
cp "$TEST_DATA/kws_tflm/yes_1000ms.wav" sc/yes/f2e59fea_nohash_1.wav
cp "$TEST_DATA/kws_tflm/yes_1000ms.wav" sc/yes/0a7c2a8d_nohash_0.wav
cp "$TEST_DATA/kws_tflm/no_1000ms.wav" sc/no/f9643d42_nohash_4.wav
cp "$TEST_DATA/kws_tflm/noise_1000ms.wav" sc/_background_noise_/white_noise.wav
tp import --layout folders sc > sc.jsonl
expect_eq "$(wc -l < sc.jsonl)" 3 "speech commands lines (background noise skipped)"
grep -q '"id":"yes-f2e59fea_nohash_1".*"label":"yes","group":"f2e59fea"' sc.jsonl ||
  fail "speech commands group: $(cat sc.jsonl)"
grep -q '"label":"no","group":"f9643d42"' sc.jsonl || fail "no/ label"
# Same content under one label is a warning, not an error.
tp validate sc.jsonl 2> sc.err || fail "duplicate content under one label must not fail"
grep -q 'warning: .*same content as line 2' sc.err || fail "duplicate warning: $(cat sc.err)"

# Into a dataset: files copied under data/<label>/, manifest appended, nothing overwritten.
tp init kws --labels yes,no
tp import --layout folders sc --into kws
tp import --layout folders sc --into kws 2>err.txt  # the same files again: skipped
grep -q "imported 0 files into kws, skipped 4 (3 already in the dataset: --allow-duplicates" err.txt ||
  fail "second import: $(cat err.txt)"
expect_eq "$(wc -l < kws/samples.jsonl)" 3 "dataset lines after the same import twice"
tp import --layout folders sc --into kws --allow-duplicates
expect_eq "$(wc -l < kws/samples.jsonl)" 6 "dataset lines after --allow-duplicates"
expect_eq "$(ls kws/data/yes | wc -l)" 4 "files in data/yes"
[ -f kws/data/yes/f2e59fea_nohash_1.wav ] || fail "import --into keeps the original file name"
grep -q '"id":"yes-f2e59fea_nohash_1-2","path":"data/yes/f2e59fea_nohash_1-2.wav"' kws/samples.jsonl ||
  fail "second import: $(cat kws/samples.jsonl)"
[ -f kws/data/yes/f2e59fea_nohash_1-2.wav ] || fail "second import must not overwrite"
cmp -s kws/data/no/f9643d42_nohash_4.wav "$TEST_DATA/kws_tflm/no_1000ms.wav" || fail copy
expect_eq "$(json_get kws/dataset.json "','.join(d['labels'])")" "yes,no" "dataset labels"
tp validate kws 2>/dev/null || fail "validate of the dataset folder"

# A dataset imported from the Speech Commands layout gets TensorFlow's which_set assignment.
tp split --method speech-commands --ratios 80,10,10 kws 2>/dev/null > kws-split.jsonl
"$PY" - kws-split.jsonl <<'PY'
import hashlib, json, os, re, sys
for l in map(json.loads, open(sys.argv[1])):
    name = re.sub(r"_nohash_.*$", "", os.path.basename(l["path"]))
    h = int(hashlib.sha1(name.encode()).hexdigest(), 16)
    p = (h % (2**27)) * (100.0 / (2**27 - 1))
    want = "validation" if p < 10 else "test" if p < 20 else "train"
    assert l["split"] == want, (l, want)
PY

# UTF-8 labels (Devanagari, Amharic) work everywhere.
tp import --label 'हाँ' --into local "$TEST_DATA/kws_tflm/yes_1000ms.wav"
tp import --label 'አዎ' --group s1 --into local "$TEST_DATA/kws_tflm/no_1000ms.wav"
[ -f 'local/data/हाँ/yes_1000ms.wav' ] || fail "Devanagari label folder"
tp validate local 2>/dev/null || fail "validate UTF-8 labels"
tp stats local | grep -q '^አዎ ' || fail "stats with an Amharic label: $(tp stats local)"
expect_eq "$(json_get local/dataset.json "','.join(d['labels'])")" "हाँ,አዎ" "UTF-8 label list"

# Images (PNG, JPEG, palettised BMP, PGM) and CSV gestures.
tp import --label person "$TEST_DATA/images/person_detection" > img.jsonl
expect_eq "$(wc -l < img.jsonl)" 4 "person_detection images"
grep -q '"id":"person_96x96","path":.*"image":{"width":96,"height":96,"channels":[13]}' img.jsonl ||
  fail "bmp facts: $(cat img.jsonl)"
tp validate img.jsonl 2> img.err || fail "validate images"
grep -q 'mixed image sizes' img.err || fail "mixed sizes warning: $(cat img.err)"
expect_fail 1 'image is [0-9]+x[0-9]+, expected 96x96' -- tp validate --expect size=96x96 img.jsonl
tp import --pattern '{label}.csv' "$TEST_DATA/imu/tf_magic_wand_accel" > imu.jsonl
grep -q '"label":"ring".*"csv":{"rows":128,"columns":3,"header":\["x","y","z"\]}' imu.jsonl ||
  fail "csv facts: $(cat imu.jsonl)"
tp validate imu.jsonl 2>/dev/null || fail "validate csv"

# FLAC, OGG/Vorbis and OGG/Opus through libsndfile.
mkdir -p codecs
"$PY" - "$TEST_DATA/kws_tflm/yes_1000ms.wav" <<'PY'
import sys, soundfile as sf
data, rate = sf.read(sys.argv[1], dtype="int16")
sf.write("codecs/yes.flac", data, rate, format="FLAC", subtype="PCM_16")
sf.write("codecs/yes.ogg", data, rate, format="OGG", subtype="VORBIS")
sf.write("codecs/yes.opus", data, rate, format="OGG", subtype="OPUS")
PY
tp import --label yes codecs > codecs.jsonl
grep -q '"id":"yes","path":"codecs/yes.flac".*"sample_rate":16000,"channels":1,"frames":16000,.*"format":"flac/pcm16"' codecs.jsonl ||
  fail "flac: $(cat codecs.jsonl)"
grep -q '"format":"ogg/vorbis"' codecs.jsonl || fail "vorbis: $(cat codecs.jsonl)"
grep -q '"format":"ogg/opus"' codecs.jsonl || fail "opus: $(cat codecs.jsonl)"
tp validate codecs.jsonl 2>/dev/null || fail "validate codecs"

# --json report on stdout; --expect drift on FSDD (8 kHz, short clips).
expect_fail 1 'sample rate 8000 Hz, expected 16000' -- \
  tp validate --expect rate=16000,channels=1,length-ms=1000 fsdd.jsonl
tp validate --json --expect rate=16000 fsdd.jsonl > report.json || true
expect_eq "$(json_get report.json "d['errors']")" 300 "json error count"
expect_eq "$(json_get report.json "d['problems'][0]['line']")" 1 "json problem line"
echo ok
