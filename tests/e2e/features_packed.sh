# features --layout packed (the default, issue 16): rows of stacked parts part-<K>-<seq>.npy
# that np.load(mmap_mode='r') reads, equal row for row to the per-sample files of --layout files;
# parts byte-identical whatever -j; --part-mb bounds each part; a grown manifest only adds new
# parts; a run killed with SIGKILL leaves finished parts that the next run reuses; two workers of
# --shard K/N writing into one folder at once give every line once, with the values of one run;
# validate passes and export hdf5 equals that of the files layout.
source "$(dirname "$0")/lib.sh"
copy_fsdd
tp import --pattern '{label}_{group}_{take}.wav' fsdd > fsdd.jsonl 2>/dev/null
N=$(wc -l < fsdd.jsonl)

# values.py A.jsonl B.jsonl: every line of B has the features of the line of A with its id (the
# same dtype, shape and bytes), and B has each id of A once. Reads rows with mmap_mode='r'.
cat > values.py <<'PY'
import json, sys
import numpy as np
def load(manifest):
    out = {}
    for line in open(manifest):
        s = json.loads(line)
        f = s["features"]
        if "row" in f:
            part = np.load(f["path"], mmap_mode="r")
            assert part.shape[1:] == tuple(f["shape"]), (f, part.shape)
            a = np.asarray(part[f["row"]])
        else:
            a = np.load(f["path"])
        assert list(a.shape) == f["shape"] and str(a.dtype) == f["dtype"], (f, a.shape, a.dtype)
        assert s["id"] not in out, "twice: " + s["id"]
        out[s["id"]] = a
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
assert sorted(a) == sorted(b), (len(a), len(b))
for k in a:
    assert a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes(), k
PY
parts() { ls "$1" 2>/dev/null | grep -E '^part-[0-9]+-[0-9]{6}\.npy$' || true; }
temps() { ls -a "$1" 2>/dev/null | grep -c '\.tmp-' || true; }

# (a) packed (the default) against files, at a fixed length and at each clip's own length (many
# shapes: one part per shape, never two shapes in one part).
tp features --preset micro_speech -o packed fsdd.jsonl > p.jsonl 2>/dev/null
tp features --preset micro_speech --layout files -o files fsdd.jsonl > f.jsonl 2>/dev/null
"$PY" values.py f.jsonl p.jsonl
"$PY" - <<'PY'
import json, re
import numpy as np
for line in open("p.jsonl"):
    f = json.loads(line)["features"]
    assert re.fullmatch(r"packed/part-0-\d{6}\.npy", f["path"]) and isinstance(f["row"], int), f
    assert list(f) == ["path", "row", "shape", "dtype", "config"], list(f)
for line in open("f.jsonl"):
    assert "row" not in json.loads(line)["features"]
# A part holds what np.save writes for the stack of its rows.
prow = [json.loads(l)["features"] for l in open("p.jsonl")]
frow = [json.loads(l)["features"] for l in open("f.jsonl")]
part = prow[0]["path"]
members = sorted((p["row"], f["path"]) for p, f in zip(prow, frow) if p["path"] == part)
assert [r for r, _ in members] == list(range(len(members))), members
np.save("stack.npy", np.stack([np.load(f) for _, f in members]))
assert open("stack.npy", "rb").read() == open(part, "rb").read(), "part differs from np.save"
# made_by: the command and the version; not part of the configuration.
c = json.load(open("packed/config.json"))
assert c["made_by"]["command"][:3] == ["tinyprep", "features", "--preset"], c["made_by"]
assert re.fullmatch(r"\d+\.\d+\.\d+.*", c["made_by"]["tinyprep_version"]), c["made_by"]
PY
tp features --preset micro_speech --length-ms 0 -o packed0 fsdd.jsonl > p0.jsonl 2>/dev/null
tp features --preset micro_speech --length-ms 0 --layout files -o files0 fsdd.jsonl > f0.jsonl \
  2>/dev/null
