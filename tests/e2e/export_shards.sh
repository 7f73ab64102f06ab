# export --shard K/N, export finalize (issue 16): FSDD clips imported, split and turned into
# micro_speech features; 3 workers of `export tfrecord --shard k/3` run at once, then
# `export finalize`, give the examples of a single-process export (the multiset of (id, label,
# x bytes) per split, every record's framing and CRC32Cs checked, decoded as tf.train.Example);
# TFDS names and dataset_info.json's shard lengths and numBytes match the files. finalize
# refuses a missing worker (naming it) and workers of two different exports; a worker killed
# with SIGKILL and run again gives the same result; a finalize cut off half-way completes when
# run again. --shard 3/3, 0/0, a/b are usage errors.
source "$(dirname "$0")/lib.sh"
copy_fsdd
import_split 80,10,10
tp features --preset micro_speech -o feats split.jsonl >f.jsonl 2>/dev/null
expect_eq "$(wc -l <f.jsonl)" 300 "feature lines"

# Reads every TFRecord shard of a folder: per split the sorted (id, label, label_name, sha256 of
# x) of its records; checks TFDS names against dataset_info.json's shard lengths and numBytes.
cat >summary.py <<'PY'
import glob, hashlib, json, os, re, sys
sys.path.insert(0, os.path.join(os.environ["SOURCE_DIR"], "tests/e2e"))
from export_check import read_records, example_class
out = sys.argv[1]
cls = example_class()
info = json.load(open(os.path.join(out, "dataset_info.json")))
result = {}
for split in info["splits"]:
    name = split["name"]
    files = sorted(glob.glob(os.path.join(out, f"{info['name']}-{name}.tfrecord-*")))
    n = len(files)
    want = [f"{info['name']}-{name}.tfrecord-{i:05d}-of-{n:05d}" for i in range(n)]
    if [os.path.basename(f) for f in files] != want:
        sys.exit(f"{out}: {name}: shard names {[os.path.basename(f) for f in files]}")
    lengths, num_bytes, rows = [], 0, []
    for f in files:
        recs = list(read_records(open(f, "rb").read(), f))
        lengths.append(str(len(recs)))
        for r in recs:
            num_bytes += len(r)
            ex = cls(); ex.ParseFromString(r)
            feat = ex.features.feature
            rows.append((feat["id"].bytes_list.value[0].decode(), feat["label"].int64_list.value[0],
                         feat["label_name"].bytes_list.value[0].decode(),
                         hashlib.sha256(feat["x"].SerializeToString()).hexdigest()))
    if lengths != split["shardLengths"]:
        sys.exit(f"{out}: {name}: records per shard {lengths}, dataset_info.json says {split['shardLengths']}")
    if str(num_bytes) != split["numBytes"]:
        sys.exit(f"{out}: {name}: {num_bytes} record bytes, dataset_info.json says {split['numBytes']}")
    result[name] = sorted(rows)
tp = json.load(open(os.path.join(out, "tinyprep.json")))
for name, rows in result.items():
    if tp["splits"][name]["examples"] != len(rows):
        sys.exit(f"{out}: tinyprep.json says {tp['splits'][name]['examples']} {name} examples")
print(json.dumps(result, sort_keys=True))
PY
summary() { SOURCE_DIR="$SOURCE_DIR" "$PY" summary.py "$1"; }
final_files() { ls -A "$1" | grep -Ev '^(dataset_info|features|tinyprep)\.json$|\.labels\.txt$|\.tfrecord-[0-9]{5}-of-[0-9]{5}$' || true; }

tp export tfrecord f.jsonl -o single --name fsdd --shards 2 2>/dev/null
summary single >single.txt
"$PY" - <<'PY' || fail "the single export lacks examples"
import json
d = json.load(open("single.txt"))
assert sum(len(v) for v in d.values()) == 300, {k: len(v) for k, v in d.items()}
assert len(set(r[1] for v in d.values() for r in v)) == 10
PY

