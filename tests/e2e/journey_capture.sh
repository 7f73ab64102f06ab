# The capture journeys of issue 12, as a new workshop user runs them:
#  8. capture stdin < clip.wav reads the WAV (its rate and channels), not its header as samples;
#     a WAV it cannot take is refused naming its format, raw PCM given --format wav is refused.
#  9. every capture message names the source (serial:/dev/...): workshops run several boards.
# 10. interrupted (Ctrl-C, SIGTERM) exits 130 as for every command, and still keeps and reports
#     every finished sample; --help says so.
# 11. without --rows, every gesture has the first one's length (others dropped, with a
#     warning); without a header line, columns are named from dataset.json's imu_columns.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/capture_helpers.bash"

# ---- 8. a WAV file on stdin ----
# 2.5 s at 8 kHz, stereo, with a LIST chunk before the samples and one after them.
"$PY" - <<'PYEOF'
import struct
frames = 20000
pcm = b"".join(struct.pack("<hh", (i * 37) % 30000 - 15000, -((i * 11) % 20000)) for i in range(frames))
def chunk(cid, body):
    return cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")
fmt = struct.pack("<HHIIHH", 1, 2, 8000, 8000 * 4, 4, 16)
body = b"WAVE" + chunk(b"fmt ", fmt) + chunk(b"LIST", b"INFOISFT\x05\0\0\0sox!\0") + \
       chunk(b"data", pcm) + chunk(b"LIST", b"INFOICMT\x04\0\0\0tail")
