#!/usr/bin/python3
"""Independent readers for what `tinyprep export` writes, used by the export tests.

TFRecord: every record's framing and both masked CRC32Cs are checked with python3-crc32c,
and each record is decoded as a tf.train.Example by python3-protobuf, with the message classes
built at runtime from a FileDescriptorProto (no protoc, no TensorFlow).

  export_check.py tfrecord FILE [--gzip]   prints one JSON object per record
  export_check.py hdf5 FILE                prints the whole file as one JSON object
"""
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


if __name__ == "__main__":
    if sys.argv[1] == "tfrecord":
        tfrecord(sys.argv[2], "--gzip" in sys.argv[3:])
    elif sys.argv[1] == "hdf5":
        hdf5(sys.argv[2])
    else:
        raise SystemExit(__doc__)
