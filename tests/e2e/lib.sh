# Shared setup for the end-to-end tests. Each test is a bash script that sources this file,
# runs the real tinyprep binary ($TINYPREP) in a fresh temporary folder ($WORK) on copies of
# tests/data ($TEST_DATA), and fails on the first unmet expectation.
set -euo pipefail
: "${TINYPREP:?set TINYPREP to the tinyprep binary}"
: "${TEST_DATA:?set TEST_DATA to tests/data of the repository}"
PY=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tinyprep-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

tp() { "$TINYPREP" "$@"; }

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_fail CODE PATTERN -- command...: the command must exit with CODE and print a line
# matching PATTERN (grep -E) on stderr.
expect_fail() {
  local code=$1 pattern=$2
  shift 3
  local rc=0
  "$@" >"$WORK/.out" 2>"$WORK/.err" || rc=$?
  [ "$rc" = "$code" ] || { cat "$WORK/.err" >&2; fail "expected exit $code, got $rc: $*"; }
  grep -Eq -- "$pattern" "$WORK/.err" || { cat "$WORK/.err" >&2; fail "stderr lacks /$pattern/: $*"; }
}

# expect_eq ACTUAL EXPECTED MESSAGE
expect_eq() {
  [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

# json_get FILE EXPR: evaluates a Python expression on the JSON document `d` read from FILE.
json_get() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# Copies n FSDD clips (or all) into ./fsdd.
copy_fsdd() {
  mkdir -p fsdd
  cp "$TEST_DATA"/fsdd/*.wav fsdd/
}

# import_split RATIOS: the clips in fsdd/ imported (label, speaker as group, take) into
# all.jsonl and split by RATIOS (e.g. 80,10,10) into split.jsonl.
import_split() {
  tp import --pattern '{label}_{group}_{take}.wav' fsdd >all.jsonl 2>/dev/null || fail "import fsdd"
  tp split --ratios "$1" all.jsonl -o split.jsonl 2>/dev/null || fail "split $1"
}
