# split --method speech-commands gives exactly what TensorFlow's which_set() gives
# (tensorflow/examples/speech_commands/input_data.py), recomputed here by /usr/bin/python3 from
# the published definition, on Speech-Commands-style names including _nohash_ variants.
source "$(dirname "$0")/lib.sh"

# which_set_check MANIFEST VALIDATION TESTING [NAME_FIELD [ORIGINAL_FROM_ID]]: every line's split
# is which_set(<name>, VALIDATION, TESTING), <name> = the field (default path); with
# ORIGINAL_FROM_ID=1 the name is the original file name kept in the id ("<label>-<name>").
which_set_check() {
  "$PY" - "$@" <<'PY' || fail "which_set differs: $*"
import hashlib, json, os, re, sys
MAX_NUM_WAVS_PER_CLASS = 2**27 - 1

def which_set(filename, validation_percentage, testing_percentage):
    # The published rule: file name without anything from '_nohash_' on, SHA-1 as a number,
    # modulo 2**27, scaled to a percentage; validation first, then testing, else training.
    name = re.sub(r'_nohash_.*$', '', os.path.basename(filename))
    number = int(hashlib.sha1(name.encode('utf-8')).hexdigest(), 16)
    percentage = (number % (MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS)
    if percentage < validation_percentage:
        return 'validation'
    if percentage < testing_percentage + validation_percentage:
        return 'testing'
    return 'training'

path, v, t = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
field = sys.argv[4] if len(sys.argv) > 4 else "path"
from_id = len(sys.argv) > 5
ours = {'training': 'train', 'validation': 'validation', 'testing': 'test'}
seen = set()
for n, text in enumerate(open(path), 1):
    d = json.loads(text)
    name = d["id"].split("-", 1)[1] + ".wav" if from_id else d[field]
    want = ours[which_set(name, v, t)]
    seen.add(want)
    if d["split"] != want:
        sys.exit(f"{path}:{n}: {name} is {d['split']}, which_set says {want}")
if seen != {"train", "validation", "test"}:
    sys.exit(f"only {seen}: the names do not exercise every set")
PY
}

# A Speech Commands layout: word folders, <hash>_nohash_<n>.wav, a background noise folder.
mkdir -p sc/yes sc/no sc/up sc/_background_noise_
clip="$TEST_DATA/fsdd/0_george_0.wav"
names=$("$PY" -c 'import hashlib
for i in range(40):
    print(hashlib.md5(str(i).encode()).hexdigest()[:8])')
i=0
for h in $names; do
  word=$(echo yes no up | cut -d' ' -f$((i % 3 + 1)))
  for n in $(seq 0 $((i % 3))); do cp "$clip" "sc/$word/${h}_nohash_$n.wav"; done
  i=$((i + 1))
done
for n in bobby_nohash_0 bobby_nohash_1 a_nohash_b_nohash_c Upper_nohash_0 plain noise_1000ms; do
  cp "$clip" "sc/yes/$n.wav"
done
cp "$clip" sc/_background_noise_/white_noise.wav
tp import --layout folders sc >sc.jsonl 2>/dev/null
grep -q white_noise sc.jsonl && fail "_background_noise_ imported"

# Default percentages (validation 10, testing 10), then others, decimals included.
tp split sc.jsonl --method speech-commands -o d.jsonl 2>/dev/null
which_set_check d.jsonl 10 10
tp split sc.jsonl --method speech-commands --ratios 60,15,25 -o r1.jsonl 2>/dev/null
which_set_check r1.jsonl 15 25
tp split sc.jsonl --method speech-commands --ratios 75.5,12.25,12.25 -o r2.jsonl 2>/dev/null
which_set_check r2.jsonl 12.25 12.25
# _nohash_ variants of one name share a split, in every word folder.
"$PY" - d.jsonl <<'PY' || fail "_nohash_ variants in different splits"
import collections, json, os, sys
splits = collections.defaultdict(set)
for d in map(json.loads, open(sys.argv[1])):
    base = os.path.basename(d["path"])
    if "_nohash_" in base:
        splits[base.split("_nohash_")[0]].add(d["split"])
assert len(splits) > 40 and all(len(s) == 1 for s in splits.values()), splits
assert len(set().union(*splits.values())) == 3
PY

# Names written by hand (no files needed): odd _nohash_ places, folders, UTF-8.
"$PY" - >hand.jsonl <<'PY'
import json
names = ["x_nohash_", "_nohash_.wav", "dir_nohash_1/3_theo_0.wav", "a/b/é_nohash_1.wav",
         "no_1000ms.wav", "eccbc87e_nohash_0.wav", "eccbc87e_nohash_17.wav",
         "data/left/cfcd2084_nohash_0.wav", "aab32389_nohash_0.wav", "c4ca4238_nohash_3.wav"]
for i, n in enumerate(names):
    print(json.dumps({"id": f"h{i}", "path": n, "label": "x"}, ensure_ascii=False))
PY
tp split - --method speech-commands <hand.jsonl >hand-out.jsonl 2>/dev/null
which_set_check hand-out.jsonl 10 10

# Copied into a dataset the files keep their names, so the default (the path's file name) gives
# TensorFlow's assignment; import also keeps the part before _nohash_ as the group, so
# --name-field group gives the same.
rm sc/yes/plain.wav sc/yes/noise_1000ms.wav
tp import --layout folders sc --into ds >/dev/null 2>&1
tp split ds --method speech-commands -o by-path.jsonl 2>/dev/null
which_set_check by-path.jsonl 10 10
tp split ds --method speech-commands --name-field group --in-place 2>/dev/null
which_set_check ds/samples.jsonl 10 10 group from-id
cmp -s <(grep -o '"split":"[a-z]*"' by-path.jsonl) <(grep -o '"split":"[a-z]*"' ds/samples.jsonl) ||
  fail "--name-field group and the kept file names disagree"

# The method's own errors.
expect_fail 2 "takes no --seed or --group" -- tp split sc.jsonl --method speech-commands --seed 1
expect_fail 2 "--stratify works with --method hash only" -- \
  tp split sc.jsonl --method speech-commands --stratify
echo '{"id":"a","label":"x"}' >nopath.jsonl
expect_fail 1 "nopath.jsonl:1: line has no 'path' \(--method speech-commands hashes" -- \
  tp split nopath.jsonl --method speech-commands
echo "split_speech_commands: ok"
