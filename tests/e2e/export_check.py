#!/usr/bin/python3
"""Independent readers for what `tinyprep export` writes, used by the export tests.

TFRecord: every record's framing and both masked CRC32Cs are checked with python3-crc32c,
and each record is decoded as a tf.train.Example by python3-protobuf, with the message classes
built at runtime from a FileDescriptorProto (no protoc, no TensorFlow).

  export_check.py tfrecord FILE [--gzip]   prints one JSON object per record
  export_check.py hdf5 FILE                prints the whole file as one JSON object
  export_check.py verify-tfrecord OUT MANIFEST [--gzip] [--key K=NAME ...] [--image-encoding E]
                  [--x-encoding raw|list] [--seed N | --no-shuffle]
  export_check.py verify-hdf5 FILE MANIFEST [--compression none] [--image-encoding png|jpeg]
                  [--seed N | --no-shuffle]
      check every value of an export against the manifest's arrays (features .npy, or the
      raw media: audio through python3-soundfile, CSV through numpy), in the export's order:
      each split's samples sorted by sha256(f"{seed}:{id}").hexdigest()[:16] (ties in
      manifest order; seed 0 unless --seed), or manifest order with --no-shuffle; integer x
      as one raw little-endian bytes value (or an int64 list with --x-encoding list);
      exits non-zero with a message at the first difference.
"""
import os
import gzip
import json
import struct
import sys

