# Issue 12, point 14: an export records the command chain that made it (each command's argv and
# version): dataset.json's "history" (import --into, split --in-place), the features folder's
# config.json (made_by), then the export itself; in tinyprep.json and in the HDF5 file's
# tinyprep attribute, for a dataset folder and for a manifest made from one.
source "$(dirname "$0")/lib.sh"
copy_fsdd
rm fsdd/[2-9]_*.wav
version=$(tp --version | awk '{print $2}')

tp import --pattern '{label}_{group}_{take}.wav' fsdd/ --into kws/ 2>/dev/null
tp import --pattern '{label}_{group}_{take}.wav' fsdd/ --into kws/ 2>/dev/null  # adds nothing
tp split kws --ratios 80,10,10 --stratify --seed 7 --in-place 2>/dev/null
"$PY" - "$version" <<'PY'
import json, sys
d = json.load(open("kws/dataset.json"))
h = d["history"]
cmds = [e["command"] for e in h]
assert len(h) == 2, cmds  # the second import changed nothing, so it is not recorded
assert cmds[0].startswith("tinyprep import --pattern") and "--into kws/" in cmds[0], cmds
assert cmds[1] == "tinyprep split kws --ratios 80,10,10 --stratify --seed 7 --in-place", cmds
assert all(e["tinyprep_version"] == sys.argv[1] for e in h), h
PY
tp validate kws >/dev/null 2>&1 || fail "validate rejects a dataset.json with a history"

tp features kws --preset micro_speech -o feats > f.jsonl 2>/dev/null
tp export tfrecord f.jsonl -o out 2>/dev/null
tp export hdf5 f.jsonl -o out.h5 2>/dev/null
"$PY" - "$version" <<'PY'
import json, sys, h5py
version = sys.argv[1]
for where, doc in [("tinyprep.json", json.load(open("out/tinyprep.json"))),
                   ("out.h5", json.loads(h5py.File("out.h5", "r").attrs["tinyprep_json"]))]:
    chain = doc["provenance"]["chain"]
    cmds = [e["command"] for e in chain]
    assert cmds[0].startswith("tinyprep import"), (where, cmds)
    assert cmds[1].startswith("tinyprep split kws"), (where, cmds)
    assert cmds[-1].startswith("tinyprep export ") and "f.jsonl" in cmds[-1], (where, cmds)
    assert all(e["tinyprep_version"] == version for e in chain), (where, chain)
    feats = [c for c in cmds if c.startswith("tinyprep features")]
    # the feature folder's config.json records the command that made it
    assert doc["provenance"]["features"]["made_by"]["tinyprep_version"] == version, where
    assert feats == ["tinyprep features kws --preset micro_speech -o feats"], (where, cmds)
    assert len(chain) == 4, (where, cmds)
PY
