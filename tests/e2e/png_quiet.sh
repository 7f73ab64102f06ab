# PNG decoding (issue 12, point 22): libpng's own warnings ("libpng warning: iCCP: known
# incorrect sRGB profile", printed by the decoder OpenCV calls) never reach stderr; every
# problem is tinyprep's one-line form. astronaut.png and chelsea.png carry such a profile.
source "$(dirname "$0")/lib.sh"

mkdir -p imgs/cat
cp "$TEST_DATA"/images/skimage/*.png imgs/cat/
"$PY" - <<'PY' || fail "test images lack the iCCP chunk this test is about"
import struct
for name in ("astronaut", "chelsea"):
    b = open(f"imgs/cat/{name}.png", "rb").read()
    at, types = 8, []
    while at < len(b):
        n, t = struct.unpack(">I4s", b[at:at + 8]); types.append(t); at += 12 + n
    assert b"iCCP" in types, (name, types)
PY

tp import imgs >imgs.jsonl 2>import.err
grep -i libpng import.err && fail "import let libpng's warnings through"
tp validate imgs.jsonl 2>validate.err || { cat validate.err >&2; fail "validate"; }
grep -i libpng validate.err && fail "validate let libpng's warnings through"
# The images still decode whole: sizes and channels as the files say.
expect_eq "$("$PY" -c '
import json
for l in open("imgs.jsonl"):
    d = json.loads(l); i = d["image"]
    if "astronaut" in d["path"] or "chelsea" in d["path"]:
        print(i["width"], i["height"], i["channels"], end=" ")')" "512 512 3 451 300 3 " \
  "sizes of the images with a profile"

# A PNG cut short after its profile is still refused, by tinyprep, in one line.
mkdir -p cut/cat
head -c 5000 imgs/cat/astronaut.png >cut/cat/astronaut.png
expect_fail 1 "astronaut.png.*not a readable image" -- tp import cut
grep -i "libpng" .err && fail "libpng's message for a cut PNG leaked"
echo "ok"
