# capture serial --mode ov767x-raw and ov767x-hex: camera frames from a fake board. Raw: after
# a start command, frames back to back, one split mid-way, one cut short by a pause (dropped,
# then the stream resynchronises), the board unplugged mid-frame. Hex: the CameraCapture
# sketch answering 'c' with 4 hex digits a pixel.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/capture_helpers.bash"
cp "$HERE/capture_png.py" .

cat >frames.py <<'PYEOF'
W, H = 160, 120
def pixel(k, i):  # RGB565 value of pixel i of frame k
    return (k * 4099 + i * 7 + (i // W) * 301) & 0xFFFF
def raw(k):
    return b"".join(pixel(k, i).to_bytes(2, "big") for i in range(W * H))
PYEOF

cat >scenario.py <<'PYEOF'
exec(open("frames.py").read())
expect(b"live\r")
send("OV7675 camera ready\r\n")
send(raw(1))
send(raw(2)[:20000]); pause(0.05); send(raw(2)[20000:])   # split mid-way, no real pause
send(raw(3)[:15000]); pause(1.5)                          # cut short: dropped
send("frame 3 timed out\r\n")
send(raw(4))
send(raw(5), chunk=1000)
send(raw(6)[:9999])
vanish()
PYEOF
capture_device scenario.py --mode ov767x-raw --size 160x120 --send 'live\r' --gap-ms 600 \
  --into ds --label cup
expect_eq "$RC" 0 "ov767x-raw exit code"
expect_stderr "dropped a partial frame \(15000 of 38400 bytes\) after a pause"
expect_stderr "dropped a partial frame \(9999 of 38400 bytes\) when the device went away"
expect_stderr "kept 4 samples of 'cup' in ds \(the device went away, skipped 2 stray lines, dropped 2 partial samples\)"
check_dataset ds cup 4
"$PY" - <<'PYEOF' || fail "raw frame pixels"
import json
from capture_png import read_png, rgb565_to_rgb
exec(open("frames.py").read())
lines = [json.loads(l) for l in open("ds/samples.jsonl")]
for line, k in zip(lines, [1, 2, 4, 5]):
    w, h, c, px = read_png("ds/" + line["path"])
    assert (w, h, c) == (W, H, 3) and line["image"] == {"width": W, "height": H, "channels": 3}
    want = b"".join(bytes(rgb565_to_rgb(pixel(k, i))) for i in range(W * H))
    assert px == want, "frame %d differs" % k
PYEOF

# Hex: the sketch's banner, then a frame per 'c' (little-endian reading printed as hex); the
# second frame in the "0x1234, " variant; the third cut short, asked for again.
cat >scenario2.py <<'PYEOF'
exec(open("frames.py").read())
def hexframe(k, prefixed=False):
    vals = [((v >> 8) | (v << 8)) & 0xFFFF for v in (pixel(k, i) for i in range(W * H))]
    return "".join(("0x%04X, " if prefixed else "%04X") % v for v in vals)
lines(["OV767X Camera Capture", "", "Send the 'c' character to read a frame ...", ""])
expect(b"c"); send(hexframe(1), chunk=4096)
expect(b"c"); send("Reading frame\r\n" + hexframe(2, True) + "\r\n")
expect(b"c"); send(hexframe(3)[:30000]); pause(1.5)
expect(b"c"); send(hexframe(4))
expect(b"c"); pause(5)
PYEOF
capture_device scenario2.py --mode ov767x-hex --size 160x120 --gap-ms 600 --into ds2 \
  --label pen --count 3
expect_eq "$RC" 0 "ov767x-hex exit code"
expect_stderr "dropped a partial frame \(7500 of 19200 pixels\) after a pause"
expect_stderr "kept 3 of 3 samples of 'pen'"
check_dataset ds2 pen 3
"$PY" - <<'PYEOF' || fail "hex frame pixels"
import json
from capture_png import read_png, rgb565_to_rgb
exec(open("frames.py").read())
lines = [json.loads(l) for l in open("ds2/samples.jsonl")]
for line, k in zip(lines, [1, 2, 4]):
    w, h, c, px = read_png("ds2/" + line["path"])
    want = b"".join(bytes(rgb565_to_rgb(pixel(k, i))) for i in range(W * H))
    assert (w, h, c) == (W, H, 3) and px == want, "frame %d differs" % k
PYEOF
