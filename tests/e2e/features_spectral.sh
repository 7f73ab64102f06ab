# Float presets end to end: FSDD's 8 kHz clips of 0.2-1.1 s become 16 kHz 1 s log-mel arrays;
# log-mel values match an independent NumPy computation of librosa's definitions; re-runs skip
# what is there; another config in the same folder is refused unless --force; -j does not change
# a byte; paths in -O manifests are relative to that manifest.
source "$(dirname "$0")/lib.sh"
copy_fsdd
tp import --pattern '{label}_{group}_{take}.wav' fsdd > fsdd.jsonl 2>/dev/null
expect_eq "$(wc -l < fsdd.jsonl)" 300 "FSDD lines"
COMMON=(--preset logmel --layout files --n-fft 512 --win-length 480 --hop-length 320 --no-center)
LOGMEL=("${COMMON[@]}" --n-mels 40)

# Incremental: 290 clips, then all 300 computes only the 10 new ones.
head -290 fsdd.jsonl > first.jsonl
tp features "${LOGMEL[@]}" -o feats first.jsonl > /dev/null 2>err1
grep -q "computed 290 \[logmel@" err1 || fail "first run: $(cat err1)"
grep -q "resampled 290 clips to 16000 Hz" err1 || fail "resampling note: $(cat err1)"
tp features "${LOGMEL[@]}" -o feats -j1 fsdd.jsonl > all-j1.jsonl 2>err2
grep -q "computed 10, skipped 290 already in feats (same sha256 and config)" err2 ||
  fail "second run: $(cat err2)"
tp features "${LOGMEL[@]}" -o feats fsdd.jsonl > again.jsonl 2>err3
grep -q "computed 0, skipped 300" err3 || fail "third run: $(cat err3)"
cmp all-j1.jsonl again.jsonl || fail "skipped samples must give the same lines"

# -j1 and -j2 from scratch: byte-identical folders and lines.
tp features "${LOGMEL[@]}" -o feats-j2 -j2 fsdd.jsonl > all-j2.jsonl 2>/dev/null
tp features "${LOGMEL[@]}" -o feats-j1 -j1 fsdd.jsonl > fresh-j1.jsonl 2>/dev/null
# config.json records the command (made_by), which differs in -j; the rest must not.
diff -r -x config.json feats-j1 feats-j2 >/dev/null || fail "-j1 and -j2 folders differ"
cmp <(json_get feats-j1/config.json 'd.pop("made_by") and d') \
  <(json_get feats-j2/config.json 'd.pop("made_by") and d') || fail "config.json differs in -j beyond made_by"
cmp <(sed 's#feats-j1/#X/#' fresh-j1.jsonl) <(sed 's#feats-j2/#X/#' all-j2.jsonl) ||
  fail "-j1 and -j2 lines differ"
