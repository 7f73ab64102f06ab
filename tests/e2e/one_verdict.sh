# One verdict for every command (issue 10, defects 7 and 8).
# - CSV numbers: capture drops a gesture holding 3.9E84 (beyond float32) or inf, naming the
#   stream line, so what it keeps validates; import, validate and export reject such a file
#   naming the file and line.
# - WAV: a second data chunk, or an all-zero chunk id before data, was taken by the fast path
#   (import, features) and refused by libsndfile (validate, export); now every command refuses.
source "$(dirname "$0")/lib.sh"

printf 'aX,aY,aZ\n1,2,3\n4,5,6\n\n1,3.9E84,3\n7,8,9\n\n1,2,3\n1,inf,3\n\n10,11,12\n13,14,15\n' \
  | tp capture stdin --format csv --into ds --label wave 2>err.txt || { cat err.txt; fail "capture"; }
grep -q "line 5: column 2: '3.9E84' is beyond the float32 range (+-3.4e38): dropped gesture 2" err.txt ||
  { cat err.txt; fail "no message for 3.9E84"; }
grep -q "line 9: column 2: 'inf' is not a finite number: dropped gesture 3" err.txt ||
  { cat err.txt; fail "no message for inf"; }
grep -q "kept 2 samples of 'wave' in ds (the input ended, dropped 2 samples with an inf, nan or out-of-range value)" err.txt ||
  { cat err.txt; fail "capture summary"; }
tp validate ds 2>err.txt || { cat err.txt; fail "validate rejects what capture kept"; }

mkdir -p csv
printf 'aX,aY,aZ\n1,2,3\n1,3.9E84,3\n' >csv/big.csv
expect_fail 1 "csv/big.csv:3: column 2: '3.9E84' is beyond the float32 range" -- tp import --label x csv
printf 'aX,aY,aZ\n1,2,3\n' >csv/big.csv
tp import --label x csv >csv.jsonl 2>/dev/null
printf 'aX,aY,aZ\n1,2,3\n-inf,2,3\n' >csv/big.csv
expect_fail 1 "csv/big.csv: column 1: '-inf' is not a finite number" -- tp validate csv.jsonl

# WAVs that libsndfile refuses, made from a good one.
"$PY" - "$TEST_DATA/kws_tflm/yes_30ms.wav" <<'PY'
import struct, sys
wav = open(sys.argv[1], "rb").read()
header, data = wav[:36], wav[36:]
def chunk(cid, body):
    return cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")
import os
os.makedirs("wavs", exist_ok=True)
open("wavs/second_data.wav", "wb").write(wav + chunk(b"data", b"\x11" * 64))
open("wavs/zero_id.wav", "wb").write(header + chunk(b"\0\0\0\0", b"abcd") + data)
PY
for f in second_data zero_id; do
  mkdir -p "one_$f" && cp "wavs/$f.wav" "one_$f/"
  expect_fail 1 "$f.wav.*not a readable audio file" -- tp import --label x "one_$f"
  echo "{\"id\":\"$f\",\"path\":\"wavs/$f.wav\",\"label\":\"x\"}" >"$f.jsonl"
  expect_fail 1 "$f.jsonl:1: wavs/$f.wav: not a readable audio file" -- \
    tp features --preset micro_speech -o "f_$f" -O "out_$f.jsonl" "$f.jsonl"
done
echo OK
