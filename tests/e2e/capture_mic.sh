# capture mic on a machine without an audio input (PortAudio finds none): a clear error, exit
# 1, no dataset made. The clip recorder itself is fed through its AudioInput interface in
# lib/capture/sample_sink_test.cpp ("mic: the clip recorder fed through the input interface").
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

expect_fail 2 "--rate and --length-ms must be positive" -- \
  tp capture mic --into ds --label yes --rate 0
expect_fail 2 "--into is required" -- tp capture mic --label yes

if [ -d /dev/snd ] && ls /dev/snd/pcmC*c >/dev/null 2>&1; then
  echo "this machine has a capture device; the no-device case is not testable here" >&2
  exit 77 # reported by CTest as skipped, not passed
fi

expect_fail 1 "mic: no audio input device \(PortAudio sees [0-9]+ devices, 0 with inputs\)" -- \
  tp capture mic --into ds --label yes --count 1
[ ! -e ds ] || fail "a failed mic capture made a dataset"
if grep -q "ALSA lib" "$WORK/.err"; then fail "ALSA's chatter reached stderr"; fi
