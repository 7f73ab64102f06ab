# validate on packed features (issue 16): a `features` field with "row": i names row i of a
# stacked part. Parts beside the named ones that no line names are listed (warnings, and
# "unreferenced_parts" in --json) so they can be deleted; a part truncated or deleted behind the
# manifest's back is an error on each line whose row it no longer holds, naming part and row.
source "$(dirname "$0")/lib.sh"
"$PY" "$SOURCE_DIR/tests/e2e/export_fixtures.py" fsdd-features "$TEST_DATA/fsdd" d --limit 24
mkdir d/parts
"$PY" - <<'PY'
import json, numpy as np
lines = [json.loads(l) for l in open("d/feats.jsonl")]
for l in lines:
    l["features"]["config"] = "test"  # the manifest schema's string (the fixture has an object)
open("d/feats.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
packed = []
for k in range(0, len(lines), 8):  # three parts of 8 rows
    part = f"parts/part-0-{k // 8:06d}.npy"
    np.save("d/" + part, np.stack([np.load("d/" + l["features"]["path"]) for l in lines[k:k + 8]]))
    for i, l in enumerate(lines[k:k + 8]):
        packed.append(dict(l, features=dict(l["features"], path=part, row=i)))
open("d/packed.jsonl", "w").writelines(json.dumps(l) + "\n" for l in packed)
# An old part no line names, and a file that is not a part.
np.save("d/parts/part-0-000099.npy", np.zeros((2, 49, 40), np.float32))
open("d/parts/notes.txt", "w").write("not a part\n")
PY
tp validate --json d/packed.jsonl >v.json 2>/dev/null || fail "validate of a sound packed manifest"
expect_eq "$(json_get v.json 'd["errors"]')" 0 "errors"
expect_eq "$(json_get v.json '[p.split("/")[-1] for p in d["unreferenced_parts"]]')" "['part-0-000099.npy']" "unreferenced parts"
tp validate d/packed.jsonl 2>err.txt || fail "warnings only"
grep -Eq "parts/part-0-000099.npy: feature part referenced by no line of this manifest" err.txt ||
  { cat err.txt; fail "the unreferenced part is not named"; }
# Per-sample features (no row) name no part: nothing is listed.
tp validate --json d/feats.jsonl >f.json 2>/dev/null || fail "validate of the per-sample manifest"
json_get f.json '"unreferenced_parts" not in d' | grep -q True || fail "per-sample layout lists parts"

# The second part cut short (rows 0-4 whole: lines 14-16 lose theirs), the third deleted
# (lines 17-24), and a row past a part's end.
"$PY" - <<'PY'
import json, os
p = "d/parts/part-0-000001.npy"
os.truncate(p, os.path.getsize(p) - 3 * 49 * 40 * 4)
os.remove("d/parts/part-0-000002.npy")
lines = [json.loads(l) for l in open("d/packed.jsonl")]
lines[0]["features"]["row"] = 8
open("d/packed.jsonl", "w").writelines(json.dumps(l) + "\n" for l in lines)
PY
rc=0
tp validate --json d/packed.jsonl >bad.json 2>/dev/null || rc=$?
expect_eq "$rc" 1 "exit status with broken parts"
"$PY" - <<'PY'
import json
d = json.load(open("bad.json"))
errors = {p["line"]: p for p in d["problems"] if p["severity"] == "error"}
assert sorted(errors) == [1] + list(range(14, 25)), sorted(errors)
assert errors[1]["message"] == "features: the part has 8 rows (shape (8, 49, 40)), no row 8", errors[1]
for line in (14, 15, 16):
    assert errors[line]["file"] == "parts/part-0-000001.npy"
    assert errors[line]["message"] == (
        f"features: the part is truncated: data for 5 of 8 rows, row {line - 9} is missing"), errors[line]
for line in range(17, 25):
    assert errors[line]["file"] == "parts/part-0-000002.npy"
    assert errors[line]["message"].startswith(f"features: row {line - 17} of a part that cannot be read: cannot open"), errors[line]
assert [p.split("/")[-1] for p in d["unreferenced_parts"]] == ["part-0-000099.npy"]
PY
echo ok
