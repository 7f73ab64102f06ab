# Names and paths that would lead out of the output or the dataset, and lines nested too deep:
# every command refuses them with an error naming the line, writes nothing outside -o, and
# leaves no temporary file behind.
source "$(dirname "$0")/lib.sh"
no_temps() { ! find . -name '.*.tmp-*' | grep -q . || fail "temporary files left: $(find . -name '.*.tmp-*')"; }

# A dataset of two one-second clips with raw media inside it (and a third outside it).
tp init ds --labels 0,1 >/dev/null 2>&1
mkdir -p ds/data/0 outside
cp "$TEST_DATA"/kws_tflm/yes_1000ms.wav ds/data/0/0_george_0.wav
cp "$TEST_DATA"/kws_tflm/no_1000ms.wav ds/data/0/0_george_1.wav
cp "$TEST_DATA"/kws_tflm/no_1000ms.wav outside/x.wav
cat >ds/samples.jsonl <<'EOF'
{"id":"a","path":"data/0/0_george_0.wav","label":"0","split":"train"}
{"id":"b","path":"data/0/0_george_1.wav","label":"0","split":"test"}
EOF
cp ds/samples.jsonl good.jsonl
sed 's#"data/#"ds/data/#' good.jsonl >top.jsonl  # the same lines, relative to this folder
tp export tfrecord ds -o ok >/dev/null 2>&1 || fail "export of a clean dataset"

# 11. Names that become part of file names: the dataset's name, --name, --key label, a split.
"$PY" -c "
import json; d = json.load(open('ds/dataset.json')); d['name'] = '../PWNED'
json.dump(d, open('ds/dataset.json', 'w'))"
expect_fail 1 "^tinyprep export: .*ds/dataset.json: dataset name '../PWNED' contains '/'$" -- \
  tp export tfrecord ds -o t1
"$PY" -c "
import json; d = json.load(open('ds/dataset.json')); d['name'] = 'digits'
json.dump(d, open('ds/dataset.json', 'w'))"
expect_fail 2 "^tinyprep export: --name '../x' contains '/'$" -- tp export tfrecord ds -o t2 --name ../x
expect_fail 2 "^tinyprep export: --key label '../../k' contains '/'$" -- \
  tp export tfrecord ds -o t3 --key label=../../k
expect_fail 2 "--name '\.\.' is not allowed" -- tp export tfrecord ds -o t4 --name ..
echo '{"id":"c","path":"data/0/0_george_0.wav","label":"0","split":"../../evil"}' >>ds/samples.jsonl
expect_fail 1 "^tinyprep export: .*ds/samples.jsonl:3: split '../../evil' contains '/'$" -- \
  tp export tfrecord ds -o t5
expect_fail 1 "samples.jsonl:3: split '../../evil' contains '/'$" -- tp export hdf5 ds -o t5.h5
if ls -A "$WORK" "$WORK/.." | grep -Eq 'PWNED|k\.labels\.txt|evil'; then fail "files written outside -o"; fi
if ls -A t1 t2 t3 t4 2>/dev/null | grep -q tfrecord; then fail "shards written by a refused export"; fi
if [ -e t5.h5 ]; then fail "t5.h5 written by a refused export"; fi
cp good.jsonl ds/samples.jsonl

