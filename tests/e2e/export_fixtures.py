#!/usr/bin/python3
"""Builds the inputs of the export tests from the shared real recordings.

  export_fixtures.py fsdd-features FSDD_DIR OUT_DIR [--dtype float32|int8|uint16] [--limit N]
      OUT_DIR/feats.jsonl with one line per FSDD clip (id, path, label, group, split by
      speaker) and OUT_DIR/feats/<id>.npy: the clip's first 1960 samples as a 49x40 array
      (zero padded), in the given dtype. Paths in the manifest are relative to OUT_DIR.
"""
import json
import os
import sys

import numpy as np
import soundfile

SPLIT_BY_SPEAKER = {"theo": "validation", "yweweler": "test"}


def fsdd_features(src, out, dtype, limit):
    os.makedirs(os.path.join(out, "feats"), exist_ok=True)
    names = sorted(f for f in os.listdir(src) if f.endswith(".wav"))[:limit]
    with open(os.path.join(out, "feats.jsonl"), "w") as manifest:
        for name in names:
            digit, speaker, take = name[:-4].split("_")
            audio, _ = soundfile.read(os.path.join(src, name), dtype="float32")
            x = np.zeros(49 * 40, np.float32)
            n = min(len(audio), x.size)
            x[:n] = audio[:n]
            if dtype == "int8":
                x = np.clip(np.round(x * 1000), -128, 127)
            elif dtype == "uint16":
                x = np.round((x + 1) * 30000)
            x = x.astype(dtype).reshape(49, 40)
            sid = f"{digit}_{speaker}_{take}"
            path = f"feats/{sid}.npy"
            np.save(os.path.join(out, path), x)
            line = {"id": sid, "path": os.path.relpath(os.path.join(src, name), out),
                    "label": digit, "group": speaker,
                    "split": SPLIT_BY_SPEAKER.get(speaker, "train"),
                    "features": {"path": path, "shape": [49, 40], "dtype": dtype,
                                 "config": {"preset": "test", "version": 1}}}
            manifest.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 3 or args[0] != "fsdd-features":
        raise SystemExit(__doc__)
    opts = dict(zip(args[3::2], args[4::2]))
    fsdd_features(args[1], args[2], opts.get("--dtype", "float32"),
                  int(opts["--limit"]) if "--limit" in opts else None)
