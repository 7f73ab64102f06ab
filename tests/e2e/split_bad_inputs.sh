# split's bad inputs: each gets one clear message, the documented exit code, and no output file
# (nor a temporary one) is left behind.
source "$(dirname "$0")/lib.sh"
tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" >all.jsonl 2>/dev/null

nothing_left() {
  [ ! -e out.jsonl ] || fail "a failed split left out.jsonl"
  ls -a | grep -q '\.tmp' && fail "a failed split left a temporary file" || true
}

# Ratios: not summing to 100, negative, not three, not numbers, missing: usage errors (exit 2).
expect_fail 2 "--ratios '80,10,5': the shares sum to 95, not 100" -- \
  tp split all.jsonl --ratios 80,10,5 -o out.jsonl
expect_fail 2 "--ratios '80,30,-10': a share cannot be negative" -- \
  tp split all.jsonl --ratios 80,30,-10 -o out.jsonl
expect_fail 2 "--ratios '-10,60,50': a share cannot be negative" -- \
  tp split all.jsonl --ratios=-10,60,50 -o out.jsonl
expect_fail 2 "give three shares TRAIN,VALIDATION,TEST" -- tp split all.jsonl --ratios 90,10
expect_fail 2 "'eighty' is not a number" -- tp split all.jsonl --ratios eighty,10,10
expect_fail 2 "give --ratios TRAIN,VALIDATION,TEST" -- tp split all.jsonl
expect_fail 2 "--method: .*not in" -- tp split all.jsonl --ratios 80,10,10 --method random
nothing_left

# Options that do not go together.
expect_fail 2 "--json prints the report on stdout" -- tp split all.jsonl --ratios 80,10,10 --json
expect_fail 2 "excludes" -- tp split all.jsonl --ratios 80,10,10 --in-place -o out.jsonl
expect_fail 2 "--in-place needs a manifest file" -- tp split - --ratios 80,10,10 --in-place
expect_fail 2 "--name-field is for --method speech-commands" -- \
  tp split all.jsonl --ratios 80,10,10 --name-field group

# A line without id: named by file and line, nothing written.
{ head -2 all.jsonl; echo '{"path":"x.wav","label":"0","group":"george"}'; } >noid.jsonl
expect_fail 1 "^tinyprep split: noid.jsonl:3: line has no 'id'" -- \
  tp split noid.jsonl --ratios 80,10,10 -o out.jsonl
expect_fail 1 "noid.jsonl:3: line has no 'id'" -- \
  tp split noid.jsonl --ratios 80,10,10 --stratify -o out.jsonl
expect_fail 1 "<stdin>:3: line has no 'id'" -- sh -c "'$TINYPREP' split --ratios 80,10,10 < noid.jsonl"
nothing_left

# Not JSON, and a group that is not a string.
{ head -1 all.jsonl; echo '{"id": '; } >bad.jsonl
expect_fail 1 "bad.jsonl:2: not JSON" -- tp split bad.jsonl --ratios 80,10,10 -o out.jsonl
echo '{"id":"a","group":7}' >badgroup.jsonl
expect_fail 1 "badgroup.jsonl:1: field 'group' is not a string" -- \
  tp split badgroup.jsonl --ratios 80,10,10
nothing_left

# An empty manifest (or only blank lines), from a file or a pipe: a clear message, exit 1.
: >empty.jsonl
expect_fail 1 "empty.jsonl: has no samples: nothing to split" -- \
  tp split empty.jsonl --ratios 80,10,10 -o out.jsonl
printf '\n  \n' >blank.jsonl
expect_fail 1 "blank.jsonl: has no samples" -- tp split blank.jsonl --ratios 80,10,10
expect_fail 1 "<stdin>: has no samples" -- sh -c "'$TINYPREP' split --ratios 80,10,10 </dev/null"
nothing_left

# --keep-existing with a split name that is not ours.
{ head -1 all.jsonl; head -2 all.jsonl | tail -1 | sed 's/}$/,"split":"training"}/'; } >tf.jsonl
expect_fail 1 "tf.jsonl:2: split 'training' is not train, validation or test" -- \
  tp split tf.jsonl --ratios 80,10,10 --keep-existing -o out.jsonl
nothing_left
tp split tf.jsonl --ratios 80,10,10 -o out.jsonl 2>/dev/null || fail "without --keep-existing the split is replaced"
rm out.jsonl

# An existing output is refused unless --force, and left as it was.
echo keep >exists.jsonl
expect_fail 1 "exists.jsonl: already exists \(use --force" -- \
  tp split all.jsonl --ratios 80,10,10 -o exists.jsonl
expect_eq "$(cat exists.jsonl)" keep "refused output"
tp split all.jsonl --ratios 80,10,10 -o exists.jsonl --force 2>/dev/null
expect_eq "$(wc -l <exists.jsonl)" 300 "--force output"
echo "split_bad_inputs: ok"
