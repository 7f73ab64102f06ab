# label on FSDD: --map, --map-file, --drop, --keep, --set with --where (nested fields),
# --unknown/--wanted, --from-path, --in-place on a dataset (its label list follows), warnings,
# and the bad inputs with their messages and exit codes.
source "$(dirname "$0")/lib.sh"
tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" >all.jsonl 2>/dev/null

# count FILE: "label count" lines, sorted.
count() { "$PY" -c 'import json,sys,collections
c = collections.Counter(json.loads(l).get("label") for l in open(sys.argv[1]))
print(" ".join(f"{k}:{v}" for k, v in sorted(c.items())))' "$1"; }

# --map (repeatable) and --map-file; only the label changes, everything else passes through.
tp label all.jsonl --map 0=zero --map 1=one -o m.jsonl 2>/dev/null
expect_eq "$(count m.jsonl)" "2:30 3:30 4:30 5:30 6:30 7:30 8:30 9:30 one:30 zero:30" "--map"
"$PY" - <<'PY' || fail "fields other than label changed"
import json
for a, b in zip(open("all.jsonl"), open("m.jsonl")):
    a, b = json.loads(a), json.loads(b)
    assert list(a) == list(b) and {**a, "label": b["label"]} == b
PY
printf '# digits to words\n0,zero\n1,one\n\n2,two\n' >map.csv
tp label all.jsonl --map-file map.csv --keep zero,one,two -o mf.jsonl 2>/dev/null
expect_eq "$(count mf.jsonl)" "one:30 two:30 zero:30" "--map-file then --keep"
# A map is applied once, not chained.
tp label all.jsonl --map 0=1 --map 1=2 -o chain.jsonl 2>/dev/null
expect_eq "$(count chain.jsonl | cut -d' ' -f1-2)" "1:30 2:60" "--map is not transitive"

# --drop (repeatable, comma-separated) and --keep.
tp label all.jsonl --drop 0,1 --drop 2 -o d.jsonl 2>d.err
expect_eq "$(wc -l <d.jsonl)" 210 "--drop"
grep -q "300 lines read, 0 relabelled, 90 dropped, 210 written" d.err || fail "summary line"
tp label - --keep 7 <all.jsonl >k.jsonl 2>/dev/null
expect_eq "$(count k.jsonl)" "7:30" "--keep from a pipe"

# --set for all lines, or with --where on plain and nested fields (all must hold).
tp label all.jsonl --set spoken -o s.jsonl 2>/dev/null
expect_eq "$(count s.jsonl)" "spoken:300" "--set"
tp label all.jsonl --set quiet --where group=theo --where audio.sample_rate=8000 -o w.jsonl \
  2>/dev/null
expect_eq "$(grep -c '"label":"quiet"' w.jsonl)" 50 "--set --where"
expect_eq "$(grep '"label":"quiet"' w.jsonl | grep -vc '"group":"theo"' || true)" 0 "only theo"

# --unknown with --wanted (the speech_commands convention), then keep only the wanted words.
tp label all.jsonl --unknown _unknown_ --wanted 0,1 -o u.jsonl 2>/dev/null
expect_eq "$(count u.jsonl)" "0:30 1:30 _unknown_:240" "--unknown"

# --from-path: the label from a capture group of the path.
tp label s.jsonl --from-path 'fsdd/([0-9])_' -o fp.jsonl 2>/dev/null
expect_eq "$(count fp.jsonl)" "$(count all.jsonl)" "--from-path restores the digits"
tp label all.jsonl --from-path '_([a-z]+)_[0-9]+\.wav$' -o fps.jsonl 2>/dev/null
expect_eq "$(count fps.jsonl)" "george:50 jackson:50 lucas:50 nicolas:50 theo:50 yweweler:50" \
  "--from-path speakers"

# Warnings: a --map naming a label no line has, with --allow-missing (without it, an error: see
# label_missing.sh); a --map-file entry; --where on a field no line has; --wanted absent.
tp label all.jsonl --map 42=x --map 0=zero --allow-missing -o warn1.jsonl 2>warn1.err
grep -q "warning: --map '42=x'.*: no line has this label" warn1.err || { cat warn1.err; fail "map"; }
printf '0,zero\nten,10\n' >map2.csv
tp label all.jsonl --map-file map2.csv -o warn2.jsonl 2>warn2.err
grep -q "warning: map2.csv:2: no line has label 'ten'" warn2.err || { cat warn2.err; fail "map-file"; }
tp label all.jsonl --set x --where speaker=theo -o warn3.jsonl 2>warn3.err
grep -q "warning: --where 'speaker=theo': no line has the field 'speaker'" warn3.err \
  || { cat warn3.err; fail "--where"; }
cmp -s <(grep -o '"label":"[^"]*"' warn3.jsonl) <(grep -o '"label":"[^"]*"' all.jsonl) \
  || fail "--where on a missing field changed labels"
tp label all.jsonl --unknown _unknown_ --wanted 0,yes -o warn4.jsonl 2>warn4.err
grep -q "warning: --wanted 'yes': no line has this label" warn4.err || { cat warn4.err; fail "wanted"; }

# A dataset relabelled in place: samples.jsonl and dataset.json's label list follow.
tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" --into ds >/dev/null 2>&1
tp label ds --map 0=zero --drop 9 --in-place 2>/dev/null
expect_eq "$(count ds/samples.jsonl | cut -d' ' -f9)" "zero:30" "in place"
expect_eq "$(wc -l <ds/samples.jsonl)" 270 "in place, 9 dropped"
expect_eq "$(json_get ds/dataset.json '",".join(d["labels"])')" "zero,1,2,3,4,5,6,7,8" \
  "dataset.json labels"
ls -a ds | grep -q tmp && fail "temporary file left"
tp validate ds >/dev/null 2>&1 || fail "relabelled dataset does not validate"

# Bad inputs.
expect_fail 2 "--map 'zero': expected OLD=NEW" -- tp label all.jsonl --map zero
expect_fail 2 "--map '0=a/b'.*label 'a/b' contains '/'" -- tp label all.jsonl --map 0=a/b
expect_fail 2 "'0' is mapped to 'a' .* and to 'b'" -- tp label all.jsonl --map 0=a --map 0=b
printf '0,zero\n1;one\n' >badmap.csv
expect_fail 1 "^tinyprep label: badmap.csv:2: expected 'old,new', got '1;one'" -- \
  tp label all.jsonl --map-file badmap.csv -o out.jsonl
printf '0,zero\n1,..\n' >badmap2.csv
expect_fail 1 "badmap2.csv:2: label '..' is not allowed" -- tp label all.jsonl --map-file badmap2.csv
expect_fail 2 "--map-file: File does not exist" -- tp label all.jsonl --map-file nowhere.csv
expect_fail 1 "all.jsonl:1: path '.*0_george_0.wav' does not match --from-path 'fsdd/\(x\)'" -- \
  tp label all.jsonl --from-path 'fsdd/(x)' -o out.jsonl
expect_fail 2 "--from-path 'fsdd/x': needs a capture group" -- tp label all.jsonl --from-path fsdd/x
expect_fail 2 "--unknown LABEL and --wanted LABEL,... go together" -- tp label all.jsonl --unknown u
expect_fail 2 "--where needs --set LABEL" -- tp label all.jsonl --where group=theo
expect_fail 2 "--set.*label 'a/b'" -- tp label all.jsonl --set a/b
: >empty.jsonl
expect_fail 1 "empty.jsonl: has no samples" -- tp label empty.jsonl --map 0=zero -o out.jsonl
[ ! -e out.jsonl ] || fail "a failed label left out.jsonl"
ls -a | grep -q '\.tmp' && fail "a failed label left a temporary file"
echo "label_fsdd: ok"
