#!/usr/bin/python3
"""The NumPy/SciPy/h5py baseline for bench/features_bench.sh, and the clip generator.

  features_numpy.py make-clips FSDD_DIR OUT_DIR N
      N one-second 16 kHz int16 clips in OUT_DIR/<digit>/, made deterministically from the FSDD
      recordings: upsampled 2x (scipy resample_poly), placed at a seeded offset in 1 s, a seeded
      gain, and seeded white noise.
  features_numpy.py run CLIPS_DIR OUT_DIR [--dense-mel]
      The same job as `tinyprep import | features | export hdf5 + tfrecord`, the way a competent
      NumPy user writes it: list the clips, read them all (soundfile), 40-band log-mel (n_fft 512,
      win 480, hop 320, no centering, Slaney mel, power_to_db ref 1, amin 1e-10, top_db 80)
      batched over clips with scipy.fft in float32, then OUT_DIR/features.h5 (/all/x, y, id;
      gzip 4 + shuffle, as tinyprep's export) and OUT_DIR/data-all.tfrecord (tf.train.Example
      with x, shape, label, label_name, id; CRC32C framing). Prints the stage times as JSON
      (wall seconds; features_cpu: the CPU seconds of read + compute).
"""
import json
import os
import struct
import sys
import time

T0 = time.perf_counter()
import crc32c  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import scipy.fft  # noqa: E402
import scipy.signal  # noqa: E402
import scipy.sparse  # noqa: E402
import soundfile as sf  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # noqa: E402

T_IMPORTS = time.perf_counter() - T0
RATE, N_FFT, WIN, HOP, N_MELS = 16000, 512, 480, 320, 40


def make_clips(fsdd, out, n):
    names = sorted(f for f in os.listdir(fsdd) if f.endswith(".wav"))
    for k in range(n):
        name = names[k % len(names)]
        rng = np.random.default_rng(k)
        x, rate = sf.read(os.path.join(fsdd, name), dtype="float64")
        assert rate == 8000
        x = scipy.signal.resample_poly(x, 2, 1)[:RATE]
        y = np.zeros(RATE)
        offset = int(rng.integers(0, RATE - len(x) + 1))
        y[offset:offset + len(x)] = x * rng.uniform(0.3, 1.5)
        y += rng.normal(0, 10 ** rng.uniform(-4, -2.5), RATE)
        pcm = np.clip(np.round(y * 32768), -32768, 32767).astype(np.int16)
        digit, speaker, take = name[:-4].split("_")
        os.makedirs(os.path.join(out, digit), exist_ok=True)
        sf.write(os.path.join(out, digit, f"{speaker}_{take}_{k:04d}.wav"), pcm, RATE,
                 subtype="PCM_16")


def slaney_mel(f):
    f = np.asarray(f, np.float64)
    log_part = 15 + 27 * np.log(np.maximum(f, 1e-9) / 1000) / np.log(6.4)
    return np.where(f < 1000, 3 * f / 200, log_part)


def slaney_hz(m):
    m = np.asarray(m, np.float64)
    return np.where(m < 15, 200 * m / 3, 1000 * np.exp((m - 15) * np.log(6.4) / 27))


