# A manifest redirected into another folder (issue 12, point 1): `> manifests/m.jsonl` writes
# paths relative to that file's folder, as `-o manifests/m.jsonl` does, for every command that
# writes a manifest (import and split here); on a pipe paths stay relative to the working
# directory; a manifest whose paths are relative to the working directory instead of its folder
# gets a hint saying so; an absolute SRC gives absolute paths.
source "$(dirname "$0")/lib.sh"

mkdir recordings manifests
cp "$TEST_DATA"/fsdd/*.wav recordings/
n=$(ls recordings/*.wav | wc -l)

# path of the first line of a manifest
first_path() { "$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["path"])' "$1"; }

# import: the redirect and -o give the same manifest, and it validates from its folder.
tp import --pattern '{label}_{group}_{take}.wav' recordings/ >manifests/fsdd.jsonl 2>/dev/null
tp import --pattern '{label}_{group}_{take}.wav' recordings/ -o manifests/with_o.jsonl 2>/dev/null
cmp manifests/fsdd.jsonl manifests/with_o.jsonl || fail "import > manifests/ differs from -o"
expect_eq "$(first_path manifests/fsdd.jsonl)" "../recordings/0_george_0.wav" "redirected path"
tp validate manifests/fsdd.jsonl 2>validate.err || { cat validate.err >&2; fail "validate"; }
grep -q "$n samples, 0 errors" validate.err || { cat validate.err >&2; fail "validate summary"; }

# Appending (>>) and a deeper folder work too.
mkdir -p deep/er
tp import --pattern '{label}_{group}_{take}.wav' recordings/ >>deep/er/m.jsonl 2>/dev/null
expect_eq "$(first_path deep/er/m.jsonl)" "../../recordings/0_george_0.wav" "appended path"

# A pipe keeps paths relative to the working directory.
tp import --pattern '{label}_{group}_{take}.wav' recordings/ 2>/dev/null | cat >piped.jsonl
expect_eq "$(first_path piped.jsonl)" "recordings/0_george_0.wav" "path on a pipe"
tp import --pattern '{label}_{group}_{take}.wav' recordings/ >/dev/null 2>&1 ||
  fail "import to /dev/null"

# split: its redirected output is rebased from the input manifest's folder to its own.
mkdir -p out/splits
tp split --ratios 80,10,10 --group group manifests/fsdd.jsonl >out/splits/s.jsonl 2>/dev/null
tp split --ratios 80,10,10 --group group manifests/fsdd.jsonl -o out/splits/o.jsonl 2>/dev/null
cmp out/splits/s.jsonl out/splits/o.jsonl || fail "split > out/splits/ differs from -o"
expect_eq "$(first_path out/splits/s.jsonl)" "../../recordings/0_george_0.wav" "split's path"
tp validate out/splits/s.jsonl 2>/dev/null || fail "validate the redirected split"
# ... and split onto a pipe, from a manifest file in another folder: cwd-relative.
tp split --ratios 80,10,10 --group group manifests/fsdd.jsonl 2>/dev/null | cat >split_piped.jsonl
expect_eq "$(first_path split_piped.jsonl)" "recordings/0_george_0.wav" "split's path on a pipe"

# A manifest with cwd-relative paths in another folder: the error says why.
cp piped.jsonl manifests/moved.jsonl
expect_fail 1 "manifests/moved.jsonl:1: recordings/0_george_0.wav: no such file relative to the manifest's folder manifests/, but there is one relative to the working directory" \
  -- tp validate manifests/moved.jsonl
expect_fail 1 "manifests/moved.jsonl:1: recordings/0_george_0.wav: no such file relative to the manifest's folder manifests/, but there is one relative to the working directory" \
  -- tp features --preset logmel --featdir feats manifests/moved.jsonl
# A file missing from both places is still plainly "no such file".
echo '{"id":"gone","path":"recordings/gone.wav","label":"0"}' >manifests/gone.jsonl
expect_fail 1 "manifests/gone.jsonl:1: recordings/gone.wav: no such file$" -- tp validate manifests/gone.jsonl

# An absolute SRC gives absolute paths, wherever the manifest goes.
tp import --pattern '{label}_{group}_{take}.wav' "$WORK/recordings" >deep/er/abs.jsonl 2>/dev/null
expect_eq "$(first_path deep/er/abs.jsonl)" "$WORK/recordings/0_george_0.wav" "absolute SRC"
tp import "$WORK/recordings/0_george_0.wav" -o deep/er/one.jsonl 2>/dev/null
expect_eq "$(first_path deep/er/one.jsonl)" "$WORK/recordings/0_george_0.wav" "absolute SRC file"
tp validate deep/er/abs.jsonl 2>/dev/null || fail "validate the absolute manifest"
echo ok
