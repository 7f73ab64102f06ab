# capture serial --mode pcm: raw little-endian int16 from a fake PDM-microphone board, sent in
# odd-sized pieces; a boot line, a clip cut short by a pause, the board unplugged mid-clip.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/capture_helpers.bash"

cat >audio.py <<'PYEOF'
import math
RATE, CLIP = 8000, 2000  # --rate 8000 --length-ms 250
def clip(k, n=CLIP):  # clip k's samples; each starts at 0
    return [int(8000 * math.sin(2 * math.pi * (200 + 50 * k) * i / RATE)) + (k if i else 0) for i in range(n)]
def pcm(samples):
    return b"".join(v.to_bytes(2, "little", signed=True) for v in samples)
PYEOF

cat >scenario.py <<'PYEOF'
exec(open("audio.py").read())
send("PDM microphone ready\r\n")
send(pcm(clip(1) + clip(2)), chunk=333)
send(pcm(clip(3))[:1501]); pause(1.5)    # cut short by a pause: dropped
send(pcm(clip(4) + clip(5)), chunk=4001)
send(pcm(clip(6))[:2222])
vanish()
PYEOF
capture_device scenario.py --mode pcm --rate 8000 --length-ms 250 --gap-ms 600 --into ds \
  --label yes --group board-1
expect_eq "$RC" 0 "pcm exit code"
expect_stderr "dropped a partial clip \(0.09 s of 0.25 s\) after a pause"
expect_stderr "dropped a partial clip \(0.14 s of 0.25 s\) when the device went away"
expect_stderr "kept 4 samples of 'yes' in ds \(the device went away, skipped 1 stray line, dropped 2 partial samples\)"
check_dataset ds yes 4
"$PY" - <<'PYEOF' || fail "pcm clip contents"
import json, wave
exec(open("audio.py").read())
lines = [json.loads(l) for l in open("ds/samples.jsonl")]
for line, k in zip(lines, [1, 2, 4, 5]):
    w = wave.open("ds/" + line["path"])
    assert (w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()) == (RATE, 1, 2, CLIP)
    data = w.readframes(CLIP)
    got = [int.from_bytes(data[2 * i : 2 * i + 2], "little", signed=True) for i in range(CLIP)]
    assert got == clip(k), "clip %d differs" % k
    a = line["audio"]
    assert (a["sample_rate"], a["channels"], a["frames"], a["duration"]) == (RATE, 1, CLIP, 0.25), a
    assert line["group"] == "board-1"
info = json.load(open("ds/dataset.json"))
assert info["modality"] == "audio" and info["format"]["sample_rate"] == RATE, info
assert info["format"]["length_ms"] == 250, info
PYEOF
