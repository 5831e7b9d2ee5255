#!/usr/bin/env python3
"""Re-draws Fashion-MNIST test images as product photos and checks that `predict` classifies them as the originals.

Each chosen test image (seeded) is drawn dark on white (255 - v, as a garment photographed on a light background),
enlarged 2-8 times, on a white canvas whose four margins are each 0.25-3 times the garment's size (so the canvas is
wide, tall or square), and written as a PNG. `predict` classifies the pictures with the model's own preparation (a
Fashion-MNIST model: trim, fit), and again with `--prepare none` (the whole canvas fitted); the script reports how
often each agrees with the class the model gives the original IDX image, and the mean pixel difference between the
input the model saw (`--save-input`) and the original. Standard library only.

    python3 scripts/prepare_check.py /tmp/prep --model runs/<run>/model.dat [--count 300] [--seed 0]
"""
import argparse
import gzip
import json
import os
import random
import struct
import subprocess
import sys
import zlib

DATA = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(REPO, "src/LeNetFashion.Cli/bin/Release/net10.0/lenet-fashion")


def read_images(path):
    with gzip.open(path) as f:
        data = f.read()
    n, rows, cols = struct.unpack(">III", data[4:16])
    size = rows * cols
    return [data[16 + i * size:16 + (i + 1) * size] for i in range(n)]


def write_png(path, width, height, grey_rows):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in grey_rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def read_png_grey(path):
    """Reads an 8-bit grey, non-interlaced PNG as written by the tool's --save-input (filters undone)."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[body[9]]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[::bpp]))
        prev = line
    return b"".join(rows)


def predict(args):
    out = subprocess.run([CLI, "predict", *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"predict failed ({out.returncode}): {out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--model", required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    images = read_images(DATA)
    rng = random.Random(args.seed)
    chosen = rng.sample(range(len(images)), args.count)
    files = []
    for i in chosen:
        scale = rng.randint(2, 8)
        side = 28 * scale
        left, top, right, bottom = (int(side * rng.uniform(0.25, 3)) for _ in range(4))
        width, height = side + left + right, side + top + bottom
        original = images[i]
        rows = []
        for y in range(height):
            iy = (y - top) // scale
            row = bytearray(b"\xff" * width)
            if 0 <= iy < 28 and y >= top:
                for ix in range(28):
                    v = 255 - original[iy * 28 + ix]
                    start = left + ix * scale
                    row[start:start + scale] = bytes([v]) * scale
            rows.append(row)
        path = os.path.join(args.folder, f"test-{i}.png")
        write_png(path, width, height, rows)
        files.append(path)

    originals = {p["index"]: p["label"] for p in predict(["--model", args.model, "--idx", DATA, "--index", "0", "--count", str(len(images)), "--json"])}
    report = {}
    for mode in ("auto", "none"):
        saved = os.path.join(args.folder, f"input-{mode}")
        results = predict(["--model", args.model, "--json", "--prepare", mode, "--save-input", saved, *files])
        agree = sum(1 for i, r in zip(chosen, results) if r["label"] == originals[i])
        diffs = []
        for i in chosen:
            seen = read_png_grey(os.path.join(saved, f"test-{i}.png"))
            diffs.append(sum(abs(a - b) for a, b in zip(seen, images[i])) / 784)
        report[mode] = (results[0]["preparation"], agree, sum(diffs) / len(diffs))
    for mode, (preparation, agree, diff) in report.items():
        print(f"--prepare {mode} ({preparation}): {agree} of {args.count} ({100 * agree / args.count:.1f} %) classified as the original; "
              f"mean pixel difference from the original {diff:.2f} grey levels")


if __name__ == "__main__":
    main()