# (a) 3 workers at once, then finalize: the single export's examples.
for k in 0 1 2; do
  tp export tfrecord f.jsonl -o w3 --name fsdd --shards 2 -j 1 --shard $k/3 2>"err$k.txt" &
done
wait
for k in 0 1 2; do
  grep -q "worker $k of 3: exported" "err$k.txt" || { cat "err$k.txt"; fail "worker $k's summary"; }
  [ -f "w3/worker-$k-of-3.json" ] || fail "no worker-$k-of-3.json"
done
ls w3 | grep -q 'fsdd-train.tfrecord-w00001of00003-00000' || fail "worker shard names: $(ls w3)"
tp export finalize w3 2>fin.txt
grep -q "finalized 300 examples" fin.txt || { cat fin.txt; fail "finalize summary"; }
expect_eq "$(final_files w3)" "" "files beside the finalized export"
summary w3 >w3.txt
cmp -s single.txt w3.txt || fail "3 workers + finalize differ from the single export"
expect_eq "$(json_get w3/tinyprep.json 'd["provenance"]["export"]["workers"], d["order"]["workers"], "shard" in d')" \
  "3 3 False" "tinyprep.json of the finalized export"
expect_eq "$(json_get w3/dataset_info.json 'len(d["splits"][0]["shardLengths"])')" 6 "train shards"
# A second finalize has nothing to do.
expect_fail 1 "w3: has no worker-K-of-N.json: nothing to finalize" -- tp export finalize w3

# (b) refusals: a worker missing; workers of two different exports. Nothing is changed.
mkdir miss
for k in 0 1 3; do tp export tfrecord f.jsonl -o miss --shard $k/4 -j 1 2>/dev/null; done
before=$(ls -A miss | sort)
expect_fail 1 "miss: worker 2 of 4 has not finished: no worker-2-of-4.json" -- tp export finalize miss
expect_eq "$(ls -A miss | sort)" "$before" "files after a refused finalize"

tp export tfrecord f.jsonl -o mixname --shard 0/2 -j 1 2>/dev/null
tp export tfrecord f.jsonl -o mixname --shard 1/2 -j 1 --name other 2>/dev/null
expect_fail 1 "worker 1 of 2 and worker 0 are of two different exports: name \"other\" vs \"f\"" \
  -- tp export finalize mixname
"$PY" - <<'PY'
import json
with open("f.jsonl") as f, open("f2.jsonl", "w") as g:
    for line in f:
        d = json.loads(line)
        d["features"]["config"] = "micro_speech@000000000000"
        g.write(json.dumps(d) + "\n")
PY
tp export tfrecord f.jsonl -o mixconf --shard 0/2 -j 1 2>/dev/null
tp export tfrecord f2.jsonl -o mixconf --shard 1/2 -j 1 --name f 2>/dev/null
expect_fail 1 "two different exports: feature config" -- tp export finalize mixconf
tp export tfrecord f.jsonl -o mixn --shard 0/2 -j 1 2>/dev/null
tp export tfrecord f.jsonl -o mixn --shard 0/3 -j 1 2>/dev/null
expect_fail 1 "workers of two different exports: worker-0-of-2.json and worker-0-of-3.json" \
  -- tp export finalize mixn
# A worker that has finished is not redone without --force; nor is a finalized folder written.
expect_fail 1 "worker 0 of 3 has finished \(use --force" -- tp export tfrecord f.jsonl -o mixn --shard 0/3
expect_fail 1 "dataset_info.json: already exists" -- tp export tfrecord f.jsonl -o w3 --shard 0/3

# (c) worker 1 killed with SIGKILL half-way (held by a FIFO in place of one sample's
# features), then run again: finalize gives the same examples.
"$PY" - <<'PY'
import hashlib, json
import numpy as np
lines = [json.loads(l) for l in open("f.jsonl")]
mine = [i for i, d in enumerate(lines)
        if int.from_bytes(hashlib.sha256(d["id"].encode()).digest()[:8], "big") % 3 == 1]
