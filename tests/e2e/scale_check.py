#!/usr/bin/python3
"""Compares two TFRecord exports example for example (issue 16's equality tests).

  scale_check.py same-tfrecord A B
  scale_check.py same-hdf5 A.h5 B.h5


Both must be finalized, TFDS-named sets ({name}-{split}.tfrecord-{i:05d}-of-{n:05d}, every i
present) with dataset_info.json; every record is parsed (framing and CRCs checked by
export_check.py) and the multiset of (id, label, label_name, shape, x bytes) of each split
must be equal, as must the label lists and features.json. Shard boundaries may differ.
HDF5: the same splits, and per split the same ids with equal x and y (rows may be in another
order: merged parts follow one another).
"""
import collections
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_check  # noqa: E402
import numpy as np  # noqa: E402

NAME = re.compile(r"^(.+)-([^-]+)\.tfrecord-(\d{5})-of-(\d{5})$")


def load(folder):
    assert os.path.isfile(os.path.join(folder, "dataset_info.json")), f"{folder}: no dataset_info.json"
    cls = export_check.example_class()
    splits = collections.defaultdict(collections.Counter)
    shards = collections.defaultdict(set)
    for path in sorted(glob.glob(os.path.join(folder, "*.tfrecord-*"))):
        m = NAME.match(os.path.basename(path))
        assert m, f"{path}: not a TFDS shard name (an unfinalized worker file?)"
        split, i, n = m.group(2), int(m.group(3)), int(m.group(4))
        shards[split].add((i, n))
        for record in export_check.read_records(open(path, "rb").read(), path):
            ex = export_check.decode_example(cls, record)
            key = tuple((k, json.dumps(v, sort_keys=True)) for k, v in sorted(ex.items()))
            splits[split][key] += 1
    for split, got in shards.items():
        n = {n for _, n in got}
        assert len(n) == 1 and {i for i, _ in got} == set(range(n.pop())), f"{folder} {split}: shards {sorted(got)}"
    labels = {os.path.basename(p): open(p).read() for p in glob.glob(os.path.join(folder, "*.labels.txt"))}
    features = json.load(open(os.path.join(folder, "features.json")))
    return splits, labels, features


def same_hdf5(path_a, path_b):
    import h5py
    a, b = h5py.File(path_a, "r"), h5py.File(path_b, "r")
    groups = lambda f: sorted(k for k in f if isinstance(f[k], h5py.Group))
    assert groups(a) and groups(a) == groups(b), f"splits {groups(a)} != {groups(b)}"
    for split in groups(a):
        rows = []
        for f in (a, b):
            ids = [i.decode() if isinstance(i, bytes) else str(i) for i in f[split]["id"][:]]
            assert len(set(ids)) == len(ids), f"{f.filename} {split}: repeated ids"
            rows.append({i: k for k, i in enumerate(ids)})
        assert rows[0].keys() == rows[1].keys(), f"{split}: other ids"
        xa, xb, ya, yb = a[split]["x"][:], b[split]["x"][:], a[split]["y"][:], b[split]["y"][:]
        assert xa.dtype == xb.dtype and xa.shape == xb.shape, f"{split}: x {xa.dtype}{xa.shape} != {xb.dtype}{xb.shape}"
        for i, k in rows[0].items():
            j = rows[1][i]
            assert np.array_equal(xa[k], xb[j]) and ya[k] == yb[j], f"{split}: {i} differs"
    print(" ".join(f"{s}={len(a[s]['id'])}" for s in groups(a)))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "same-hdf5":
        return same_hdf5(sys.argv[2], sys.argv[3])
    if len(sys.argv) != 4 or sys.argv[1] != "same-tfrecord":
        sys.exit(__doc__)
    a, b = load(sys.argv[2]), load(sys.argv[3])
    assert a[0], f"{sys.argv[2]}: no records"
    assert set(a[0]) == set(b[0]), f"splits {sorted(a[0])} != {sorted(b[0])}"
    for split in a[0]:
        if a[0][split] != b[0][split]:
            only_a = a[0][split] - b[0][split]
            only_b = b[0][split] - a[0][split]
            sys.exit(f"split {split}: {sum(only_a.values())} examples only in {sys.argv[2]}, "
                     f"{sum(only_b.values())} only in {sys.argv[3]}")
    assert a[1] == b[1], "label lists differ"
    assert a[2] == b[2], "features.json differs"
    print(" ".join(f"{s}={sum(c.values())}" for s, c in sorted(a[0].items())))


main()
