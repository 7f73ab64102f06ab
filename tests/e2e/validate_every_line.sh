# validate (issue 12, point 4): a line that is not JSON is one problem among the others, not
# the end of the check: every bad line is reported, the lines after it are checked, and --json
# always prints its report (also for a manifest that cannot be opened).
source "$(dirname "$0")/lib.sh"

mkdir clips
cp "$TEST_DATA"/fsdd/0_george_0.wav "$TEST_DATA"/fsdd/1_george_0.wav clips/
tp import --pattern '{label}_{group}_{take}.wav' clips >good.jsonl 2>/dev/null
expect_eq "$(wc -l <good.jsonl)" 2 "imported clips"
{
  sed -n 1p good.jsonl
  echo '{"id": "cut short", "path": "clips/0_george_0.wav"'
  sed -n 2p good.jsonl
  echo 'not json at all'
  echo '[1, 2, 3]'
  echo '{"id":"gone","path":"clips/missing.wav","label":"0"}'
} >mixed.jsonl

# Text: one line per problem, each naming its line, and the summary counts them all.
expect_fail 1 "mixed.jsonl:2: not JSON" -- tp validate mixed.jsonl
for want in "mixed.jsonl:4: not JSON" "mixed.jsonl:5: not a JSON object" \
  "mixed.jsonl:6: clips/missing.wav: no such file" "3 samples, 4 errors"; do
  grep -qF -- "$want" .err || { cat .err >&2; fail "stderr lacks '$want'"; }
done

# --json: the same four problems on stdout, exit 1.
rc=0
tp validate --json mixed.jsonl >report.json 2>report.err || rc=$?
expect_eq "$rc" 1 "validate --json exit code"
expect_eq "$(json_get report.json 'd["ok"], d["samples"], d["errors"]')" "False 3 4" "report totals"
expect_eq "$(json_get report.json '[p["line"] for p in d["problems"]]')" "[2, 4, 5, 6]" \
  "lines of the problems"
[ -s report.err ] && { cat report.err >&2; fail "--json printed on stderr"; }

# A manifest that cannot be opened: still a report on stdout with --json.
rc=0
tp validate --json nowhere.jsonl >none.json 2>/dev/null || rc=$?
expect_eq "$rc" 1 "validate --json of a missing manifest"
expect_eq "$(json_get none.json 'd["ok"], d["errors"], d["problems"][0]["manifest"]')" \
  "False 1 nowhere.jsonl" "report of a missing manifest"

# The good lines alone are clean.
tp validate good.jsonl 2>/dev/null || fail "the good lines do not validate"
echo "ok"
