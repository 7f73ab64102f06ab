# Several writers into one dataset at once (issue 10, defects 1 and 2): 4 `import --into` and 4
# `capture stdin` runs side by side, into an existing dataset and into a folder not yet made, and
# 4 `init` of one folder. No line, file or label may be lost; every listed file is whole.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

# check_dataset DIR LINES LABELS: samples.jsonl parses line by line and has LINES lines with
# unique ids and paths, every listed file exists with its sha256, and dataset.json lists
# exactly the comma-separated LABELS (in any order).
check_dataset() {
  "$PY" - "$@" <<'PYEOF' || fail "dataset $1 after concurrent writers"
import hashlib, json, os, sys
d, want_lines, want_labels = sys.argv[1], int(sys.argv[2]), set(sys.argv[3].split(","))
lines = [json.loads(l) for l in open(os.path.join(d, "samples.jsonl"), encoding="utf-8")]
assert len(lines) == want_lines, f"{d}: {len(lines)} lines, expected {want_lines}"
assert len({l["id"] for l in lines}) == len(lines), f"{d}: duplicate ids"
assert len({l["path"] for l in lines}) == len(lines), f"{d}: duplicate paths"
for l in lines:
    data = open(os.path.join(d, l["path"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == l["sha256"], f"{d}: {l['path']} differs"
info = json.load(open(os.path.join(d, "dataset.json")))
assert set(info["labels"]) == want_labels, f"{d}: labels {info['labels']}, expected {want_labels}"
assert len(info["labels"]) == len(want_labels), f"{d}: labels {info['labels']}"
assert not lines or {l["label"] for l in lines} == want_labels
PYEOF
}

# Four sets of 30 clips, one per label.
for k in 0 1 2 3; do
  mkdir -p "src$k"
  ls "$TEST_DATA"/fsdd/*.wav | sed -n "$((k * 30 + 1)),$((k * 30 + 30))p" | xargs -I{} cp {} "src$k/"
done

# 4 imports at once, 3 rounds: into an existing dataset, and into a folder not yet made.
for round in 1 2 3; do
  tp init "imp$round" >/dev/null 2>&1
  pids=()
  for k in 0 1 2 3; do
    tp import --label "l$k" "src$k" --into "imp$round" -j 1 2>"imp$round.$k.err" & pids+=($!)
    tp import --label "l$k" "src$k" --into "new$round" -j 1 2>"new$round.$k.err" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || fail "an import failed: $(cat imp$round.*.err new$round.*.err)"; done
  check_dataset "imp$round" 120 l0,l1,l2,l3
  check_dataset "new$round" 120 l0,l1,l2,l3
  tp validate "new$round" >/dev/null 2>&1 || fail "validate rejects new$round"
done

# 4 captures at once (5 distinct one-second clips each), into an existing dataset and into a
# folder not yet made, 3 rounds.
for k in 0 1 2 3; do
  "$PY" -c '
import sys
k = int(sys.argv[1])
sys.stdout.buffer.write(b"".join(((i * (37 + k)) % 65536 - 32768).to_bytes(2, "little", signed=True)
                                 for i in range(5 * 16000)))' "$k" >"pcm$k.raw"
done
for round in 1 2 3; do
  tp init "cap$round" >/dev/null 2>&1
  pids=()
  for k in 0 1 2 3; do
    tp capture stdin --into "cap$round" --label "c$k" <"pcm$k.raw" 2>"cap$round.$k.err" & pids+=($!)
    tp capture stdin --into "capnew$round" --label "c$k" <"pcm$k.raw" 2>"capnew$round.$k.err" & pids+=($!)
  done
  for p in "${pids[@]}"; do
    wait "$p" || fail "a capture failed: $(cat cap$round.*.err capnew$round.*.err)"
  done
  check_dataset "cap$round" 20 c0,c1,c2,c3
  check_dataset "capnew$round" 20 c0,c1,c2,c3
  tp validate "capnew$round" >/dev/null 2>&1 || fail "validate rejects capnew$round"
done
# Nothing staged outside the datasets.
[ ! -e data ] || fail "a capture left ./data behind"

# 8 captures of one clip each into a folder not yet made, 8 rounds: a capture that starts while
# another makes the dataset and keeps its first sample must see a dataset, not "is not a dataset
# folder" (it looked for dataset.json, then found the folder no longer blank; 9 of 240 captures
# failed so before the fix).
head -c 32000 pcm0.raw >one.raw
for round in 1 2 3 4 5 6 7 8; do
  pids=()
  for k in 0 1 2 3 4 5 6 7; do
    tp capture stdin --into "race$round" --label "r$k" <one.raw 2>"race$round.$k.err" & pids+=($!)
  done
  for p in "${pids[@]}"; do
    wait "$p" || fail "a capture into race$round failed: $(cat race$round.*.err)"
  done
  check_dataset "race$round" 8 r0,r1,r2,r3,r4,r5,r6,r7
done

# Imports and captures side by side into one folder not yet made.
pids=()
for k in 0 1; do
  tp import --label "l$k" "src$k" --into mixed -j 1 2>/dev/null & pids+=($!)
  tp capture stdin --into mixed --label "c$k" <"pcm$k.raw" 2>/dev/null & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a writer of 'mixed' failed"; done
check_dataset mixed 70 l0,l1,c0,c1

# 4 inits of one folder at once: exactly one makes it, the others say it exists; the dataset
# is whole.
for round in 1 2 3; do
  pids=()
  for k in 0 1 2 3; do
    tp init "ini$round" --labels a,b 2>"ini$round.$k.err" & pids+=($!)
  done
  ok=0
  for p in "${pids[@]}"; do if wait "$p"; then ok=$((ok + 1)); fi; done
  expect_eq "$ok" 1 "inits of ini$round that succeeded"
  expect_eq "$(grep -l 'already a dataset' ini$round.*.err | wc -l)" 3 "inits refused"
  check_dataset "ini$round" 0 a,b
done
echo ok
