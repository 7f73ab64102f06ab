#!/usr/bin/python3
"""Compares two TFRecord exports example for example (issue 16's equality tests).

  scale_check.py same-tfrecord A B

Both must be finalized, TFDS-named sets ({name}-{split}.tfrecord-{i:05d}-of-{n:05d}, every i
present) with dataset_info.json; every record is parsed (framing and CRCs checked by
export_check.py) and the multiset of (id, label, label_name, shape, x bytes) of each split
must be equal, as must the label lists and features.json. Shard boundaries may differ.
"""
import collections
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_check  # noqa: E402

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


def main():
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
