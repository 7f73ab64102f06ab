# Faults while writing a dataset (issue 10, defects 3 and 4): where audio capture stages its
# clips (never the working directory), a full disk, a read-only output folder, and SIGKILL at
# random moments of `init`, `import --into` and `capture` (nothing half-written under a final
# name; a re-run finishes with the result of an uninterrupted run).
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

MOUNTS=()
cleanup() {
  for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
# try_mount DIR OPTIONS: a fresh tmpfs on DIR; false when this machine cannot mount one.
try_mount() {
  mkdir -p "$1"
  mount -t tmpfs -o "$2" tmpfs "$1" 2>/dev/null || return 1
  MOUNTS+=("$WORK/$1")
}

# pcm N K: N distinct one-second 16 kHz mono clips (K varies the content).
pcm() {
  "$PY" -c '
import sys
n, k = int(sys.argv[1]), int(sys.argv[2])
sys.stdout.buffer.write(b"".join((((i * (k + 3 + i // 16000)) % 65536) - 32768).to_bytes(2, "little", signed=True)
                                 for i in range(n * 16000)))' "$1" "$2"
}

# check_listed DIR: samples.jsonl parses line by line, every listed file is whole (its sha256)
# and nothing else (not even a temporary file) lies under DIR/data; prints the line count.
check_listed() {
  "$PY" - "$1" <<'PYEOF' || fail "dataset $1"
import hashlib, json, os, sys
d = sys.argv[1]
lines = [json.loads(l) for l in open(os.path.join(d, "samples.jsonl"), encoding="utf-8")]
for l in lines:
    data = open(os.path.join(d, l["path"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == l["sha256"], l["path"]
found = {os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(os.path.join(d, "data")) for f in fs}
assert found == {l["path"] for l in lines}, sorted(found ^ {l["path"] for l in lines})
json.load(open(os.path.join(d, "dataset.json")))
print(len(lines))
PYEOF
}

pcm 2 0 >two.raw
pcm 30 1 >thirty.raw
clips=("$TEST_DATA"/fsdd/*.wav) # (ls | head died of SIGPIPE under pipefail now and then)
mkdir -p src && cp "${clips[@]:0:30}" src/

# --- Audio capture stages its clip inside the dataset, not under ./data (defect 3).
tp capture stdin --into ds --label yes <two.raw 2>err.txt || { cat err.txt; fail "capture"; }
[ ! -e data ] || fail "audio capture left $(find data) in the working directory"
expect_eq "$(check_listed ds)" 2 "clips kept"
# The dataset on another filesystem than the working directory.
if try_mount xdev size=4m; then
  tp capture stdin --into xdev/ds --label yes <two.raw 2>err.txt || { cat err.txt; fail "cross-device capture"; }
  grep -q "kept 2 samples of 'yes' in xdev/ds" err.txt || { cat err.txt; fail "cross-device summary"; }
  expect_eq "$(check_listed xdev/ds)" 2 "clips kept on another filesystem"
else
  echo "note: cannot mount a tmpfs here; the cross-device capture is not run" >&2
fi
# A read-only working directory.
ro_cwd=""
if try_mount rocwd ro,size=64k; then
  ro_cwd=rocwd
elif [ "$(id -u)" != 0 ]; then
  mkdir -p rocwd && chmod 555 rocwd && ro_cwd=rocwd
fi
if [ -n "$ro_cwd" ]; then
  (cd rocwd && "$TINYPREP" capture stdin --into "$WORK/dsro" --label yes <"$WORK/two.raw") 2>err.txt \
    || { cat err.txt; fail "capture from a read-only working directory"; }
  expect_eq "$(check_listed dsro)" 2 "clips kept from a read-only working directory"
fi

# --- A full disk (defect 4): the summary line comes, every kept sample is whole and listed.
if try_mount full size=400k; then
  rc=0
  tp capture stdin --into full/ds --label yes <thirty.raw 2>err.txt || rc=$?
  expect_eq "$rc" 1 "exit code of an audio capture that filled the disk"
  grep -q "No space left on device" err.txt || { cat err.txt; fail "full disk not named"; }
  kept=$(sed -n "s/.*kept \([0-9]*\) samples of 'yes' in full\/ds.*/\1/p" err.txt)
  [ -n "$kept" ] && [ "$kept" -gt 0 ] || { cat err.txt; fail "no summary line after a full disk (audio)"; }
  expect_eq "$(check_listed full/ds)" "$kept" "audio lines after a full disk"
  umount full && try_mount full size=96k
  "$PY" -c '
for g in range(3000):
    print("aX,aY,aZ" if g == 0 else "")
    print(f"{g},{g+1},{g+2}\n{g+3},{g+4},{g+5}")' >gestures.csv
  rc=0
  tp capture stdin --format csv --into full/ds --label wave <gestures.csv 2>err.txt || rc=$?
  expect_eq "$rc" 1 "exit code of a CSV capture that filled the disk"
  grep -q "No space left on device" err.txt || { cat err.txt; fail "full disk not named (csv)"; }
  kept=$(sed -n "s/.*kept \([0-9]*\) samples of 'wave' in full\/ds.*/\1/p" err.txt)
  [ -n "$kept" ] && [ "$kept" -gt 0 ] || { cat err.txt; fail "no summary line after a full disk (csv)"; }
  expect_eq "$(check_listed full/ds)" "$kept" "CSV lines after a full disk"

  # import into a dataset on a full disk: all or nothing, the dataset as it was.
  umount full && try_mount full size=300k
  tp import --label x src --into full/ds 2>/dev/null && fail "import of 30 clips fitted in 300k?"
  tp init full/ds2 >/dev/null 2>&1
  tp import --label x src/0_george_0.wav --into full/ds2 >/dev/null 2>&1 || fail "one clip"
  before=$(cat full/ds2/samples.jsonl)
  expect_fail 1 'No space left on device' -- tp import --label y src --into full/ds2
  expect_eq "$(cat full/ds2/samples.jsonl)" "$before" "manifest after an import hit a full disk"
  expect_eq "$(check_listed full/ds2)" 1 "files after an import hit a full disk"
  expect_eq "$(json_get full/ds2/dataset.json 'd["labels"]')" "['x']" "labels after a full disk"

  # init on a full disk fails naming its file; after room is made a capture (or init) works.
  umount full && try_mount full size=256k
  dd if=/dev/zero of=full/filler bs=4k 2>/dev/null || true
  expect_fail 1 'dataset.json.*No space left on device' -- tp init full/ds3
  [ ! -e full/ds3/dataset.json ] || fail "init on a full disk left dataset.json"
  rm full/filler
  tp capture stdin --into full/ds3 --label yes <two.raw 2>err.txt || { cat err.txt; fail "capture after init failed"; }
  expect_eq "$(check_listed full/ds3)" 2 "capture into what a failed init left"
else
  echo "note: cannot mount a tmpfs here; the full-disk cases are not run" >&2
fi

# --- A read-only output folder: exit 1 naming the file, the dataset as it was.
if try_mount ro size=1m; then
  tp init ro/ds >/dev/null 2>&1
  tp import --label x src/0_george_0.wav --into ro/ds >/dev/null 2>&1 || fail "import before ro"
  mount -o remount,ro ro
  before=$(cat ro/ds/samples.jsonl ro/ds/dataset.json)
  expect_fail 1 'ro/ds.*Read-only file system' -- tp import --label y src --into ro/ds
  expect_fail 1 'ro/ds.*Read-only file system' -- sh -c "\"$TINYPREP\" capture stdin --into ro/ds --label y <two.raw"
  expect_fail 1 'ro/new.*Read-only file system' -- sh -c "\"$TINYPREP\" capture stdin --into ro/new --label y <two.raw"
  expect_fail 1 'ro/new.*Read-only file system' -- tp init ro/new
  expect_fail 1 'ro/new.*Read-only file system' -- tp import --label y src --into ro/new
  expect_eq "$(cat ro/ds/samples.jsonl ro/ds/dataset.json)" "$before" "a read-only dataset changed"
else
  echo "note: cannot mount a tmpfs here; the read-only cases are not run" >&2
fi

# --- import --into copies what a symbolic link points to only with --follow-symlinks.
mkdir -p links/yes secret
echo "not a recording" >secret/key.wav
cp src/0_george_0.wav links/yes/real.wav
ln -s "$WORK/src/0_george_1.wav" links/yes/linked.wav
ln -s "$WORK/secret/key.wav" links/yes/key.wav
tp import --layout folders links --into lnk 2>err.txt || { cat err.txt; fail "import with links"; }
grep -q "is a symbolic link: skipped with 1 more (give --follow-symlinks" err.txt || { cat err.txt; fail "link warning"; }
expect_eq "$(check_listed lnk)" 1 "files imported past symbolic links"
rm links/yes/key.wav
tp import --layout folders links --into lnk2 --follow-symlinks 2>err.txt || { cat err.txt; fail "--follow-symlinks"; }
expect_eq "$(check_listed lnk2)" 2 "files imported with --follow-symlinks"
[ ! -L lnk2/data/yes/linked.wav ] || fail "the copy of a link is a link"
tp import --layout folders links >refs.jsonl 2>/dev/null || fail "import in place with links"
expect_eq "$(wc -l <refs.jsonl)" 2 "links referenced in place"

# --- SIGKILL at random moments of init, import --into and capture.
SEED=${SEED:-$RANDOM} "$PY" - <<'PYEOF' || fail "SIGKILL"
import hashlib, json, os, random, shutil, subprocess, sys, time

tp = os.environ["TINYPREP"]
seed = int(os.environ["SEED"])
rng = random.Random(seed)
print(f"kill moments from seed {seed} (SEED={seed} repeats them)", file=sys.stderr)

def state(d):
    """The lines of d, after checking nothing is half-written under a final name."""
    lines = []
    if os.path.exists(os.path.join(d, "samples.jsonl")):
        lines = [json.loads(l) for l in open(os.path.join(d, "samples.jsonl"), encoding="utf-8")]
    for l in lines:
        data = open(os.path.join(d, l["path"]), "rb").read()
        assert hashlib.sha256(data).hexdigest() == l["sha256"], (d, l["path"])
    if os.path.exists(os.path.join(d, "dataset.json")):
        json.load(open(os.path.join(d, "dataset.json")))
    return lines

def key(lines):
    return sorted((l["id"], l["path"], l["label"], l["sha256"]) for l in lines)

def final_files(d):
    return {os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(os.path.join(d, "data"))
            for f in fs if not f.startswith(".")}

def run(cmd, stdin=None):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as i:
        r = subprocess.run(cmd, stdin=i, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert r.returncode == 0, (cmd, r.stderr.decode())

def timed(cmd, stdin=None):
    t = time.monotonic()
    run(cmd, stdin)
    return time.monotonic() - t

def kill_at(cmd, delay, stdin=None):
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as i:
        p = subprocess.Popen(cmd, stdin=i, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.kill()
        p.wait()

def dataset_json(d):
    return json.load(open(os.path.join(d, "dataset.json")))

# init
args = ["init", "--name", "n", "--labels", "a,b", "--modality", "audio"]
t = timed([tp, *args, "ref_init"])

def init_json(d):
    """dataset.json's bytes with the folder's name in its history put back to ref_init's."""
    text = open(os.path.join(d, "dataset.json"), "rb").read()
    return text.replace(f"--modality audio {d}\"".encode(), b"--modality audio ref_init\"")

ref = init_json("ref_init")
assert dataset_json("ref_init")["history"][0]["command"] == "tinyprep " + " ".join(args) + " ref_init"
early = 0
for i in range(20):
    d = f"k_init{i}"
    kill_at([tp, *args, d], rng.uniform(0, 1.5 * t))
    state(d)
    if os.path.exists(os.path.join(d, "dataset.json")):
        assert init_json(d) == ref, d
        assert open(os.path.join(d, "samples.jsonl"), "rb").read() == b"", d
    else:
        early += 1
        run([tp, *args, d])
        assert init_json(d) == ref, d
print(f"init: {early} of 20 killed before dataset.json was in place", file=sys.stderr)

# import --into, into a dataset not yet made and into one with a line already
t = timed([tp, "import", "--label", "x", "src", "--into", "ref_imp", "-j", "1"])
ref = key(state("ref_imp"))
early = 0
for i in range(20):
    d = f"k_imp{i}"
    kill_at([tp, "import", "--label", "x", "src", "--into", d, "-j", "1"], rng.uniform(0, 2 * t))
    lines = state(d)
    assert len(lines) in (0, 30), (d, len(lines))
    if not lines:
        early += 1
        run([tp, "import", "--label", "x", "src", "--into", d, "-j", "1"])
    assert key(state(d)) == ref, d
    assert final_files(d) == {p for _, p, _, _ in ref}, d
    assert dataset_json(d)["labels"] == ["x"], d
print(f"import: {early} of 20 killed before its lines were in", file=sys.stderr)

# capture stdin: a killed capture keeps whole clips in order; capturing the clips it did not
# keep gives what one uninterrupted capture gives (a clip moved into place but not yet listed
# is taken up again, not duplicated).
clip = 32000
data = open("thirty.raw", "rb").read()[: 10 * clip]
open("ten.raw", "wb").write(data)
t = timed([tp, "capture", "stdin", "--into", "ref_cap", "--label", "yes"], "ten.raw")
ref_lines = state("ref_cap")
ref = key(ref_lines)
order = [l["sha256"] for l in ref_lines]
kept = []
for i in range(20):
    d = f"k_cap{i}"
    kill_at([tp, "capture", "stdin", "--into", d, "--label", "yes"], rng.uniform(0, 1.2 * t), "ten.raw")
    lines = state(d)
    k = len(lines)
    kept.append(k)
    assert [l["sha256"] for l in lines] == order[:k], d
    if k < 10:
        open(f"rest{i}.raw", "wb").write(data[k * clip :])
        run([tp, "capture", "stdin", "--into", d, "--label", "yes"], f"rest{i}.raw")
    assert key(state(d)) == ref, d
    assert final_files(d) == {p for _, p, _, _ in ref}, d
print(f"capture: clips kept when killed: {sorted(kept)}", file=sys.stderr)
PYEOF
echo ok