def mel_matrix():
    pts = slaney_hz(np.linspace(slaney_mel(0), slaney_mel(RATE / 2), N_MELS + 2))
    f = np.arange(N_FFT // 2 + 1) * RATE / N_FFT
    rise = (f[None, :] - pts[:-2, None]) / (pts[1:-1] - pts[:-2])[:, None]
    fall = (pts[2:, None] - f[None, :]) / (pts[2:] - pts[1:-1])[:, None]
    w = np.maximum(0, np.minimum(rise, fall)) * (2 / (pts[2:] - pts[:-2]))[:, None]
    return w.astype(np.float32)


def logmel(audio, mel):
    """audio (clips, samples) float32 -> (clips, frames, 40) float32. `mel` is the transposed
    filterbank as a scipy.sparse matrix: Debian's numpy links the reference BLAS, with which
    the dense (librosa-style) product costs ten times the rest (--dense-mel measures that)."""
    window = np.zeros(N_FFT, np.float32)
    window[(N_FFT - WIN) // 2:][:WIN] = scipy.signal.get_window("hann", WIN, fftbins=True)
    frames = np.lib.stride_tricks.sliding_window_view(audio, N_FFT, axis=1)[:, ::HOP]
    spec = scipy.fft.rfft(frames * window, axis=-1, workers=1)
    power = spec.real ** 2 + spec.imag ** 2
    energies = (power.reshape(-1, power.shape[-1]) @ mel).reshape(power.shape[:2] + (N_MELS,))
    db = 10 * np.log10(np.maximum(np.float32(1e-10), energies))
    return np.maximum(db, db.max(axis=(1, 2), keepdims=True) - 80)


def example_class():
    """tf.train.Example built at runtime from a FileDescriptorProto (no TensorFlow)."""
    f = descriptor_pb2.FileDescriptorProto(name="example.proto", package="tensorflow",
                                           syntax="proto3")
    T = descriptor_pb2.FieldDescriptorProto
    rep, opt = T.LABEL_REPEATED, T.LABEL_OPTIONAL
    for name, ftype in (("BytesList", T.TYPE_BYTES), ("FloatList", T.TYPE_FLOAT),
                        ("Int64List", T.TYPE_INT64)):
        field = f.message_type.add(name=name).field.add(name="value", number=1, type=ftype,
                                                        label=rep)
        if ftype != T.TYPE_BYTES:
            field.options.packed = True
    feature = f.message_type.add(name="Feature")
    feature.oneof_decl.add(name="kind")
    for number, (name, kind) in enumerate((("bytes_list", "BytesList"),
                                           ("float_list", "FloatList"),
                                           ("int64_list", "Int64List")), 1):
        feature.field.add(name=name, number=number, type=T.TYPE_MESSAGE, label=opt,
                          type_name=".tensorflow." + kind, oneof_index=0)
    features = f.message_type.add(name="Features")
    entry = features.nested_type.add(name="FeatureEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=T.TYPE_STRING, label=opt)
    entry.field.add(name="value", number=2, type=T.TYPE_MESSAGE, label=opt,
                    type_name=".tensorflow.Feature")
    features.field.add(name="feature", number=1, type=T.TYPE_MESSAGE, label=rep,
                       type_name=".tensorflow.Features.FeatureEntry")
    f.message_type.add(name="Example").field.add(name="features", number=1,
                                                 type=T.TYPE_MESSAGE, label=opt,
                                                 type_name=".tensorflow.Features")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.MessageFactory(pool).GetPrototype(
        pool.FindMessageTypeByName("tensorflow.Example"))


def masked_crc(data):
    crc = crc32c.crc32c(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def run(clips, out, dense_mel=False):
    times = {"python_imports": T_IMPORTS}
    t = time.perf_counter()
    labels = sorted(d for d in os.listdir(clips) if os.path.isdir(os.path.join(clips, d)))
    files, ys = [], []
    for i, label in enumerate(labels):
        for name in sorted(os.listdir(os.path.join(clips, label))):
            files.append(os.path.join(clips, label, name))
            ys.append(i)
    ids = [os.path.splitext(os.path.basename(p))[0] for p in files]
    times["list"] = time.perf_counter() - t

    t, c = time.perf_counter(), time.process_time()
    audio = np.zeros((len(files), RATE), np.float32)
    for i, path in enumerate(files):
        x, rate = sf.read(path, dtype="float32")
        assert rate == RATE
        audio[i, :min(len(x), RATE)] = x[:RATE]
    times["read"] = time.perf_counter() - t
    read_cpu = time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    mel = mel_matrix().T if dense_mel else scipy.sparse.csr_matrix(mel_matrix().T)
    x = np.concatenate([logmel(audio[i:i + 100], mel) for i in range(0, len(files), 100)])
    times["compute"] = time.perf_counter() - t
    times["features"] = times["read"] + times["compute"]
    # CPU seconds of the same two stages (this process): a figure a loaded machine moves less.
    times["features_cpu"] = read_cpu + time.process_time() - c

    t = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    with h5py.File(os.path.join(out, "features.h5"), "w") as h:
        g = h.create_group("all")
        g.create_dataset("x", data=x, chunks=(min(133, len(x)),) + x.shape[1:], compression="gzip",
                         compression_opts=4, shuffle=True)
        g.create_dataset("y", data=np.array(ys, np.int64), compression="gzip", shuffle=True)
        g.create_dataset("id", data=np.array(ids, dtype=object), dtype=h5py.string_dtype(),
                         compression="gzip")
        h.attrs["label_names"] = labels
    times["hdf5"] = time.perf_counter() - t

    t = time.perf_counter()
    Example = example_class()
    with open(os.path.join(out, "data-all.tfrecord-00000-of-00001"), "wb") as f:
        for i in range(len(files)):
            e = Example()
            feat = e.features.feature
            feat["x"].float_list.value.extend(x[i].ravel())
            feat["shape"].int64_list.value.extend(x[i].shape)
            feat["label"].int64_list.value.append(ys[i])
            feat["label_name"].bytes_list.value.append(labels[ys[i]].encode())
            feat["id"].bytes_list.value.append(ids[i].encode())
            data = e.SerializeToString()
            length = struct.pack("<Q", len(data))
            f.write(length + struct.pack("<I", masked_crc(length)) + data +
                    struct.pack("<I", masked_crc(data)))
    times["tfrecord"] = time.perf_counter() - t
    times["clips"] = len(files)
    print(json.dumps(times))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "make-clips":
        make_clips(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], sys.argv[4:] == ["--dense-mel"])
    else:
        sys.exit(__doc__)
