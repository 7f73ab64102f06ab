# Every bad input of the foundation gets a clear one-line error naming the file, exit 1 (2 for
# usage), and leaves nothing half-written.
source "$(dirname "$0")/lib.sh"
mkdir -p clips
cp "$TEST_DATA"/fsdd/0_george_*.wav clips/

# A truncated WAV: the header promises more data than the file holds.
head -c 1000 "$TEST_DATA/fsdd/1_george_0.wav" > clips/1_george_9.wav
expect_fail 1 '1_george_9.wav: truncated WAV' -- tp import --label x clips -o out.jsonl
[ ! -e out.jsonl ] || fail "a failed import left out.jsonl"
ls -a | grep -q 'out.jsonl.tmp' && fail "a failed import left a temporary file"
rm clips/1_george_9.wav

# A text file named .wav.
echo "hello, I am not audio" > clips/readme.wav
expect_fail 1 'clips/readme.wav: not a readable audio file' -- tp import --label x clips
tp init ds >/dev/null 2>&1
expect_fail 1 'readme.wav: not a readable audio file' -- tp import --label x clips --into ds
expect_eq "$(wc -c < ds/samples.jsonl)" 0 "dataset manifest after a failed import"
expect_eq "$(find ds/data -type f | wc -l)" 0 "files copied by a failed import"
rm clips/readme.wav

# A non-existent SRC.
expect_fail 1 "nowhere/: no such file or folder" -- tp import --label x nowhere/

# A label with a '/', and other labels that cannot be folder names.
expect_fail 1 "label 'a/b' contains '/'" -- tp import --label a/b clips
expect_fail 1 "label '..' is not allowed" -- tp import --label .. clips --into ds

# An output that already exists is refused unless --force.
tp import --label zero clips -o m.jsonl 2>/dev/null
expect_fail 1 'm.jsonl: already exists \(use --force' -- tp import --label zero clips -o m.jsonl
tp import --label zero clips -o m.jsonl --force 2>/dev/null || fail "--force must replace"

# A manifest line that is not JSON, and a line missing `path`: named by file and line.
{ head -1 m.jsonl; echo '{"id": "broken", '; } > notjson.jsonl
expect_fail 1 '^tinyprep validate: notjson.jsonl:2: not JSON' -- tp validate notjson.jsonl
expect_fail 1 '<stdin>:2: not JSON' -- tp stats - < notjson.jsonl
{ head -1 m.jsonl; echo '{"id":"nopath","label":"zero"}'; } > nopath.jsonl
expect_fail 1 "nopath.jsonl:2: schema: /: missing required field 'path'" -- tp validate nopath.jsonl

# Missing file, sha256 mismatch, duplicate id, same content under two labels.
"$PY" - m.jsonl <<'PY' > broken.jsonl
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
a, b, c = lines[0], lines[1], lines[2]
a2 = dict(a, id="other-label", label="one")          # same content, another label
b["sha256"] = "0" * 64                                # hash mismatch
c2 = dict(c, path="clips/gone.wav", id="gone")        # missing file
d = dict(lines[3])                                    # duplicate id
for l in (a, a2, b, c2, lines[3], d):
    print(json.dumps(l))
PY
expect_fail 1 'broken.jsonl:2: clips/0_george_0.wav: same content as line 1' -- tp validate broken.jsonl
grep -q "broken.jsonl:3: clips/0_george_1.wav: sha256 mismatch" .err || fail "sha mismatch: $(cat .err)"
grep -q "broken.jsonl:4: clips/gone.wav: no such file" .err || fail "missing file: $(cat .err)"
grep -q "broken.jsonl:6: .*duplicate id '0_george_3' (also on line 5)" .err || fail "dup id: $(cat .err)"

# All-zero audio is an error; clipping a warning.
"$PY" - <<'PY'
import struct, wave
for name, value in (("silent.wav", 0), ("clipped.wav", 32767)):
    with wave.open("clips/" + name, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
        w.writeframes(struct.pack("<h", value) * 16000)
PY
tp import --label z clips/silent.wav clips/clipped.wav > levels.jsonl 2>/dev/null
expect_fail 1 'silent.wav: all-zero audio' -- tp validate levels.jsonl
grep -q 'warning: .*clipped.wav: clipping: 16000 samples at full scale' .err || fail "clipping: $(cat .err)"

# A path that escapes the dataset folder.
tp init esc >/dev/null 2>&1
echo '{"id":"passwd","path":"../../etc/passwd","label":"x"}' > esc/samples.jsonl
expect_fail 1 'esc/samples.jsonl:1: path .* escapes the dataset folder' -- tp import --label x clips --into esc
expect_fail 1 'samples.jsonl:1: ../../etc/passwd: path escapes the dataset folder' -- tp validate esc

# An unreadable file (run as an unprivileged user: root reads everything).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  mkdir -p locked && cp clips/0_george_0.wav locked/ && chmod 000 locked/0_george_0.wav
  chmod 755 "$WORK" locked
  expect_fail 1 'locked/0_george_0.wav: .*ermission denied' -- \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$TINYPREP" import --label x locked
fi

# A full disk: stdout and a file output on a tiny filesystem; nothing under the final name.
expect_fail 1 '<stdout>: cannot write: No space left on device' -- sh -c "\"$TINYPREP\" import --label x clips > /dev/full"
mkdir -p tiny
if mount -t tmpfs -o size=8k tmpfs tiny 2>/dev/null; then
  trap 'umount "$WORK/tiny" 2>/dev/null; rm -rf "$WORK"' EXIT
  mkdir -p big && for i in $(seq 1 100); do cp "$TEST_DATA/fsdd/0_george_0.wav" "big/$i.wav"; done
  expect_fail 1 'tiny/m.jsonl: cannot write: No space left on device' -- tp import --label x big -o tiny/m.jsonl
  [ -z "$(ls -A tiny)" ] || fail "full disk left files: $(ls -A tiny)"
  tp init tiny/ds >/dev/null 2>&1
  expect_fail 1 'No space left on device' -- tp import --label x big --into tiny/ds
  expect_eq "$(find tiny/ds/data -type f | wc -l)" 0 "files left by an import that hit a full disk"
  expect_eq "$(wc -c < tiny/ds/samples.jsonl)" 0 "manifest after a full disk"
else
  echo "note: cannot mount a tmpfs here; the file-output full-disk case is not run" >&2
fi

# Usage errors exit 2; a mistyped command gets a suggestion.
expect_fail 2 "Did you mean 'import'" -- tp improt
expect_fail 2 "pattern" -- tp import --pattern '{label' clips
expect_fail 2 "unknown key 'speed'" -- tp validate --expect speed=3 m.jsonl
expect_fail 2 "--expect rate: 'fast' is not a whole number" -- tp validate --expect rate=fast m.jsonl
expect_fail 2 "--expect channels: '0' is not above 0" -- tp validate --expect channels=0 m.jsonl
expect_fail 2 "--expect length-ms: '-5' is below 0" -- tp validate --expect length-ms=-5 m.jsonl
expect_fail 2 "--expect size: ' 96' is not a whole number" -- tp validate --expect 'size=96x 96' m.jsonl
echo ok
