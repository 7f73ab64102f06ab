# Outputs that are character devices or FIFOs are written as they are (issue 12, point 21):
# never refused as "already exists", never replaced by a regular file through a temporary
# and a rename (as root, `-o /dev/null --force` once turned /dev/null into a regular file).
# The real /dev/null is not touched: a FIFO, and as root a copy of /dev/null's device numbers
# (1, 3) made with mknod in the test's folder.
source "$(dirname "$0")/lib.sh"
mkdir kws && cp "$TEST_DATA"/kws_tflm/*_1000ms.wav kws/
tp import --pattern '{label}_1000ms.wav' kws/ -o expected.jsonl

# A FIFO, with and without --force: the reader gets the whole manifest, the FIFO stays one.
mkfifo pipe
for force in "" --force; do
  cat pipe >got.jsonl &
  reader=$!
  if ! tp import --pattern '{label}_1000ms.wav' kws/ -o pipe $force; then
    kill $reader
    fail "writing into the FIFO failed ($force)"
  fi
  [ -p pipe ] || { kill $reader; fail "the FIFO was replaced by a regular file ($force)"; }
  wait $reader
  cmp -s got.jsonl expected.jsonl || fail "the FIFO's reader did not get the manifest ($force)"
done

# A character device (root only): written, not refused, still a device afterwards.
if mknod null c 1 3 2>/dev/null && [ -c null ]; then
  for force in "" --force; do
    tp import --pattern '{label}_1000ms.wav' kws/ -o null $force
    [ -c null ] || fail "the device was replaced by a regular file ($force)"
  done
  tp split expected.jsonl --ratios 80,10,10 -o null --force
  [ -c null ] || fail "split replaced the device"
  tp export hdf5 expected.jsonl -o null --force 2>/dev/null || true
  [ -c null ] || fail "export hdf5 replaced the device"
  expect_eq "$(stat -c '%t,%T' null)" "1,3" "device numbers"
else
  echo "mknod impossible here: the character device part is skipped" >&2
fi
ls -a | grep -q '\.tmp-' && fail "temporary files left"
exit 0
