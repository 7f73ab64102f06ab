# --shard K/N on crop, segment, augment and validate (issue 16): for each, 3 workers run at once
# into one OUTDIR, and together they give the single process's lines (as a set) and files (names
# and bytes); validate's 3 reports together are the single report. A worker re-run alone gives
# the same again (its own lock and index). --shard 3/3, 0/0 and a/b are usage errors (exit 2).
source "$(dirname "$0")/lib.sh"
IMG="$TEST_DATA/images"

# same_lines WHOLE PARTS...: the parts' lines together are the whole's, as a multiset.
same_lines() {
  local whole=$1
  shift
  [ -s "$whole" ] || fail "$whole is empty"
  for p in "$@"; do [ -s "$p" ] || fail "$p is empty: a worker got no lines"; done
  cmp <(sort "$whole") <(cat "$@" | sort) || fail "the workers' lines differ from $whole's"
}

# same_files DIR1 DIR2: the same files (path and bytes), leaving out dot files and crop's index.
same_files() {
  local list
  list() { (cd "$1" && find . -type f ! -name '.*' ! -name 'index*.jsonl' -exec sha256sum {} + | sort -k2); }
  cmp <(list "$1") <(list "$2") || fail "files in $1 and $2 differ"
  [ "$(list "$1" | wc -l)" -gt 3 ] || fail "$1 holds too few files"
}

# workers3 CMD ARGS...: runs the command as workers 0/3, 1/3, 2/3 at once; "@K" in an argument
# becomes the worker's number.
workers3() {
  local pids=() k
  for k in 0 1 2; do
    tp "${@//@K/$k}" --shard "$k/3" 2>"w$k.err" &
    pids+=($!)
  done
  for k in 0 1 2; do
    wait "${pids[$k]}" || { cat "w$k.err" >&2; fail "worker $k/3 of: $*"; }
  done
}

bad_shards() {
  for s in 3/3 0/0 a/b; do
    expect_fail 2 "--shard" -- tp "$@" --shard "$s"
  done
}

# ---- crop: 8 photos ----
mkdir -p photos/person photos/no_person
cp "$IMG/person_detection/person.jpg" "$IMG/skimage/astronaut.png" "$IMG/skimage/camera.png" \
  photos/person/
cp "$IMG/person_detection/no_person.jpg" "$IMG/person_detection/no_person_96x96.bmp" \
  "$IMG/skimage/chelsea.png" "$IMG/skimage/coffee.png" "$IMG/skimage/horse.png" photos/no_person/
tp import --layout folders photos >photos.jsonl 2>/dev/null
tp crop --preset person_detection -o crop1 photos.jsonl -O crop1.jsonl -j 1 2>/dev/null ||
  fail "crop"
workers3 crop --preset person_detection -o cropN photos.jsonl -O cropN-@K.jsonl -j 1
sed 's#crop1/#cropN/#' crop1.jsonl >crop1-renamed.jsonl
same_lines crop1-renamed.jsonl cropN-0.jsonl cropN-1.jsonl cropN-2.jsonl
same_files crop1 cropN
[ -f cropN/index.shard-1-of-3.jsonl ] || fail "crop worker 1/3 kept no index of its own"
[ ! -e cropN/index.jsonl ] || fail "a crop worker wrote the whole run's index.jsonl"
# A worker re-run alone skips what it made (its own index), whatever the others did.
tp crop --preset person_detection -o cropN photos.jsonl -O again.jsonl --shard 1/3 -j 1 2>err.txt
grep -q "wrote 0, skipped" err.txt || { cat err.txt; fail "crop worker re-run did not skip"; }
cmp again.jsonl cropN-1.jsonl || fail "crop worker re-run wrote other lines"
# Temporaries of a killed run (a pid that has ended): a worker removes those of its own files
# only, never another worker's (which may be running on another machine).
dead=$(bash -c 'echo $$')
own=$(sed -n 's/.*"path":"cropN\/\([^"]*\)".*/\1/p' cropN-1.jsonl | head -1)
other=$(sed -n 's/.*"path":"cropN\/\([^"]*\)".*/\1/p' cropN-2.jsonl | head -1)
[ -n "$own" ] && [ -n "$other" ] || fail "no crops of workers 1 and 2"
touch "cropN/.$own.tmp-$dead-1-x" "cropN/.$other.tmp-$dead-1-x"
tp crop --preset person_detection -o cropN photos.jsonl -O again.jsonl --force --shard 1/3 2>/dev/null
[ ! -e "cropN/.$own.tmp-$dead-1-x" ] || fail "crop worker 1 left its own stale temporary"
[ -e "cropN/.$other.tmp-$dead-1-x" ] || fail "crop worker 1 removed worker 2's temporary"
rm "cropN/.$other.tmp-$dead-1-x"
# A whole run after the workers finds their crops and merges their indexes into index.jsonl.
tp crop --preset person_detection -o cropN photos.jsonl -O whole.jsonl 2>err.txt
grep -q "wrote 0, skipped 8" err.txt || { cat err.txt; fail "a whole run after the workers re-cropped"; }
[ -s cropN/index.jsonl ] && ! ls cropN/index.shard-* 2>/dev/null || fail "indexes not merged"
cmp whole.jsonl <(sed 's#crop1/#cropN/#' crop1.jsonl) || fail "whole run after workers: other lines"
bad_shards crop --preset person_detection -o bad photos.jsonl -O bad.jsonl

