# Progress and warnings on a terminal (issue 12, point 20): a warning (or note) printed while the
# progress line shows clears that line first, so the two never run together on the screen.
# Progress shows only when stderr is a terminal: the command runs with stderr on a pty, and
# what the terminal would show is rebuilt from the bytes (\r, ESC[K, newlines).
source "$(dirname "$0")/lib.sh"

mkdir clips
cp "$TEST_DATA"/fsdd/[0-4]_*.wav clips/
# Empty clips, named to come last: each gets a warning mid-run ('empty clip, no samples: padded
# with silence to 1000 ms').
"$PY" - <<'PY'
import wave
for i in range(4):
    with wave.open(f"clips/9_tiny_{i}.wav", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
        w.writeframes(b"")
PY
tp import --pattern '{label}_{group}_{take}.wav' clips >clips.jsonl 2>/dev/null

"$PY" - "$TINYPREP" <<'PY' || fail "a progress line and a message ran together"
import os, subprocess, sys
master, slave = os.openpty()
cmd = [sys.argv[1], "features", "--preset", "micro_speech", "-j1", "-o", "feats", "clips.jsonl"]
with open("features.jsonl", "wb") as out:
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
os.close(slave)
raw = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    raw += chunk
if p.wait() != 0:
    sys.exit(f"features failed: {raw!r}")
# What a terminal shows: \r returns to column 0, ESC[K clears to the end of the line.
screen, line, col, i, text = [], [], 0, 0, raw.decode("utf-8", "replace")
while i < len(text):
    c = text[i]
    if text.startswith("\x1b[K", i):
        del line[col:]
        i += 3
        continue
    if c == "\r":
        col = 0
    elif c == "\n":
        screen.append("".join(line)); line, col = [], 0
    elif col < len(line):
        line[col] = c; col += 1
    else:
        line.append(c); col += 1
    i += 1
if line:
    screen.append("".join(line))
if "\rfeatures: " not in text:
    sys.exit(f"no progress line was drawn: {raw!r}")
warnings = [l for l in screen if "warning:" in l]
if len(warnings) != 4:
    sys.exit("expected 4 warnings on the screen:\n" + "\n".join(screen))
bad = [l for l in screen if "tinyprep features:" in l and not l.startswith("tinyprep features:")]
if bad:
    sys.exit("ran together:\n" + "\n".join(bad))
if screen and screen[-1].startswith("features: "):
    sys.exit("the progress line was left on the screen: " + screen[-1])
PY
expect_eq "$(wc -l <features.jsonl)" "$(wc -l <clips.jsonl)" "feature lines"
echo "ok"
