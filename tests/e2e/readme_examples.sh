# The README's examples, run exactly as written (issue 12, "done when"): every fenced `sh`
# block that runs tinyprep is run in a fresh folder where the repository's datasets/ is
# reachable, with tinyprep on PATH, and must exit 0 (under `set -euo pipefail`, so a failure
# anywhere in a pipe counts) without an empty split. Examples therefore use the bundled data
# (datasets/fsdd), not placeholder folders. The blocks that install, build and test the
# project (scripts/...) are not run here; the scripts they name must exist.
source "$(dirname "$0")/lib.sh"
: "${SOURCE_DIR:?set SOURCE_DIR to the repository}"

mkdir bin
ln -s "$TINYPREP" bin/tinyprep

# Each block into blocks/N.sh.
"$PY" - "$SOURCE_DIR/README.md" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
os.makedirs("blocks")
blocks = re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)
for n, block in enumerate(blocks, 1):
    open(f"blocks/{n}.sh", "w").write(block)
print(len(blocks), file=sys.stderr)
PY

ran=0
for block in blocks/*.sh; do
  if ! grep -qE '(^|[|;&(]|\s)tinyprep ' "$block"; then
    # Setup and build commands: check that what they name is there.
    for script in $(grep -oE '(^|\s)scripts/[A-Za-z0-9_-]+' "$block" | tr -d ' '); do
      [ -x "$SOURCE_DIR/$script" ] || fail "README names $script, which is not an executable script"
    done
    continue
  fi
  dir=run-$(basename "$block" .sh)
  mkdir "$dir"
  ln -s "$SOURCE_DIR/datasets" "$dir/datasets"
  rc=0
  (cd "$dir" && PATH="$WORK/bin:$PATH" bash -euo pipefail "$WORK/$block") \
    >"$dir.out" 2>"$dir.err" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "--- README block:" >&2
    cat "$block" >&2
    echo "--- stderr:" >&2
    tail -20 "$dir.err" >&2
    fail "a README example exits $rc"
  fi
  if grep -q " is empty" "$dir.err"; then
    cat "$block" "$dir.err" >&2
    fail "a README example gives an empty split"
  fi
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || fail "no README example runs tinyprep"
echo "ok: $ran README examples ran"
