# segment --mode events (issue 14): long takes built here from known FSDD digits, each at a
# random level, separated by random silences, with background noise (the kws noise recording at
# random offsets plus white noise, both -50 dBFS) mixed in. Every known utterance must be inside
# exactly one clip and every clip must hold one; -j 1 and -j 2 and a second run into the same
# folder give the same bytes; a take of noise alone is a warning and no lines.
source "$(dirname "$0")/lib.sh"

"$PY" - "$TEST_DATA" <<'PYEOF'
import glob, json, sys
import numpy as np, soundfile as sf
data = sys.argv[1]
noise, _ = sf.read(data + "/kws_tflm/noise_1000ms.wav")
noise = noise[::2]  # 16 kHz -> 8 kHz, good enough for a background
lines = open("takes.jsonl", "w")
for t, speaker in enumerate(["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]):
    rng = np.random.default_rng(100 + t)
    files = sorted(glob.glob(f"{data}/fsdd/*_{speaker}_{t % 5}.wav"))
    rng.shuffle(files)
    parts, spans, pos = [], [], 0
    for f in files:
        x, rate = sf.read(f)
        gap = int(rng.uniform(0.6, 1.5) * rate)
        parts.append(np.zeros(gap)); pos += gap
        frames = x[: len(x) // 80 * 80].reshape(-1, 80)
        db = 10 * np.log10((frames ** 2).mean(1) + 1e-12)
        x = x * 10 ** ((-20 + rng.uniform(-6, 0) - db.max()) / 20)  # loudest 10 ms at -26..-20 dBFS
        on = np.nonzero(db > db.max() - 30)[0]  # the utterance: within 30 dB of its peak
        spans.append([pos + int(on[0]) * 80, pos + (int(on[-1]) + 1) * 80])
        parts.append(x); pos += len(x)
    parts.append(np.zeros(int(rng.uniform(0.6, 1.5) * 8000)))
    y = np.concatenate(parts)
    bg = np.concatenate([np.roll(noise, rng.integers(len(noise))) for _ in range(len(y) // len(noise) + 1)])
    y = y + bg[: len(y)] * (10 ** (-50 / 20) / np.sqrt((noise ** 2).mean()))
    y = y + rng.normal(0, 10 ** (-50 / 20), len(y))
    sf.write(f"take{t}.wav", y, 8000, subtype="PCM_16")
    json.dump(spans, open(f"take{t}.spans", "w"))
    print(json.dumps({"id": f"take{t}", "path": f"take{t}.wav", "label": "digit",
                      "group": speaker, "split": "train", "note": "kept"}), file=lines)
PYEOF

tp segment --mode events -o clips -O out.jsonl -j 2 takes.jsonl 2>events.err \
  || { cat events.err >&2; fail "segment --mode events failed"; }
grep -q "take3.wav: event at [0-9.]*-[0-9.]* s, peak -[0-9.]* dBFS" events.err \
  || { cat events.err >&2; fail "no event report on stderr"; }

"$PY" - <<'PYEOF' || fail "events: utterances and clips do not match"
import json, numpy as np, soundfile as sf
lines = [json.loads(l) for l in open("out.jsonl")]
ok = True
for t in range(6):
    spans = json.load(open(f"take{t}.spans"))
    take, _ = sf.read(f"take{t}.wav", dtype="int16")
    clips = [l for l in lines if l["source"] == f"take{t}"]
    for l in clips:
        assert l["id"] == f"take{t}@{l['offset_ms']}", l
        assert (l["label"], l["group"], l["split"], l["note"]) == ("digit", ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"][t], "train", "kept"), l
        assert l["length_ms"] == 1000 and l["audio"]["frames"] == 8000, l
        x, rate = sf.read(l["path"], dtype="int16")
        start = round(l["offset_ms"] * 8)
        # the clip is the take's samples (offset_ms is rounded to the ms: search 8 samples)
        assert any(np.array_equal(x, take[s:s + 8000]) for s in range(max(0, start - 8), start + 9)), l["id"]
    starts = [round(l["offset_ms"] * 8) for l in clips]
    for a, b in spans:
        n = sum(1 for s in starts if s <= a and b <= s + 8000)
        if n != 1:
            print(f"take{t}: utterance {a/8000:.3f}-{b/8000:.3f} s is in {n} clips"); ok = False
    for s in starts:
        n = sum(1 for a, b in spans if s <= a and b <= s + 8000)
        if n != 1:
            print(f"take{t}: clip at {s/8000:.3f} s holds {n} utterances"); ok = False
    print(f"take{t}: {len(spans)} utterances, {len(clips)} clips")
exit(0 if ok else 1)
PYEOF

# -j 1 gives the same bytes; a second run into the same folder gives the same result.
tp segment --mode events -o clips1 -O out1.jsonl -j 1 takes.jsonl 2>/dev/null
sed 's/clips1\//clips\//g' out1.jsonl | cmp -s - out.jsonl || fail "-j 1 and -j 2 manifests differ"
(cd clips && find . -type f | sort | xargs sha256sum) >a.sums
(cd clips1 && find . -type f | sort | xargs sha256sum) >b.sums
cmp -s a.sums b.sums || fail "-j 1 and -j 2 clips differ"
tp segment --mode events -o clips -O out.jsonl --force takes.jsonl 2>/dev/null
cmp -s out1.jsonl <(sed 's/clips\//clips1\//g' out.jsonl) || fail "a re-run changed the manifest"
(cd clips && find . -type f | sort | xargs sha256sum) | cmp -s - a.sums || fail "a re-run changed the clips"
ls -a clips/digit | grep -q '\.tmp' && fail "temporary files left in the clip folder"

# --max-clips keeps the loudest N; --pad zero-pads instead of shifting.
head -1 takes.jsonl >one.jsonl
tp segment --mode events --max-clips 3 -o top one.jsonl >top.jsonl 2>/dev/null
expect_eq "$(wc -l <top.jsonl)" 3 "--max-clips 3 lines"

# Background noise alone: a warning naming the take, no lines, exit 0.
"$PY" -c "
import numpy as np, soundfile as sf
rng = np.random.default_rng(1)
sf.write('quiet.wav', rng.normal(0, 0.003, 24000), 8000, subtype='PCM_16')"
echo '{"id":"quiet","path":"quiet.wav"}' >quiet.jsonl
tp segment --mode events -o q quiet.jsonl >quiet.out 2>quiet.err || fail "a quiet take failed"
grep -q "warning: quiet.jsonl:1: quiet.wav: no event 10.0 dB above the noise floor" quiet.err \
  || { cat quiet.err >&2; fail "no warning for a take without events"; }
[ -s quiet.out ] && fail "a take without events gave lines"

# --mode windows on background noise: many noise clips.
cp "$TEST_DATA/kws_tflm/noise_1000ms.wav" noise.wav
echo '{"id":"noise","path":"noise.wav","label":"_silence_"}' | \
  tp segment --mode windows --length-ms 250 --hop-ms 125 -o w - >w.jsonl 2>/dev/null
expect_eq "$(wc -l <w.jsonl)" 7 "250 ms windows every 125 ms in 1 s"
expect_eq "$(json_get <(sed -n 2p w.jsonl) 'd["id"], d["offset_ms"], d["path"]')" \
  "noise@125 125 w/_silence_/noise@125.wav" "second window"
echo "ok"
