# label (issue 12, point 6): a label named in --keep, --drop or --map that no line has is a
# typo more often than not. It is an error (exit 1, nothing written) naming the labels present,
# with "did you mean"; --allow-missing makes it a warning for scripts that mean it.
source "$(dirname "$0")/lib.sh"

tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" >all.jsonl 2>/dev/null
labels="'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'"

# The journey of the issue: a digit spelled out.
expect_fail 1 "tinyprep label: --keep 'seven': no line has this label; the labels present are $labels \(--allow-missing" \
  -- tp label all.jsonl --keep seven -o kept.jsonl
[ -e kept.jsonl ] && fail "a refused --keep wrote its output"
expect_fail 1 "--drop 'nine': no line has this label" -- tp label all.jsonl --drop nine -o d.jsonl
[ -e d.jsonl ] && fail "a refused --drop wrote its output"
expect_fail 1 "--map 'seven=7': no line has this label" -- tp label all.jsonl --map seven=7

# "did you mean": the closest present label, for each one missing, in one message.
tp label all.jsonl --map 7=seven --map 9=nine -o words.jsonl 2>/dev/null
expect_fail 1 "--keep 'sevn' \(did you mean 'seven'\?\) and --drop 'nien' \(did you mean 'nine'\?\): no line has these labels" \
  -- tp label words.jsonl --keep sevn,seven,nine --drop nien
expect_fail 1 "--map 'sevn=7' \(did you mean 'seven'\?\)" -- tp label words.jsonl --map sevn=7
# After --map, --keep names the new labels: the ones present then are listed too.
expect_fail 1 "\('0', '1', '2', '3', '4', '5', '6', 'eight', 'nine', 'seven'.* after --map" \
  -- tp label words.jsonl --map 8=eight --keep ate

# --allow-missing: a warning, and the run goes on.
tp label all.jsonl --keep 7,seven --allow-missing -o some.jsonl 2>some.err \
  || { cat some.err >&2; fail "--allow-missing still refused"; }
grep -q "warning: --keep 'seven': no line has this label" some.err \
  || { cat some.err >&2; fail "no warning with --allow-missing"; }
expect_eq "$(wc -l <some.jsonl)" 30 "lines kept with --allow-missing"
# Present labels are no error.
tp label all.jsonl --keep 7 --drop 7 -o none.jsonl 2>/dev/null || fail "labels present refused"
echo "ok"