import crc32c
import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def mask(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def example_class():
    """tf.train.Example as in tensorflow/core/example/{example,feature}.proto."""
    f = descriptor_pb2.FileDescriptorProto(name="example.proto", package="tensorflow",
                                           syntax="proto3")
    T = descriptor_pb2.FieldDescriptorProto

    def message(name, fields, nested=()):
        m = f.message_type.add(name=name)
        for n in nested:
            m.nested_type.append(n)
        for fname, number, ftype, label, type_name, packed in fields:
            fd = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                fd.type_name = type_name
            if packed:
                fd.options.packed = True
        return m

    rep, opt = T.LABEL_REPEATED, T.LABEL_OPTIONAL
    message("BytesList", [("value", 1, T.TYPE_BYTES, rep, None, False)])
    message("FloatList", [("value", 1, T.TYPE_FLOAT, rep, None, True)])
    message("Int64List", [("value", 1, T.TYPE_INT64, rep, None, True)])
    feature = message("Feature", [
        ("bytes_list", 1, T.TYPE_MESSAGE, opt, ".tensorflow.BytesList", False),
        ("float_list", 2, T.TYPE_MESSAGE, opt, ".tensorflow.FloatList", False),
        ("int64_list", 3, T.TYPE_MESSAGE, opt, ".tensorflow.Int64List", False),
    ])
    feature.oneof_decl.add(name="kind")
    for fd in feature.field:
        fd.oneof_index = 0
    entry = descriptor_pb2.DescriptorProto(name="FeatureEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=T.TYPE_STRING, label=opt)
    entry.field.add(name="value", number=2, type=T.TYPE_MESSAGE, label=opt,
                    type_name=".tensorflow.Feature")
    message("Features", [("feature", 1, T.TYPE_MESSAGE, rep, ".tensorflow.Features.FeatureEntry",
                          False)], nested=[entry])
    message("Example", [("features", 1, T.TYPE_MESSAGE, opt, ".tensorflow.Features", False)])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.MessageFactory(pool).GetPrototype(
        pool.FindMessageTypeByName("tensorflow.Example"))


def read_records(data, name):
    """Yields each record's bytes after checking its framing and both CRCs."""
    pos = 0
    index = 0
    while pos < len(data):
        if len(data) - pos < 12:
            raise SystemExit(f"{name}: record {index}: truncated length header")
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if length_crc != mask(crc32c.crc32c(header)):
            raise SystemExit(f"{name}: record {index}: bad length CRC")
        start = pos + 12
        end = start + length
        if end + 4 > len(data):
            raise SystemExit(f"{name}: record {index}: truncated data")
        record = data[start:end]
        (data_crc,) = struct.unpack("<I", data[end:end + 4])
        if data_crc != mask(crc32c.crc32c(record)):
            raise SystemExit(f"{name}: record {index}: bad data CRC")
        yield record
        pos = end + 4
        index += 1


def decode_example(cls, record):
    ex = cls()
    ex.ParseFromString(record)
    # Map order may differ, but every byte must belong to a known field.
    if ex.ByteSize() != len(record) or ex.UnknownFields():
        raise SystemExit("Example has bytes that are not tf.train.Example fields")
    out = {}
    for key, feat in ex.features.feature.items():
        kind = feat.WhichOneof("kind")
        values = list(getattr(feat, kind).value)
        if kind == "bytes_list":
            values = [v.hex() for v in values]
        out[key] = {"kind": kind, "value": values}
    return out


def tfrecord(path, gzipped):
    data = open(path, "rb").read()
    if gzipped:
        data = gzip.decompress(data)
    cls = example_class()
    for record in read_records(data, path):
        print(json.dumps(decode_example(cls, record), sort_keys=True))


def hdf5(path):
    import h5py

    def value(v):
        if isinstance(v, bytes):
            return v.decode("utf-8")
        if isinstance(v, np.ndarray):
            return [value(x) for x in v.tolist()] if v.dtype == object else v.tolist()
        if isinstance(v, (list, tuple)):
            return [value(x) for x in v]
        if isinstance(v, np.generic):
            return v.item()
        return v

    out = {"attrs": {k: value(v) for k, v in sorted(h5py.File(path, "r").attrs.items())}}
    with h5py.File(path, "r") as f:
        for split in f:
            g = f[split]
            out[split] = {
                "x": g["x"][:].tolist(),
                "x_dtype": str(g["x"].dtype),
                "x_chunks": list(g["x"].chunks),
                "x_maxshape": [m if m is not None else -1 for m in g["x"].maxshape],
                "compression": g["x"].compression,
                "shuffle": g["x"].shuffle,
                "y": g["y"][:].tolist(),
                "y_dtype": str(g["y"].dtype),
                "id": [s for s in g["id"].asstr()[:]],
                "id_type": str(h5py.check_string_dtype(g["id"].dtype)),
            }
    print(json.dumps(out))


def read_pnm(path):
    """Binary PGM (P5) or PPM (P6), 8-bit: (height, width, channels) uint8."""
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if maxval > 255:
        raise SystemExit(f"{path}: 16-bit PNM not supported here")
    c = 1 if magic == b"P5" else 3
    return np.frombuffer(data[pos + 1:pos + 1 + w * h * c], np.uint8).reshape(h, w, c)


def expected_samples(manifest):
    """(split, id, label, array) per manifest line, arrays as the export should hold them."""
    base = os.path.dirname(os.path.abspath(manifest))
    out = []
    for line in open(manifest, encoding="utf-8"):
        if not line.strip():
            continue
        d = json.loads(line)
        feats = d.get("features")
        path = None
        if feats:
            x = np.load(os.path.join(base, feats["path"]))
        else:
            path = os.path.join(base, d["path"])
            if path.lower().endswith((".png", ".jpg", ".jpeg")):
                x = None  # no decoder here: only exported as the encoded file
            elif path.endswith((".pgm", ".ppm")):
                x = read_pnm(path)
            elif path.endswith(".csv"):
                import csv
                rows = [r for r in csv.reader(open(path)) if r]
                try:
                    [float(v) for v in rows[0]]
                except ValueError:
                    rows = rows[1:]
                x = np.array(rows, dtype=np.float32)
            else:
                import soundfile
                x, _ = soundfile.read(path, dtype="float32", always_2d=False)
        out.append((d.get("split") or "all", d["id"], d.get("label", ""), x, path))
    return out


def in_export_order(samples, seed):
    """The export's order of one split's samples: seed None keeps manifest order."""
    if seed is None:
        return samples
    import hashlib

    def key(i):
        return (hashlib.sha256(f"{seed}:{samples[i][1]}".encode()).hexdigest()[:16], i)
    return [samples[i] for i in sorted(range(len(samples)), key=key)]


def fail(msg):
    raise SystemExit("export_check: " + msg)


def verify_tfrecord(out, manifest, gzipped, keys, encoding=None, x_encoding="raw", seed=0):
    info = json.load(open(os.path.join(out, "dataset_info.json")))
    tp = json.load(open(os.path.join(out, "tinyprep.json")))
    feats = json.load(open(os.path.join(out, "features.json")))["featuresDict"]["features"]
    k = {"x": "x", "shape": "shape", "label": "label", "label_name": "label_name", "id": "id"}
    k.update(keys)
    labels = open(os.path.join(out, k["label"] + ".labels.txt"), encoding="utf-8").read()
    labels = labels.splitlines()
    if labels != tp["label_names"]:
        fail("labels.txt and tinyprep.json disagree")
    if set(feats) != set(k.values()):
        fail(f"features.json has {sorted(feats)}")
    if feats[k["label"]]["classLabel"]["numClasses"] != str(len(labels)):
        fail("features.json numClasses")
    by_split = {}
    for sample in expected_samples(manifest):
        by_split.setdefault(sample[0], []).append(sample)
    if [s["name"] for s in info["splits"]] != sorted(by_split, key=lambda s: (
            {"train": 0, "validation": 1, "test": 2, "all": 4}.get(s, 3), s)):
        fail(f"splits {[s['name'] for s in info['splits']]} vs manifest {sorted(by_split)}")
    cls = example_class()
    name = info["name"]
    files_seen = set()
    total = 0
    for split in info["splits"]:
        n = len(split["shardLengths"])
        records = []
        num_bytes = 0
        for i, length in enumerate(split["shardLengths"]):
            fname = f"{name}-{split['name']}.tfrecord-{i:05d}-of-{n:05d}"
            files_seen.add(fname)
            data = open(os.path.join(out, fname), "rb").read()
            if gzipped:
                data = gzip.decompress(data)
            shard = list(read_records(data, fname))
            if len(shard) != int(length):
                fail(f"{fname}: {len(shard)} records, dataset_info.json says {length}")
            num_bytes += sum(len(r) for r in shard)
            records += shard
        if str(num_bytes) != split["numBytes"]:
            fail(f"{split['name']}: numBytes {split['numBytes']}, records hold {num_bytes}")
        expected = in_export_order(by_split[split["name"]], seed)
        if len(records) != len(expected):
            fail(f"{split['name']}: {len(records)} records, manifest has {len(expected)}")
        for record, (_, sid, label, x, path) in zip(records, expected):
            ex = decode_example(cls, record)
            got = ex[k["x"]]
            if encoding:
                data = bytes.fromhex(got["value"][0])
                same = path.lower().endswith({"png": (".png",), "jpeg": (".jpg", ".jpeg")}[encoding])
                magic = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}[encoding]
                if got["kind"] != "bytes_list" or not data.startswith(magic):
                    fail(f"{sid}: x is not a {encoding} file")
                if same and data != open(path, "rb").read():
                    fail(f"{sid}: x is not the file's bytes")
                if x is not None and ex[k["shape"]]["value"] != list(x.shape):
                    fail(f"{sid}: shape {ex[k['shape']]['value']} != {list(x.shape)}")
            elif x.dtype != np.float32 and x_encoding == "raw":
                if got["kind"] != "bytes_list" or len(got["value"]) != 1:
                    fail(f"{sid}: x is {got['kind']}, not one raw bytes value")
                data = bytes.fromhex(got["value"][0])
                if data != x.astype(x.dtype.newbyteorder("<")).tobytes():
                    fail(f"{sid}: x bytes differ from the little-endian array")
                if ex[k["shape"]]["value"] != list(x.shape):
                    fail(f"{sid}: shape {ex[k['shape']]['value']} != {list(x.shape)}")
            else:
                kind = "float_list" if x.dtype == np.float32 else "int64_list"
                if got["kind"] != kind:
                    fail(f"{sid}: x is {got['kind']}")
                want = x.reshape(-1).astype(np.float32 if kind == "float_list" else np.int64)
                if not np.array_equal(np.array(got["value"], dtype=want.dtype), want):
                    fail(f"{sid}: x values differ")
                if ex[k["shape"]]["value"] != list(x.shape):
                    fail(f"{sid}: shape {ex[k['shape']]['value']} != {list(x.shape)}")
            want_label = labels.index(label) if label else -1
            if ex[k["label"]]["value"] != [want_label]:
                fail(f"{sid}: label {ex[k['label']]['value']} != {want_label}")
            if bytes.fromhex(ex[k["label_name"]]["value"][0]).decode() != label:
                fail(f"{sid}: label_name")
            if bytes.fromhex(ex[k["id"]]["value"][0]).decode() != sid:
                fail(f"{sid}: id")
            total += 1
    shards = {f for f in os.listdir(out) if ".tfrecord-" in f}
    if shards != files_seen:
        fail(f"shard files {sorted(shards - files_seen)} not in dataset_info.json")
    print(f"ok: {total} examples in {len(files_seen)} shards")


def verify_hdf5(path, manifest, compression, encoding=None, seed=0):
    import h5py
    by_split = {}
    for sample in expected_samples(manifest):
        by_split.setdefault(sample[0], []).append(sample)
    with h5py.File(path, "r") as f:
        labels = [str(v) for v in f.attrs["label_names"]]
        for key in ("feature_config", "tinyprep_version", "command"):
            if key not in f.attrs:
                fail(f"no root attribute {key}")
        json.loads(f.attrs["feature_config"])
        if sorted(f.keys()) != sorted(by_split):
            fail(f"groups {sorted(f.keys())} vs splits {sorted(by_split)}")
        total = 0
        for split, expected in by_split.items():
            expected = in_export_order(expected, seed)
            g = f[split]
            x, y, ids = g["x"], g["y"][:], g["id"].asstr()[:]
            if x.shape[0] != len(expected) or len(y) != len(expected) or len(ids) != len(expected):
                fail(f"{split}: {x.shape[0]} rows, manifest has {len(expected)}")
            if x.maxshape[0] is not None or x.chunks is None:
                fail(f"{split}/x is not extendible and chunked")
            want_filter = None if compression == "none" else "gzip"
            if x.compression != want_filter or x.shuffle != (want_filter is not None):
                fail(f"{split}/x filters: {x.compression}, shuffle {x.shuffle}")
            if want_filter and x.compression_opts != 4:
                fail(f"{split}/x gzip level {x.compression_opts}")
            if encoding:
                magic = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff"}[encoding]
                for i, (_, sid, label, want, src) in enumerate(expected):
                    data = bytes(x[i])
                    if not data.startswith(magic):
                        fail(f"{split}/x[{i}] ({sid}) is not a {encoding} file")
                    if want is None and data != open(src, "rb").read():
                        fail(f"{split}/x[{i}] ({sid}) is not the file's bytes")
                    if y[i] != (labels.index(label) if label else -1) or ids[i] != sid:
                        fail(f"{split}/y or id [{i}] ({sid})")
                    total += 1
                continue
            if y.dtype != np.int64:
                fail(f"{split}/y is {y.dtype}")
            xs = x[:]
            for i, (_, sid, label, want, _) in enumerate(expected):
                if xs[i].dtype != want.dtype or not np.array_equal(xs[i], want):
                    fail(f"{split}/x[{i}] ({sid}) differs")
                if y[i] != (labels.index(label) if label else -1):
                    fail(f"{split}/y[{i}] ({sid}) is {y[i]}")
                if ids[i] != sid:
                    fail(f"{split}/id[{i}] is {ids[i]}, expected {sid}")
                total += 1
    print(f"ok: {total} samples")


if __name__ == "__main__":
    if sys.argv[1] == "tfrecord":
        tfrecord(sys.argv[2], "--gzip" in sys.argv[3:])
    elif sys.argv[1] == "hdf5":
        hdf5(sys.argv[2])
    elif sys.argv[1] == "verify-tfrecord":
        rest = sys.argv[4:]
        keys = dict(rest[i + 1].split("=", 1) for i, a in enumerate(rest) if a == "--key")
        enc = rest[rest.index("--image-encoding") + 1] if "--image-encoding" in rest else None
        xenc = rest[rest.index("--x-encoding") + 1] if "--x-encoding" in rest else "raw"
        seed = None if "--no-shuffle" in rest else (
            int(rest[rest.index("--seed") + 1]) if "--seed" in rest else 0)
        verify_tfrecord(sys.argv[2], sys.argv[3], "--gzip" in rest, keys, enc, xenc, seed)
    elif sys.argv[1] == "verify-hdf5":
        rest = sys.argv[4:]
        enc = rest[rest.index("--image-encoding") + 1] if "--image-encoding" in rest else None
        seed = None if "--no-shuffle" in rest else (
            int(rest[rest.index("--seed") + 1]) if "--seed" in rest else 0)
        verify_hdf5(sys.argv[2], sys.argv[3], "none" if "none" in rest else "gzip", enc, seed)
    else:
        raise SystemExit(__doc__)
