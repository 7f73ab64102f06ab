"""The OpenCV-Python baseline of bench/crop_bench.sh, and its helpers.

  crop_cv2.py make SRC_DIR OUT_DIR N   N ~640x480 JPEGs made from the photos in SRC_DIR
  crop_cv2.py run LIST OUT_DIR         each file of LIST -> 96x96 gray fit-shortest PNG
  crop_cv2.py run-reduced LIST OUT_DIR the same, decoding at half scale as tinyprep does
                                       (cv2.IMREAD_REDUCED_GRAYSCALE_2; 640x480 inputs only)
  crop_cv2.py compare DIR_A DIR_B      mean absolute difference of the PNGs of both folders
                                       (DIR_A's <label>-<name>.png against DIR_B's <name>.png)

`run` is what a user's script does per file: cv2.imread, cv2.cvtColor(BGR2GRAY), cv2.resize
(INTER_AREA) so that the shorter side is 96 (round(w * s)), the centre 96x96 cut out
((n - 96) // 2), cv2.imwrite PNG; one thread (cv2.setNumThreads(1)).
"""
import os
import sys

import cv2
import numpy as np


def make(src_dir, out_dir, n):
    """Deterministic: photo k % len, a window of 55-100% of it at a seeded place, mirrored on
    odd k, brightness and contrast jittered, resized to 640x480, JPEG quality 85-95."""
    names = sorted(f for f in os.listdir(src_dir) if f.lower().endswith((".png", ".jpg")))
    photos = [cv2.imread(os.path.join(src_dir, f), cv2.IMREAD_COLOR) for f in names]
    rng = np.random.default_rng(13)
    os.makedirs(out_dir, exist_ok=True)
    for k in range(n):
        img = photos[k % len(photos)]
        h, w = img.shape[:2]
        share = rng.uniform(0.55, 1.0)
        cw, ch = int(w * share), int(h * share)
        x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        part = img[y:y + ch, x:x + cw]
        if k % 2:
            part = part[:, ::-1]
        part = cv2.resize(part, (640, 480), interpolation=cv2.INTER_AREA if cw >= 640 else cv2.INTER_LINEAR)
        part = np.clip(part * rng.uniform(0.8, 1.2) + rng.uniform(-20, 20), 0, 255).astype(np.uint8)
        q = int(rng.integers(85, 96))
        cv2.imwrite(os.path.join(out_dir, "img%04d.jpg" % k), part, [cv2.IMWRITE_JPEG_QUALITY, q])


def run(list_file, out_dir, size=96, reduced=False):
    cv2.setNumThreads(1)
    os.makedirs(out_dir, exist_ok=True)
    for path in open(list_file).read().split("\n"):
        if not path:
            continue
        if reduced:  # planned for the whole 640x480 image, as tinyprep does
            gray, (h, w) = cv2.imread(path, cv2.IMREAD_REDUCED_GRAYSCALE_2), (480, 640)
        else:
            img = cv2.imread(path, cv2.IMREAD_COLOR)
            gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
            h, w = gray.shape
        s = max(size / w, size / h)
        nw, nh = round(w * s), round(h * s)
        r = cv2.resize(gray, (nw, nh), interpolation=cv2.INTER_AREA)
        x0, y0 = (nw - size) // 2, (nh - size) // 2
        name = os.path.splitext(os.path.basename(path))[0] + ".png"
        cv2.imwrite(os.path.join(out_dir, name), r[y0:y0 + size, x0:x0 + size])


def compare(a_dir, b_dir):
    mads = []
    for name in sorted(f for f in os.listdir(a_dir) if f.endswith(".png")):
        other = name if os.path.exists(os.path.join(b_dir, name)) else name.split("-", 1)[-1]
        a = cv2.imread(os.path.join(a_dir, name), cv2.IMREAD_UNCHANGED).astype(np.int32)
        b = cv2.imread(os.path.join(b_dir, other), cv2.IMREAD_UNCHANGED).astype(np.int32)
        assert a.shape == b.shape, (name, a.shape, b.shape)
        mads.append(np.abs(a - b).mean())
    mads = np.array(mads)
    print("files %d, mean absolute difference: mean %.3f, largest %.3f (of one file)"
          % (len(mads), mads.mean(), mads.max()))
    return 0 if len(mads) and mads.max() <= 2 else 1


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "run":
        run(sys.argv[2], sys.argv[3])
    elif cmd == "run-reduced":
        run(sys.argv[2], sys.argv[3], reduced=True)
    elif cmd == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