i = mine[len(mine) // 2]  # past the first batches of worker 1's lines
f = lines[i]["features"]
x = np.load(f["path"], mmap_mode="r")
x = x[f["row"]] if "row" in f else x
np.save("real.npy", np.array(x))
lines[i]["features"] = {k: v for k, v in f.items() if k != "row"}
lines[i]["features"]["path"] = "held/x.npy"
open("held.jsonl", "w").writelines(json.dumps(d) + "\n" for d in lines)
PY
mkdir held
mkfifo held/x.npy
for k in 0 2; do tp export tfrecord held.jsonl -o kill --name fsdd --shards 2 --shard $k/3 2>/dev/null; done
"$TINYPREP" export tfrecord held.jsonl -o kill --name fsdd --shards 2 -j 1 --shard 1/3 2>/dev/null &
pid=$!
for _ in $(seq 100); do
  ls -A kill | grep -q '^\.fsdd-.*tmp-' && break
  sleep 0.05
done
ls -A kill | grep -q '^\.fsdd-.*tmp-' || fail "worker 1 wrote no temporary shard"
sleep 0.2
expect_fail 1 "worker 1 of 3 is still running" -- tp export finalize kill
kill -9 $pid
wait $pid 2>/dev/null || true
[ -f kill/worker-1-of-3.json ] && fail "a killed worker left its worker file"
expect_fail 1 "worker 1 of 3 has not finished" -- tp export finalize kill
rm held/x.npy
cp real.npy held/x.npy
tp export tfrecord held.jsonl -o kill --name fsdd --shards 2 -j 1 --shard 1/3 2>rerun.txt
grep -q "removed .* temporary files of an earlier, killed run" rerun.txt || { cat rerun.txt; fail "rerun note"; }
tp export finalize kill 2>/dev/null
expect_eq "$(ls -A kill | grep -c 'tmp-' || true)" 0 "temporary files after the rerun"
summary kill >kill.txt
cmp -s single.txt kill.txt || fail "killed-and-rerun worker + finalize differ from the single export"

# A finalize cut off half-way (a folder in place of the 4th train shard makes its rename
# fail) is completed by the next run, from its plan.
mkdir cut
for k in 0 1 2; do tp export tfrecord f.jsonl -o cut --name fsdd --shards 2 -j 1 --shard $k/3 2>/dev/null; done
mkdir cut/fsdd-train.tfrecord-00003-of-00006
expect_fail 1 "cannot rename" -- tp export finalize cut
[ -f cut/.finalize-plan.json ] || fail "no plan after a finalize cut off"
[ -f cut/fsdd-train.tfrecord-00000-of-00006 ] || fail "the cut-off finalize renamed nothing"
rmdir cut/fsdd-train.tfrecord-00003-of-00006
tp export finalize cut 2>cut.txt
grep -q "completing the finalize" cut.txt || { cat cut.txt; fail "no 'completing' note"; }
expect_eq "$(final_files cut)" "" "files beside the completed finalize"
summary cut >cut.json
cmp -s single.txt cut.json || fail "a completed finalize differs from the single export"

# A single-process export does not write over workers' files without --force.
expect_fail 1 "worker-0-of-[23].json: is a worker.s of a sharded export" -- tp export tfrecord f.jsonl -o mixn

# (f) bad --shard values.
for bad in 3/3 0/0 a/b; do
  expect_fail 2 "--shard" -- tp export tfrecord f.jsonl -o bad --shard $bad
  expect_fail 2 "--shard" -- tp export hdf5 f.jsonl -o bad.h5 --shard $bad
done
expect_fail 2 "finalize takes no --shard" -- tp export finalize w3 --shard 0/3
echo ok