# 12. Media outside the dataset: "..", an absolute path, a symbolic link to a file or a folder
# outside. Refused by every command reading the dataset, unless --allow-outside.
ln -s /etc/passwd ds/data/0/passwd.csv
ln -s "$WORK/outside" ds/data/linked
ln -s 0_george_0.wav ds/data/0/inside.wav  # a link that stays inside is fine
cases=(
  "../outside/x.wav|../outside/x.wav"
  "$WORK/outside/x.wav|$WORK/outside/x.wav"
  "data/0/passwd.csv|data/0/passwd.csv"
  "data/linked/x.wav|data/linked/x.wav"
  "data/0/../../../outside/x.wav|data/0/../../../outside/x.wav"
)
for c in "${cases[@]}"; do
  path=${c%%|*}
  cp good.jsonl ds/samples.jsonl
  echo "{\"id\":\"out\",\"path\":\"$path\",\"label\":\"1\",\"split\":\"train\"}" >>ds/samples.jsonl
  msg="ds/samples.jsonl:3: path '${c#*|}' escapes the dataset folder \(--allow-outside accepts it\)$"
  expect_fail 1 "^tinyprep export: $msg" -- tp export hdf5 ds -o o.h5
  expect_fail 1 "^tinyprep split: $msg" -- tp split --ratios 80,10,10 ds -o s.jsonl
  expect_fail 1 "^tinyprep label: $msg" -- tp label --set 1 ds -o l.jsonl
  expect_fail 1 "^tinyprep split: $msg" -- tp split --ratios 80,10,10 --in-place ds
  expect_fail 1 "$(printf '%s' "${c#*|}" | sed 's/[.]/\\./g'): path escapes the dataset folder" -- tp validate ds
  if grep -q "root:" .err; then fail "a line of /etc/passwd in an error message"; fi
  if [ -e o.h5 ] || [ -e s.jsonl ] || [ -e l.jsonl ]; then fail "output written for $path"; fi
  no_temps
done
# The same line through a pipe or a plain manifest file is the user's own choice.
cp good.jsonl ds/samples.jsonl
echo '{"id":"out","path":"../outside/x.wav","label":"1","split":"train"}' >>ds/samples.jsonl
tp split --ratios 80,10,10 ds -o s.jsonl --allow-outside 2>/dev/null
tp label --set 1 ds -o l.jsonl --allow-outside 2>/dev/null
tp export hdf5 ds -o o.h5 --allow-outside 2>/dev/null
expect_eq "$($PY -c "import h5py; f = h5py.File('o.h5'); print(sum(len(f[s]['id']) for s in ('train', 'test')))")" 3 \
  "samples exported with --allow-outside"
tp split --ratios 80,10,10 - <ds/samples.jsonl >/dev/null 2>&1 || fail "a pipe has no dataset folder"
# A symbolic link inside the dataset to a file inside it is fine.
cp good.jsonl ds/samples.jsonl
echo '{"id":"in","path":"data/0/inside.wav","label":"0","split":"train"}' >>ds/samples.jsonl
tp export tfrecord ds -o in 2>/dev/null || fail "a link inside the dataset was refused"
# Error messages quote at most a short, escaped excerpt of what they read.
"$PY" -c "
import sys; sys.stdout.write('{\"id\":\"x\",\"f\":\"' + 'root:x:0:0:root:/root:/bin/bash' * 20 + '\x01\"}\n')" >long.jsonl
expect_fail 1 "^tinyprep split: long.jsonl:1: not JSON: .*last read: '\"root:x:0:0:root:/root:/bin/bash.{0,12}'\.\.\.$" -- \
  tp split --ratios 80,10,10 long.jsonl
[ "$(wc -c <.err)" -lt 300 ] || fail "error message of $(wc -c <.err) bytes"

# 10. An unknown field with 100,000 nested arrays: an error naming the line, not a crash, and
# no temporary file of -o left.
cp top.jsonl deep.jsonl
"$PY" -c "
import sys; sys.stdout.write('{\"id\":\"deep\",\"path\":\"x.wav\",\"junk\":' + '[' * 100000 + ']' * 100000 + '}\n')" >>deep.jsonl
deep="deep.jsonl:3: arrays and objects nested more than 512 levels deep$"
expect_fail 1 "^tinyprep split: $deep" -- tp split --ratios 80,10,10 deep.jsonl -o split.jsonl
expect_fail 1 "^tinyprep split: $deep" -- tp split --ratios 80,10,10 --stratify deep.jsonl -o split.jsonl
expect_fail 1 "^tinyprep label: $deep" -- tp label --set 1 deep.jsonl -o label.jsonl
expect_fail 1 "^tinyprep features: $deep" -- tp features --preset micro_speech -o feats deep.jsonl -O f.jsonl
expect_fail 1 "^tinyprep export: $deep" -- tp export tfrecord deep.jsonl -o deep_tf
expect_fail 1 "^tinyprep validate: $deep" -- tp validate deep.jsonl
if [ -e split.jsonl ] || [ -e label.jsonl ] || [ -e f.jsonl ]; then fail "an output of a failed command"; fi
no_temps
# 512 levels are still read (and written back unchanged).
cp top.jsonl ok.jsonl
"$PY" -c "
import sys; sys.stdout.write('{\"id\":\"deep\",\"path\":\"x.wav\",\"junk\":' + '[' * 511 + ']' * 511 + '}\n')" >>ok.jsonl
tp label --set 1 ok.jsonl -o relabelled.jsonl 2>/dev/null
"$PY" -c "
import json; l = [json.loads(x) for x in open('relabelled.jsonl')][2]['junk']
n = 0
while l: l = l[0]; n += 1
assert n == 510, n"
# The same limit for dataset.json.
"$PY" -c "print('{\"name\":\"x\",\"junk\":' + '[' * 100000 + ']' * 100000 + '}')" >ds/dataset.json
expect_fail 1 "^tinyprep export: .*ds/dataset.json: arrays and objects nested more than 512 levels deep$" -- \
  tp export tfrecord ds -o t6
no_temps
echo "escape: ok"
