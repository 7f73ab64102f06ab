# The import journeys of issue 12, as a new workshop user runs them:
#  2. import --into NEWDIR/ names the dataset after the folder, and validate accepts it; a
#     dataset.json problem is one problem among the others (the samples are still checked,
#     --json still reports).
#  3. import --into run twice adds nothing the second time (skipped and counted);
#     --allow-duplicates adds them again.
#  7. a --pattern that matches no file says so once, with the count, one name and the pattern.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
copy_fsdd
n=$(ls fsdd/*.wav | wc -l)

# 2. A new dataset named after its folder, even given as "kws/" or "."
tp import --pattern '{label}_{group}_{take}.wav' fsdd/ --into kws/ 2>err.txt ||
  { cat err.txt; fail "import --into kws/"; }
expect_eq "$(json_get kws/dataset.json 'd["name"]')" kws "name of a dataset made by import --into kws/"
tp validate kws/ 2>err.txt || { cat err.txt; fail "validate rejects what import --into made"; }
mkdir here && (cd here && tp import --label zero ../fsdd/0_george_0.wav --into . 2>/dev/null) ||
  fail "import --into ."
expect_eq "$(json_get here/dataset.json 'd["name"]')" here "name of a dataset made by import --into ."

# A dataset.json problem does not end the check: the samples are still checked.
/usr/bin/python3 - <<'PYEOF'
import json
d = json.load(open("kws/dataset.json"))
d["name"] = ""
json.dump(d, open("kws/dataset.json", "w"))
PYEOF
rm kws/data/3/3_jackson_0.wav
rc=0
tp validate kws >out.txt 2>err.txt || rc=$?
expect_eq "$rc" 1 "validate exit code"
grep -q "dataset.json: schema: /name" err.txt || { cat err.txt; fail "dataset.json problem not reported"; }
grep -q "data/3/3_jackson_0.wav: no such file" err.txt ||
  { cat err.txt; fail "samples not checked after a dataset.json problem"; }
grep -q "$n samples, 2 errors" err.txt || { cat err.txt; fail "summary"; }
rc=0
tp validate --json kws >report.json 2>err.txt || rc=$?
expect_eq "$rc" 1 "validate --json exit code"
expect_eq "$(json_get report.json 'd["samples"], d["errors"], d["ok"]')" "$n 2 False" "--json report"
expect_eq "$(json_get report.json 'sorted(p["message"].split(":")[0] for p in d["problems"])')" \
  "['no such file', 'schema']" "--json problems"

# 3. Importing the same files again adds nothing, and says so.
tp import --pattern '{label}_{group}_{take}.wav' fsdd/ --into ds 2>/dev/null || fail "first import"
tp import --pattern '{label}_{group}_{take}.wav' fsdd/ --into ds 2>err.txt || { cat err.txt; fail "second import"; }
expect_eq "$(wc -l <ds/samples.jsonl)" "$n" "lines after importing the same files twice"
grep -q "imported 0 files into ds, skipped $n already in the dataset" err.txt || { cat err.txt; fail "summary of the re-run"; }
tp validate ds 2>err.txt || { cat err.txt; fail "validate after the re-run"; }
grep -q "0 warnings" err.txt || { cat err.txt; fail "duplicates after the re-run"; }
# A new file among known ones: only it is added.
cp fsdd/0_george_0.wav fsdd/0_george_extra.wav
printf 'x' >>fsdd/0_george_extra.wav
tp import --pattern '{label}_{group}_{take}.wav' fsdd/ --into ds 2>err.txt || { cat err.txt; fail "third import"; }
grep -q "imported 1 file into ds, skipped $n already in the dataset" err.txt || { cat err.txt; fail "summary with one new file"; }
expect_eq "$(wc -l <ds/samples.jsonl)" "$((n + 1))" "lines after adding one new file"
rm fsdd/0_george_extra.wav
# Same content under another name is another file (the user may mean it): added.
cp fsdd/1_george_0.wav renamed_1_george_0.wav
tp import --label 1 renamed_1_george_0.wav --into ds 2>err.txt || { cat err.txt; fail "renamed copy"; }
grep -q "imported 1 file into ds$" err.txt || { cat err.txt; fail "a renamed copy was skipped"; }
# --allow-duplicates keeps them.
tp import --pattern '{label}_{group}_{take}.wav' fsdd/ --into ds --allow-duplicates 2>err.txt ||
  { cat err.txt; fail "--allow-duplicates"; }
grep -q "imported $n files into ds$" err.txt || { cat err.txt; fail "summary with --allow-duplicates"; }
expect_eq "$(wc -l <ds/samples.jsonl)" "$((2 * n + 2))" "lines with --allow-duplicates"
tp validate ds 2>/dev/null || fail "validate after --allow-duplicates"

# 7. A pattern that matches none of the files: one message, not one per file.
expect_fail 1 "fsdd/?: --pattern '\{label\}-\{group\}\.wav' matched none of the $n media files \(e\.g\. '[0-9]_[a-z]+_[0-9]+\.wav'\)" -- \
  tp import --pattern '{label}-{group}.wav' fsdd/
expect_eq "$(wc -l <"$WORK/.err")" 1 "lines on stderr for a pattern that matches nothing"
[ ! -s "$WORK/.out" ] || fail "lines written for a pattern that matches nothing"
# Some match: one warning for the others.
tp import --pattern '{label}_{group}_1.wav' fsdd/ >some.jsonl 2>err.txt || { cat err.txt; fail "partial pattern"; }
m=$(wc -l <some.jsonl)
[ "$m" -gt 0 ] && [ "$m" -lt "$n" ] || fail "partial pattern imported $m of $n"
expect_eq "$(grep -c warning err.txt)" 1 "warnings for a pattern that matches some files"
grep -q "did not match $((n - m)) of $n media files (e.g. '.*'): skipped" err.txt || { cat err.txt; fail "partial pattern warning"; }
