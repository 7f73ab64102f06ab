# export: manifests of many lines (around 16,384, up to which export once kept the first pass's
# samples in memory, and 100,000) export every line, once.
source "$(dirname "$0")/lib.sh"
"$PY" - <<'PY'
import json, numpy as np
np.save("f.npy", np.arange(4, dtype=np.int8))
for n in (16384, 16385, 16386, 16387, 100000):
    with open(f"m{n}.jsonl", "w") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"s{i}", "label": "ab"[i % 2],
                                  "split": "train" if i % 10 else "test",
                                  "features": {"path": "f.npy"}}) + "\n")
PY
count() {  # records of every split of an HDF5 export
  "$PY" -c "import h5py, sys; f = h5py.File(sys.argv[1]); print(sum(len(f[s]['id']) for s in f))" "$1"
}
for n in 16384 16385 16386 16387 100000; do
  tp export hdf5 m$n.jsonl -o m$n.h5 --compression none 2>err || { cat err; fail "$n lines"; }
  expect_eq "$(count m$n.h5)" $n "records exported from $n lines"
done
# The same through stdin (spooled) and as TFRecord.
tp export tfrecord - -o tf <m16386.jsonl 2>/dev/null || fail "16,386 lines on stdin"
expect_eq "$(json_get tf/dataset_info.json 'sum(int(x) for s in d["splits"] for x in s["shardLengths"])')" 16386 \
  "records in the TFRecord shards"
echo "export_many_lines: ok"