"$PY" values.py f0.jsonl p0.jsonl
shapes=$("$PY" -c "import json; print(len({str(json.loads(l)['features']['shape']) for l in open('p0.jsonl')}))")
[ "$shapes" -gt 16 ] || fail "only $shapes shapes at --length-ms 0 (the test wants more than the open parts)"
expect_eq "$(parts packed0 | wc -l)" "$(sort -u <(grep -o '"path":"packed0/[^"]*"' p0.jsonl) | wc -l)" \
  "parts at --length-ms 0 (each named by a line)"

# validate passes on packed output; export hdf5 from packed equals export from files.
tp validate p.jsonl 2>/dev/null || fail "validate fails on the packed layout"
tp export hdf5 p.jsonl -o p.h5 2>/dev/null
tp export hdf5 f.jsonl -o f.h5 2>/dev/null
"$PY" - <<'PY'
import h5py, numpy as np
a, b = h5py.File("p.h5"), h5py.File("f.h5")
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
assert "all/x" in names, names
for n in names:
    assert np.array_equal(a[n][()], b[n][()]), n
PY

# (b) -j1 and -j2 give byte-identical parts and manifests; (c) --part-mb 0.03 (31457 bytes) gives
# several parts, none larger.
tp features --preset micro_speech --part-mb 0.03 -j1 -o j1 fsdd.jsonl > j1.jsonl 2>/dev/null
tp features --preset micro_speech --part-mb 0.03 -j2 -o j2 fsdd.jsonl > j2.jsonl 2>/dev/null
expect_eq "$(parts j1)" "$(parts j2)" "part names at -j1 and -j2"
for p in $(parts j1); do cmp -s "j1/$p" "j2/$p" || fail "$p differs between -j1 and -j2"; done
cmp <(sed 's#"j1/#"X/#g' j1.jsonl) <(sed 's#"j2/#"X/#g' j2.jsonl) || fail "manifests differ with -j"
[ "$(parts j1 | wc -l)" -ge 10 ] || fail "--part-mb 0.03 gave only $(parts j1 | wc -l) parts"
for p in $(parts j1); do
  [ "$(stat -c %s "j1/$p")" -le 31457 ] || fail "$p is larger than --part-mb 0.03"
done
"$PY" values.py f.jsonl j1.jsonl

# (d) a grown manifest: the first run's parts stay as they were, the new samples go into new
# parts, the old lines point at their old rows.
head -n 150 fsdd.jsonl > half.jsonl
tp features --preset micro_speech --part-mb 0.05 -o grow half.jsonl > g1.jsonl 2>/dev/null
(cd grow && sha256sum part-*.npy) > before.sha
tp features --preset micro_speech --part-mb 0.05 -o grow fsdd.jsonl > g2.jsonl 2>err
grep -q "computed $((N - 150)), skipped 150 already in grow" err || fail "not incremental: $(cat err)"
(cd grow && sha256sum -c --quiet ../before.sha) || fail "the grown run changed an old part"
cmp <(head -n 150 g2.jsonl) g1.jsonl || fail "old lines do not point at their old rows"
if tail -n +151 g2.jsonl | grep -qFf <(awk '{print "grow/" $2 "\""}' before.sha); then
  fail "new samples were written into an old part"
fi
"$PY" values.py f.jsonl g2.jsonl

# (e) SIGKILL half-way: 2,400 lines; the first chunk (2,048 lines) is computed and its full parts
# renamed into place, then the run waits for more input and is killed there.
"$PY" - <<'PY'
import json
lines = [json.loads(l) for l in open("fsdd.jsonl")]
with open("big.jsonl", "w") as f:
    for k in range(8):
        for s in lines:
            f.write(json.dumps(dict(s, id=f"{s['id']}-{k}")) + "\n")
PY
mkfifo fifo
(head -n 2100 big.jsonl; exec sleep 60) > fifo &
writer=$!
"$TINYPREP" features --preset micro_speech --part-mb 0.1 -o killed - -O k.jsonl < fifo 2>/dev/null &
pid=$!
for _ in $(seq 3000); do
  [ "$(parts killed | wc -l)" -gt 0 ] && [ "$(temps killed)" -gt 0 ] && break
  kill -0 $pid 2>/dev/null || fail "the run ended before it was killed"
  sleep 0.01
done
sleep 0.2  # every rename of the chunk done (the run is waiting for input)
kill -9 $pid
wait $pid 2>/dev/null || true
kill $writer
wait $writer 2>/dev/null || true
[ "$(parts killed | wc -l)" -ge 30 ] || fail "only $(parts killed | wc -l) finished parts"
[ "$(temps killed)" -gt 0 ] || fail "no unfinished part when killed"
[ ! -e k.jsonl ] || fail "a killed run left its manifest"
"$PY" - <<'PY'
import glob
import numpy as np
for p in glob.glob("killed/part-*.npy"):  # finished parts are whole
    a = np.load(p, mmap_mode="r")
    assert a.shape[1:] == (49, 40) and a.shape[0] > 0, (p, a.shape)
    np.asarray(a[-1])
PY
(cd killed && sha256sum part-*.npy) > killed.sha
tp features --preset micro_speech --part-mb 0.1 -o killed big.jsonl > k.jsonl 2>err
grep -Eq "killed: removed [0-9]+ temporary files? of an earlier, killed run" err ||
  fail "no note of the cleanup: $(cat err)"
expect_eq "$(temps killed)" 0 "temporary files after the resumed run"
(cd killed && sha256sum -c --quiet ../killed.sha) || fail "the resumed run changed a finished part"
tp features --preset micro_speech --part-mb 0.1 -o clean big.jsonl > c.jsonl 2>/dev/null
"$PY" values.py c.jsonl k.jsonl
"$PY" - <<'PY'
import json
import numpy as np
# Every row of every finished part is used by the resumed run's manifest (none recomputed).
used = {(json.loads(l)["features"]["path"], json.loads(l)["features"]["row"]) for l in open("k.jsonl")}
for line in open("killed.sha"):
    p = "killed/" + line.split()[1]
    for r in range(np.load(p, mmap_mode="r").shape[0]):
        assert (p, r) in used, (p, r)
PY

# A part deleted behind the folder's back: its rows are recomputed into a new part.
gone=$(head -n 1 killed.sha | awk '{print $2}')
rows=$(grep -c "\"killed/$gone\"" k.jsonl)
[ "$rows" -gt 0 ] || fail "no line names $gone"
rm "killed/$gone"
tp features --preset micro_speech --part-mb 0.1 -o killed big.jsonl > k2.jsonl 2>err
grep -q "computed $rows, skipped $((2400 - rows))" err || fail "deleted part: $(cat err)"
! grep -q "\"killed/$gone\"" k2.jsonl || fail "a line still names the deleted part"
"$PY" values.py c.jsonl k2.jsonl

# Ctrl-C while waiting for input: exit 130, no manifest, no temporaries, finished parts kept.
(head -n 2100 big.jsonl; exec sleep 60) > fifo &
writer=$!
"$TINYPREP" features --preset micro_speech --part-mb 0.1 -o int - -O i.jsonl < fifo 2>err &
pid=$!
for _ in $(seq 3000); do
  [ "$(parts int | wc -l)" -gt 0 ] && [ "$(temps int)" -gt 0 ] && break
  kill -0 $pid 2>/dev/null || fail "the run ended before Ctrl-C"
  sleep 0.01
done
sleep 0.2
kill -INT $pid
rc=0
wait $pid || rc=$?
kill $writer
wait $writer 2>/dev/null || true
expect_eq "$rc" 130 "exit code after Ctrl-C"
expect_eq "$(temps int)" 0 "temporary files after Ctrl-C"
[ ! -e i.jsonl ] || fail "an interrupted run left its manifest"
[ "$(parts int | wc -l)" -ge 30 ] || fail "Ctrl-C removed finished parts"

# SIGKILL at random moments of successive runs into one folder: every part under a final name is
# whole after each; the run after the last kill gives the values of a clean run.
cat > whole.py <<'PY'
import glob, os, sys
import numpy as np
for p in glob.glob(sys.argv[1] + "/part-*.npy"):
    a = np.load(p, mmap_mode="r")
    assert a.shape[1:] == (49, 40) and a.shape[0] > 0, (p, a.shape)
    assert a.offset + a.nbytes == os.path.getsize(p), p
PY
RANDOM=16
for i in $(seq 8); do
  "$TINYPREP" features --preset micro_speech --part-mb 0.1 -o random big.jsonl -O r.jsonl \
    2>/dev/null &
  pid=$!
  sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  "$PY" whole.py random || fail "kill $i left a broken part under a final name"
  rm -f r.jsonl
done
tp features --preset micro_speech --part-mb 0.1 -o random big.jsonl -O r.jsonl 2>/dev/null
expect_eq "$(temps random)" 0 "temporary files after the random kills"
"$PY" values.py c.jsonl r.jsonl

# (f) two workers at once into one folder: together every line once, the values of one run.
tp features --preset micro_speech --part-mb 0.1 --shard 0/2 -o sharded big.jsonl > s0.jsonl 2>e0 &
w0=$!
tp features --preset micro_speech --part-mb 0.1 --shard 1/2 -o sharded big.jsonl > s1.jsonl 2>e1 &
w1=$!
wait $w0 || fail "worker 0 failed: $(cat e0)"
wait $w1 || fail "worker 1 failed: $(cat e1)"
[ -s s0.jsonl ] && [ -s s1.jsonl ] || fail "a worker took no lines"
cat s0.jsonl s1.jsonl > s.jsonl
"$PY" values.py c.jsonl s.jsonl
grep -q '"sharded/part-0-' s0.jsonl && ! grep -q '"sharded/part-1-' s0.jsonl ||
  fail "worker 0 wrote another worker's parts"
grep -q '"sharded/part-1-' s1.jsonl && ! grep -q '"sharded/part-0-' s1.jsonl ||
  fail "worker 1 wrote another worker's parts"
tp validate s.jsonl 2>/dev/null || fail "validate fails on the workers' manifest"
# A run without --shard afterwards finds every worker's rows.
tp features --preset micro_speech --part-mb 0.1 -o sharded big.jsonl > all.jsonl 2>err
grep -q "computed 0, skipped 2400" err || fail "the workers' rows were not found: $(cat err)"

# (g) bad --shard values are usage errors.
expect_fail 2 "K must be below N" -- tp features --preset micro_speech --shard 3/3 -o bad fsdd.jsonl
expect_fail 2 "N must be" -- tp features --preset micro_speech --shard 0/0 -o bad fsdd.jsonl
expect_fail 2 "expected K/N" -- tp features --preset micro_speech --shard a/b -o bad fsdd.jsonl
expect_fail 2 "--part-mb" -- tp features --preset micro_speech --part-mb 0 -o bad fsdd.jsonl
expect_fail 2 "--part-mb applies to --layout packed" -- \
  tp features --preset micro_speech --layout files --part-mb 1 -o bad fsdd.jsonl
[ ! -e bad ] || fail "a usage error made the folder"
echo OK