# ---- segment: FSDD digits cut into 250 ms windows ----
mkdir fsdd
cp "$TEST_DATA"/fsdd/[0-3]_george_[0-2].wav fsdd/
tp import --pattern '{label}_{group}_{take}.wav' fsdd >fsdd.jsonl 2>/dev/null
[ "$(wc -l <fsdd.jsonl)" = 12 ] || fail "fsdd import"
tp segment --mode windows --length-ms 250 -o seg1 fsdd.jsonl -O seg1.jsonl 2>/dev/null ||
  fail "segment"
workers3 segment --mode windows --length-ms 250 -o segN fsdd.jsonl -O segN-@K.jsonl
sed 's#seg1/#segN/#' seg1.jsonl >seg1-renamed.jsonl
same_lines seg1-renamed.jsonl segN-0.jsonl segN-1.jsonl segN-2.jsonl
same_files seg1 segN
own=$(sed -n 's/.*"path":"\(segN\/[^"]*\)".*/\1/p' segN-1.jsonl | head -1)
other=$(sed -n 's/.*"path":"\(segN\/[^"]*\)".*/\1/p' segN-2.jsonl | head -1)
stale() { echo "$(dirname "$1")/.$(basename "$1").tmp-$dead-1-x"; }
touch "$(stale "$own")" "$(stale "$other")"
tp segment --mode windows --length-ms 250 -o segN fsdd.jsonl -O again.jsonl --force --shard 1/3 2>/dev/null
[ ! -e "$(stale "$own")" ] || fail "segment worker 1 left its own stale temporary"
[ -e "$(stale "$other")" ] || fail "segment worker 1 removed worker 2's temporary"
rm "$(stale "$other")"
bad_shards segment --mode windows -o bad fsdd.jsonl -O bad.jsonl

# ---- augment: the digits, 2 copies each, with noise, _silence_ clips and --unknown ----
mkdir noise
cp "$TEST_DATA/kws_tflm/noise_1000ms.wav" noise/
"$PY" - <<'PYEOF'
import json
with open("fsdd.jsonl") as f, open("train.jsonl", "w") as out:
    for i, l in enumerate(f):
        d = json.loads(l)
        d["split"] = "train" if i % 4 else "test"
        if d["label"] == "3":
            d["label"] = "_unknown_"  # --unknown keeps some, chosen on the whole manifest
        print(json.dumps(d), file=out)
PYEOF
aug=(--all --copies 2 --seed 7 --noise noise --gain-db -6:6 --time-shift-ms 50 --silence 20 --unknown 20)
tp augment train.jsonl -o aug1 -O aug1.jsonl "${aug[@]}" 2>/dev/null || fail "augment"
workers3 augment train.jsonl -o augN -O augN-@K.jsonl "${aug[@]}"
sed 's#aug1/#augN/#g' aug1.jsonl >aug1-renamed.jsonl
same_lines aug1-renamed.jsonl augN-0.jsonl augN-1.jsonl augN-2.jsonl
same_files aug1 augN
grep -q '"_silence_"' augN-0.jsonl || fail "worker 0 made no _silence_ clips"
! grep -q '"_silence_"' augN-1.jsonl augN-2.jsonl || fail "a worker other than 0 made _silence_"
bad_shards augment train.jsonl -o bad -O bad.jsonl

# ---- validate: problems of every kind, each reported once by the 3 workers together ----
cp fsdd/0_george_0.wav fsdd/copy.wav
"$PY" - <<'PYEOF'
import json
lines = [json.loads(l) for l in open("fsdd.jsonl")]
lines[1]["sha256"] = "0" * 64                       # sha256 mismatch
lines[2]["path"] = "fsdd/gone.wav"                  # missing file
lines.append(dict(lines[3]))                        # duplicate id
c = dict(lines[0]); c["id"] = "copy"; c["label"] = "9"; c["path"] = "fsdd/copy.wav"
lines.append(c)                                     # same content under another label
c = dict(lines[5]); c["id"] = "dup-same-label"
lines.append(c)                                     # same content, same label: a warning
with open("bad.jsonl", "w") as f:
    for l in lines: print(json.dumps(l), file=f)
    print("{not json", file=f)                      # an unreadable line: worker 0's
PYEOF
tp validate --json bad.jsonl >v1.json 2>/dev/null && fail "validate found nothing wrong"
for k in 0 1 2; do
  rc=0
  tp validate --json bad.jsonl --shard "$k/3" >"v$k-3.json" 2>/dev/null || rc=$?
  [ "$rc" -le 1 ] || fail "validate --shard $k/3 exit $rc"
done
"$PY" - <<'PYEOF' || fail "validate: the workers' problems differ from the whole run's"
import json
whole = json.load(open("v1.json"))
parts = [json.load(open(f"v{k}-3.json")) for k in range(3)]
key = lambda p: json.dumps(p, sort_keys=True)
w = sorted(key(p) for p in whole["problems"])
u = sorted(key(p) for d in parts for p in d["problems"])
assert len(w) >= 6, w
assert w == u, "\n".join(sorted(set(w) ^ set(u)))
assert sum(d["samples"] for d in parts) == whole["samples"], [d["samples"] for d in parts]
assert sum(1 for d in parts if d["problems"]) >= 2, "one worker had every problem"
PYEOF
bad_shards validate bad.jsonl
exit 0
