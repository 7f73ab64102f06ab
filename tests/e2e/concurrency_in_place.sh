# `label --in-place` and `split --in-place` replace a dataset's samples.jsonl (and label rewrites
# dataset.json): they hold the dataset's lock from the first read to the rename, so a line that
# a capture or import appends meanwhile is never lost.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

tp import --pattern '{label}_{group}_{take}.wav' "$TEST_DATA/fsdd" --into ds >/dev/null 2>&1
lines=$(wc -l <ds/samples.jsonl)

# hold_lock DIR SECONDS: holds DIR/.lock for SECONDS (as every dataset writer takes it), then
# appends one copy of the last line under a new id, as an import would; prints "held" once
# the lock is taken.
hold_lock() {
  "$PY" - "$1" "$2" <<'PYEOF'
import fcntl, json, os, sys, time
d, seconds = sys.argv[1], float(sys.argv[2])
with open(os.path.join(d, ".lock"), "a+") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    print("held", flush=True)
    time.sleep(seconds)
    manifest = os.path.join(d, "samples.jsonl")
    last = json.loads(open(manifest, encoding="utf-8").read().splitlines()[-1])
    last["id"] = "appended-" + str(os.getpid())
    with open(manifest, "a", encoding="utf-8") as f:
        f.write(json.dumps(last) + "\n")
PYEOF
}

# run_against_lock NAME COMMAND...: COMMAND starts while another writer holds the lock; it must
# wait for it (not finish while the lock is held) and keep the line that writer appended.
run_against_lock() {
  local name=$1
  shift
  hold_lock ds 1.5 >"$name.held" &
  local holder=$!
  for _ in $(seq 100); do grep -q held "$name.held" 2>/dev/null && break; sleep 0.05; done
  grep -q held "$name.held" || fail "$name: the lock holder did not start"
  local before
  before=$(sha256sum <ds/samples.jsonl)
  "$@" 2>"$name.err" &
  local pid=$!
  sleep 0.5
  kill -0 "$pid" 2>/dev/null || fail "$name finished while another writer held the dataset's lock"
  expect_eq "$(sha256sum <ds/samples.jsonl)" "$before" "$name: samples.jsonl while the lock is held"
  wait "$holder" || fail "$name: the lock holder failed"
  wait "$pid" || { cat "$name.err" >&2; fail "$name failed"; }
  lines=$((lines + 1))
  expect_eq "$(wc -l <ds/samples.jsonl)" "$lines" "$name: lines after the other writer's append"
  grep -q '"id": *"appended-' ds/samples.jsonl || fail "$name lost the appended line"
}

run_against_lock label tp label ds --map 0=zero --in-place
expect_eq "$(json_get ds/dataset.json '",".join(d["labels"])')" "zero,1,2,3,4,5,6,7,8,9" \
  "dataset.json labels after label --in-place"
grep -q '"label":"0"' ds/samples.jsonl && fail "label --in-place left a label 0"
run_against_lock split tp split ds --ratios 80,10,10 --in-place
expect_eq "$(grep -c '"split":' ds/samples.jsonl)" "$lines" "split --in-place: every line split"

# label --in-place and import --into side by side, several rounds: no imported line is lost.
mkdir more
cp "$TEST_DATA"/fsdd/*.wav more/
for round in 1 2 3; do
  tp import --label "extra$round" more --into ds -j 1 --allow-duplicates 2>"import$round.err" &
  importer=$!
  # (the import may not have added its lines yet: a label missing then is no error here)
  tp label ds --map "extra$round=new$round" --allow-missing --in-place 2>"relabel$round.err" \
    || { cat "relabel$round.err" >&2; fail "label --in-place, round $round"; }
  wait "$importer" || { cat "import$round.err" >&2; fail "import, round $round"; }
  lines=$((lines + $(ls more | wc -l)))
  expect_eq "$(wc -l <ds/samples.jsonl)" "$lines" "lines after import beside label, round $round"
done
ls -a ds | grep -q tmp && fail "temporary file left"
# (validate would report the copies imported on purpose: same content under other labels.)
"$PY" - <<'PYEOF' || fail "samples.jsonl after the rounds"
import json, os
lines = [json.loads(l) for l in open("ds/samples.jsonl", encoding="utf-8")]
assert len({l["id"] for l in lines}) == len(lines), "duplicate ids"
assert all(os.path.isfile(os.path.join("ds", l["path"])) for l in lines), "a listed file is missing"
PYEOF