open("clip.wav", "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
# A streamed WAV (arecord, sox to a pipe): data size unknown (0xffffffff).
head = b"RIFF" + struct.pack("<I", 0xffffffff) + b"WAVE" + chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16))
open("stream.wav", "wb").write(head + b"data" + struct.pack("<I", 0xffffffff) + pcm[: 16000 * 2])
fmt24 = struct.pack("<HHIIHH", 1, 1, 16000, 48000, 3, 24)
body = b"WAVE" + chunk(b"fmt ", fmt24) + chunk(b"data", b"\0" * 48000)
open("clip24.wav", "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
PYEOF
tp capture stdin --into wav --label yes <clip.wav 2>err.txt || { cat err.txt; fail "capture stdin < clip.wav"; }
grep -q "stdin: the input is a WAV file (8000 Hz, 2 channels, 16-bit PCM)" err.txt || { cat err.txt; fail "WAV note"; }
grep -q "stdin: kept 2 samples of 'yes' in wav (the input ended, dropped 1 partial sample)" err.txt ||
  { cat err.txt; fail "WAV summary"; }
tp validate wav 2>/dev/null || fail "validate rejects the WAV capture"
"$PY" - <<'PYEOF' || fail "clips cut from a WAV"
import json, struct, wave
lines = [json.loads(l) for l in open("wav/samples.jsonl")]
assert len(lines) == 2, lines
for k, line in enumerate(lines):
    w = wave.open("wav/" + line["path"])
    assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (8000, 2, 8000), line
    first = struct.unpack("<hh", w.readframes(1))
    i = 8000 * k
    assert first == ((i * 37) % 30000 - 15000, -((i * 11) % 20000)), (k, first)
PYEOF
tp capture stdin --format wav --into wav2 --label yes <stream.wav 2>err.txt || { cat err.txt; fail "streamed WAV"; }
expect_eq "$(json_get wav2/samples.jsonl 'd["audio"]["sample_rate"], d["audio"]["frames"]')" "16000 16000" "streamed WAV clip"
expect_fail 1 "stdin: the input is a WAV file of 16000 Hz, 1 channel, 24-bit PCM; capture stdin takes 16-bit PCM" -- \
  tp capture stdin --into wav3 --label yes <clip24.wav
head -c 4000 /dev/zero >raw.pcm
expect_fail 1 "stdin: --format wav: the input does not start with a RIFF/WAVE header" -- \
  tp capture stdin --format wav --into wav3 --label yes <raw.pcm
expect_fail 1 "stdin: the input is a WAV file, not CSV: give --format wav" -- \
  tp capture stdin --format csv --into wav3 --label yes <clip.wav
[ ! -e wav3 ] || fail "a refused capture made a dataset folder"

# ---- 11. gesture lengths and column names, through stdin ----
gestures() {  # gestures ROWS...: one gesture of each length, 6 columns, blank line after each
  local g=0 n i
  for n in "$@"; do
    g=$((g + 1))
    for i in $(seq "$n"); do echo "$g.0,0.$i,1.0,0,0,$i"; done
    echo
  done
}
{ echo "aX,aY,aZ,gX,gY,gZ"; gestures 119 119 60 119; } >mixed.csv
tp capture stdin --format csv --into imu --label punch <mixed.csv 2>err.txt || { cat err.txt; fail "mixed lengths"; }
grep -q "stdin: dropped gesture 3: 60 rows, expected 119 as the first gesture had" err.txt || { cat err.txt; fail "no warning for a gesture of another length"; }
grep -q "kept 3 samples of 'punch' in imu (the input ended, dropped 1 sample of the wrong length)" err.txt ||
  { cat err.txt; fail "mixed lengths summary"; }
expect_eq "$("$PY" -c 'import json; print(sorted({json.loads(l)["csv"]["rows"] for l in open("imu/samples.jsonl")}))')" \
  "[119]" "gesture lengths kept without --rows"
# No header line: the columns are the ones dataset.json expects.
gestures 119 | sed "s/^1\.0,/7.0,/" >noheader.csv  # content of its own
tp capture stdin --format csv --into imu --label flex <noheader.csv 2>err.txt || { cat err.txt; fail "no header"; }
grep -q "naming the columns aX,aY,aZ,gX,gY,gZ as dataset.json's format does" err.txt || { cat err.txt; fail "column note"; }
! grep -q "dataset.json expects" err.txt || { cat err.txt; fail "a warning about the columns"; }
expect_eq "$(head -1 imu/data/flex/*.csv)" "aX,aY,aZ,gX,gY,gZ" "header of a capture without a header line"
tp validate imu 2>/dev/null || fail "validate rejects the IMU dataset"

# ---- 9. the unplug message names the port ----
cat >unplug.py <<'PYEOF'
lines(["aX,aY,aZ,gX,gY,gZ"])
for g in range(2):
    lines(["%d.0,0.%03d,1.0,0,0,0" % (g, i) for i in range(20)] + [""])
lines(["9.0,0.5,1.0,0,0,0"] * 5)
vanish()
PYEOF
capture_device unplug.py --mode csv --into board --label wave
expect_eq "$RC" 0 "exit code after the board vanished with samples kept"
expect_stderr "warning: serial:$PTY: the device went away in the middle of a gesture: dropped its 5 rows"
expect_stderr "capture: serial:$PTY: kept 2 samples of 'wave' in board \(the device went away"
expect_stderr "capture: serial:$PTY: made dataset 'board'"
# Every line of the capture's stderr names the port.
! grep -v -- "serial:$PTY" "$WORK/capture.err" | grep -q . || { cat "$WORK/capture.err" >&2; fail "a message without the port"; }

# ---- 10. interrupted: exit 130, finished samples kept and reported ----
cat >endless.py <<'PYEOF'
lines(["aX,aY,aZ,gX,gY,gZ"])
for g in range(400):
    lines(["%d.000,0.%03d,1.000,0.000,0.000,0.000" % (g, i) for i in range(119)] + [""], rate=2000)
PYEOF
for signal in INT TERM; do
  rm -rf ctrlc
  start_device endless.py
  start_capture --mode csv --into ctrlc --label circle
  for _ in $(seq 500); do
    [ -f ctrlc/samples.jsonl ] && [ "$(wc -l <ctrlc/samples.jsonl)" -ge 2 ] && break
    sleep 0.02
  done
  kill -"$signal" "$CAPTURE_PID"
  wait_capture
  expect_eq "$RC" 130 "exit code of a capture stopped by SIG$signal with samples kept"
  kept=$(wc -l <ctrlc/samples.jsonl)
  [ "$kept" -ge 2 ] || fail "only $kept samples kept after SIG$signal"
  expect_stderr "serial:$PTY: kept $kept samples of 'circle' in ctrlc \(interrupted"
  check_dataset ctrlc circle "$kept"
done
tp capture --help >help.txt
grep -q "130 when" help.txt && grep -q "interrupted (Ctrl-C, SIGTERM), whether or not samples were kept" help.txt ||
  { cat help.txt; fail "capture --help on the exit code"; }
grep -q '^| 130 | interrupted (Ctrl-C) |$' "$SOURCE_DIR/README.md" || fail "README's exit code table"
