# stats and split --json (issue 12, point 23): per split, the audio duration and the groups in
# it, so a speaker leak or a lopsided split shows without a script.
source "$(dirname "$0")/lib.sh"

tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" >all.jsonl 2>/dev/null
tp split --ratios 80,10,10 --stratify all.jsonl -o split.jsonl --json >split.json 2>/dev/null
tp stats --json split.jsonl >stats.json

# Independent of tinyprep: durations (frames / rate) and groups per split from the lines.
"$PY" - split.jsonl split.json stats.json <<'PY' || fail "per-split facts differ"
import json, sys, collections
lines = [json.loads(l) for l in open(sys.argv[1])]
seconds, groups, count = collections.Counter(), collections.defaultdict(set), collections.Counter()
for d in lines:
    a = d["audio"]
    seconds[d["split"]] += a.get("duration", a["frames"] / a["sample_rate"])
    groups[d["split"]].add(d["group"])
    count[d["split"]] += 1
for name in sys.argv[2:]:
    per = json.load(open(name))["per_split"]
    assert sorted(per) == ["test", "train", "validation"], (name, sorted(per))
    for s, facts in per.items():
        assert facts["samples"] == count[s], (name, s, facts["samples"], count[s])
        assert abs(facts["seconds"] - seconds[s]) < 0.01, (name, s, facts["seconds"], seconds[s])
        assert facts["groups"] == sorted(groups[s]), (name, s, facts["groups"], groups[s])
    assert sum(len(f["groups"]) for f in per.values()) == 6, name
PY

# The stats table has a line per split: samples, duration, groups.
tp stats split.jsonl >stats.txt
grep -Eq '^train: 200 samples, [0-9]+m[0-9.]+s, 4 groups \(' stats.txt \
  || { cat stats.txt >&2; fail "no per-split line in the stats table"; }
grep -Eq '^test: 50 samples, [0-9.]+s, 1 group \([a-z]+\)$' stats.txt \
  || { cat stats.txt >&2; fail "no test line in the stats table"; }

# Without a split field: no per-split lines in the table, one "(none)" entry in the JSON.
tp stats all.jsonl >plain.txt
grep -q '^(none):' plain.txt && fail "per-split line for a manifest without splits"
expect_eq "$(tp stats --json all.jsonl | "$PY" -c 'import json,sys; print(list(json.load(sys.stdin)["per_split"]))')" \
  "['(none)']" "per_split without splits"
echo "ok"
