#!/usr/bin/python3
"""The Python side of bench/export_bench.sh: inputs, and the plain scripts tinyprep is compared to.

  export_python.py make N DIR
      DIR/feats/<id>.npy (N arrays of 49x40 float32, log-mel-like values quantised to 1/64 as
      real features are) and DIR/feats.jsonl (80/10/10 train/validation/test, 12 labels).
  export_python.py tfrecord MANIFEST OUTDIR [--gzip]
      a pure-Python TFRecord writer (no TensorFlow): np.load, tf.train.Example built with
      python3-protobuf (classes made at runtime), framing with python3-crc32c, one shard per
      split, gzip module for GZIP. What a user writes without TensorFlow installed.
  export_python.py hdf5 MANIFEST FILE [--compression none]
      h5py with the same layout and settings as tinyprep: /<split>/x chunks of 133 rows
      (1 MiB), y and id chunks of 8192, shuffle + gzip 4 (or none), rows buffered and written
      a whole chunk at a time.
"""
import gzip
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))

LABELS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "_silence_",
          "_unknown_"]


def make(n, out):
    os.makedirs(os.path.join(out, "feats"), exist_ok=True)
    rng = np.random.default_rng(0)
    # A smooth spectral envelope per label plus noise, like log-mel energies.
    base = np.cumsum(rng.normal(0, 0.3, (len(LABELS), 1, 40)), axis=2)
    with open(os.path.join(out, "feats.jsonl"), "w") as m:
        for i in range(n):
            label = i % len(LABELS)
            x = base[label] + rng.normal(0, 1.0, (49, 40))
            x = (np.round(x * 64) / 64).astype(np.float32)
            sid = f"s{i:06d}"
            np.save(os.path.join(out, "feats", sid + ".npy"), x)
            split = "train" if i % 10 < 8 else ("validation" if i % 10 == 8 else "test")
            m.write(json.dumps({"id": sid, "path": f"clips/{sid}.wav", "label": LABELS[label],
                                "split": split,
                                "features": {"path": f"feats/{sid}.npy", "shape": [49, 40],
                                             "dtype": "float32", "config": "bench"}}) + "\n")


def lines(manifest):
    base = os.path.dirname(os.path.abspath(manifest))
    for line in open(manifest):
        d = json.loads(line)
        yield d, os.path.join(base, d["features"]["path"])


def tfrecord(manifest, out, gzipped):
    import crc32c
    from export_check import example_class

    Example = example_class()

    def masked(data):
        c = crc32c.crc32c(data)
        return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF

    labels = sorted({d["label"] for d, _ in lines(manifest)})
    os.makedirs(out, exist_ok=True)
    files = {}
    for d, path in lines(manifest):
        split = d.get("split", "all")
        if split not in files:
            name = os.path.join(out, f"data-{split}.tfrecord-00000-of-00001")
            files[split] = gzip.open(name, "wb", compresslevel=6) if gzipped else open(name, "wb")
        x = np.load(path)
        ex = Example()
        f = ex.features.feature
        f["x"].float_list.value.extend(x.reshape(-1).tolist())
        f["shape"].int64_list.value.extend(x.shape)
        f["label"].int64_list.value.append(labels.index(d["label"]))
        f["label_name"].bytes_list.value.append(d["label"].encode())
        f["id"].bytes_list.value.append(d["id"].encode())
        record = ex.SerializeToString()
        header = struct.pack("<Q", len(record))
        w = files[split]
        w.write(header + struct.pack("<I", masked(header)) + record +
                struct.pack("<I", masked(record)))
    for w in files.values():
        w.close()


def hdf5(manifest, path, compression):
    import h5py

    labels = sorted({d["label"] for d, _ in lines(manifest)})
    chunk_rows, label_rows = 133, 8192
    gz = {} if compression == "none" else {"compression": "gzip", "compression_opts": 4,
                                           "shuffle": True}
    splits = {}
    str_type = h5py.string_dtype("utf-8")

    def flush(s, which):
        if which == "x" and s["xb"]:
            ds = s["x"]
            n = ds.shape[0]
            ds.resize(n + len(s["xb"]), axis=0)
            ds[n:] = np.stack(s["xb"])
            s["xb"] = []
        if which == "y" and s["yb"]:
            for name, buf in (("y", s["yb"]), ("id", s["ib"])):
                ds = s[name]
                n = ds.shape[0]
                ds.resize(n + len(buf), axis=0)
                ds[n:] = buf
            s["yb"], s["ib"] = [], []

    with h5py.File(path, "w") as f:
        for d, npy in lines(manifest):
            x = np.load(npy)
            split = d.get("split", "all")
            if split not in splits:
                g = f.create_group(split)
                splits[split] = {
                    "x": g.create_dataset("x", (0,) + x.shape, x.dtype, maxshape=(None,) + x.shape,
                                          chunks=(chunk_rows,) + x.shape, **gz),
                    "y": g.create_dataset("y", (0,), np.int64, maxshape=(None,),
                                          chunks=(label_rows,), **gz),
                    "id": g.create_dataset("id", (0,), str_type, maxshape=(None,),
                                           chunks=(label_rows,), **gz),
                    "xb": [], "yb": [], "ib": []}
            s = splits[split]
            s["xb"].append(x)
            s["yb"].append(labels.index(d["label"]))
            s["ib"].append(d["id"])
            if len(s["xb"]) == chunk_rows:
                flush(s, "x")
            if len(s["yb"]) == label_rows:
                flush(s, "y")
        for s in splits.values():
            flush(s, "x")
            flush(s, "y")
        f.attrs["label_names"] = labels
        f.attrs["feature_config"] = json.dumps("bench")
        f.attrs["tinyprep_version"] = "python"
        f.attrs["command"] = " ".join(sys.argv)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "make":
        make(int(sys.argv[2]), sys.argv[3])
    elif cmd == "tfrecord":
        tfrecord(sys.argv[2], sys.argv[3], "--gzip" in sys.argv[4:])
    elif cmd == "hdf5":
        hdf5(sys.argv[2], sys.argv[3], "none" if "none" in sys.argv[4:] else "gzip")
    else:
        raise SystemExit(__doc__)