for f in feats-j1/*.npy; do cmp -s "$f" "feats/$(basename "$f")" || fail "$f differs from feats/"; done

# Another config in the same folder: refused, then recomputed with --force.
expect_fail 1 'feats/config.json: holds features of another configuration \(logmel@' -- \
  tp features "${COMMON[@]}" --n-mels 64 -o feats fsdd.jsonl
tp features "${COMMON[@]}" --n-mels 64 --force -o feats fsdd.jsonl > m64.jsonl 2>err4
grep -q "computed 300 \[" err4 || fail "--force must recompute: $(cat err4)"

"$PY" - <<'PY'
import json
import numpy as np
lines = [json.loads(l) for l in open("fresh-j1.jsonl")]
assert len(lines) == 300
short = 0
for s in lines:
    f = s["features"]
    a = np.load(f["path"])
    assert a.shape == (49, 40) and a.dtype == np.float32 and f["shape"] == [49, 40], (s["id"], a.shape)
    assert f["dtype"] == "float32" and f["config"].startswith("logmel@")
    # Conditioned to 1 s at 16 kHz, aligned at the start: a clip of d seconds leaves the frames
    # that start after it silent: at the top_db floor (max - 80 dB), or at amin's -100 dB for
    # a clip quieter than -20 dB (speaker theo).
    d = s["audio"]["frames"] / s["audio"]["sample_rate"]
    first_silent = int(np.ceil(d * 16000 / 320))
    if first_silent < 49:
        short += 1
        tail = a[first_silent:]
        floor = max(a.max() - 80, -100)
        assert np.allclose(tail, floor, atol=1e-4), (s["id"], d, tail.max(), a.max())
assert short > 250, short
assert json.load(open("feats/config.json"))["params"]["n_mels"] == 64
for s in (json.loads(l) for l in open("m64.jsonl")):
    assert np.load(s["features"]["path"]).shape == (49, 64)
PY

# Log-mel against NumPy (librosa 0.10's definitions written out) on 16 kHz clips, no resampling:
# periodic Hann, |rfft|^2, Slaney mel with area normalisation, power_to_db(ref 1, amin 1e-10,
# top_db 80). Tolerance 1e-4 relative, as in the unit tests.
mkdir -p kws && cp "$TEST_DATA"/kws_tflm/*_1000ms.wav kws/
tp import --label x kws > kws.jsonl 2>/dev/null
for center in --center --no-center; do
  tp features --preset logmel --layout files --n-fft 512 --win-length 400 --hop-length 160 --n-mels 40 \
    $center -o kws$center kws.jsonl > kws$center.jsonl 2>/dev/null
done
"$PY" - <<'PY'
import json
import numpy as np
import soundfile as sf
def slaney_mel(f):
    f = np.asarray(f, float)
    return np.where(f < 1000, 3 * f / 200, 15 + 27 * np.log(np.maximum(f, 1e-9) / 1000) / np.log(6.4))
def slaney_hz(m):
    m = np.asarray(m, float)
    return np.where(m < 15, 200 * m / 3, 1000 * np.exp((m - 15) * np.log(6.4) / 27))
def mel_matrix(sr, n_fft, n_mels):
    pts = slaney_hz(np.linspace(slaney_mel(0), slaney_mel(sr / 2), n_mels + 2))
    f = np.arange(n_fft // 2 + 1) * sr / n_fft
    rise = (f[None, :] - pts[:-2, None]) / (pts[1:-1] - pts[:-2])[:, None]
    fall = (pts[2:, None] - f[None, :]) / (pts[2:] - pts[1:-1])[:, None]
    return np.maximum(0, np.minimum(rise, fall)) * (2 / (pts[2:] - pts[:-2]))[:, None]
def logmel(y, center):
    n_fft, win, hop = 512, 400, 160
    w = np.zeros(n_fft)
    w[(n_fft - win) // 2:][:win] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win) / win)
    if center:
        y = np.pad(y, n_fft // 2)
    frames = np.lib.stride_tricks.sliding_window_view(y, n_fft)[::hop]
    p = np.abs(np.fft.rfft(frames * w, axis=1)) ** 2
    m = p @ mel_matrix(16000, n_fft, 40).T
    db = 10 * np.log10(np.maximum(1e-10, m))
    return np.maximum(db, db.max() - 80)
for center in ("--center", "--no-center"):
    for line in open(f"kws{center}.jsonl"):
        s = json.loads(line)
        y, sr = sf.read(s["path"], dtype="float64")
        want = logmel(y, center == "--center")
        got = np.load(s["features"]["path"])
        assert got.shape == want.shape, (s["id"], got.shape, want.shape)
        err = np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-30))
        assert err <= 1e-4, (s["id"], center, err)
PY

# -O into another folder: features.path is relative to that manifest's folder.
mkdir -p out
tp features "${LOGMEL[@]}" -o feats-j1 fsdd.jsonl -O out/m.jsonl 2>/dev/null
p=$(head -1 out/m.jsonl | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline())["features"]["path"])')
expect_eq "$p" "../feats-j1/0_george_0.npy" "features.path in out/m.jsonl"
[ -f "out/$p" ] || fail "out/$p missing"
echo OK
