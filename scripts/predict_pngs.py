#!/usr/bin/env python3
"""Writes ten PNG files made from Fashion-MNIST test images 0-9, in pixel formats and layouts a real user might
have, then (with --model) classifies them with `predict` and compares each with the class the model gives the
original IDX image (`predict --idx … --index i`). Standard library only (PNG written with zlib + struct).

    python3 scripts/predict_pngs.py /tmp/pngs --model runs/<run>/model.dat
"""
import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import zlib

DATA = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(REPO, "src/LeNetFashion.Cli/bin/Debug/net10.0/lenet-fashion")


def read_images(path, count):
    with gzip.open(path) as f:
        data = f.read()
    n, rows, cols = struct.unpack(">III", data[4:16])
    size = rows * cols
    return [list(data[16 + i * size:16 + (i + 1) * size]) for i in range(count)], rows, cols


def png(path, width, height, rows, colour_type, bit_depth=8, palette=None):
    """rows: list of bytes objects, one per row, already in the PNG sample layout (big-endian for 16-bit)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + r for r in rows)  # filter type 0 (None) on every row
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0))
    if palette is not None:
        out += chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    out += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(out)


def grid(img, rows, cols):
    return [img[r * cols:(r + 1) * cols] for r in range(rows)]


def enlarge(g, k):
    return [[v for v in row for _ in range(k)] for row in g for _ in range(k)]


def pad(g, top, bottom, left, right, value):
    width = len(g[0]) + left + right
    return [[value] * width for _ in range(top)] + [[value] * left + row + [value] * right for row in g] + [[value] * width for _ in range(bottom)]


def write_all(out, images, rows, cols):
    os.makedirs(out, exist_ok=True)
    made = []

    def grey8(name, g, what):
        png(os.path.join(out, name), len(g[0]), len(g), [bytes(r) for r in g], 0)
        made.append((name, what))

    g = [grid(im, rows, cols) for im in images]
    inv = lambda m: [[255 - v for v in row] for row in m]
    grey8("0-grey8-28.png", g[0], "8-bit grey, 28 x 28, as stored")
    grey8("1-grey8-280.png", enlarge(g[1], 10), "8-bit grey, enlarged to 280 x 280")
    rgb = enlarge(g[2], 10)
    png(os.path.join(out, "2-rgb-280.png"), 280, 280, [bytes(v for p in row for v in (p, p, p)) for row in rgb], 2)
    made.append(("2-rgb-280.png", "RGB, enlarged to 280 x 280"))
    grey8("3-inverted-28.png", inv(g[3]), "inverted (dark garment on white), 28 x 28")
    grey8("4-inverted-280.png", inv(enlarge(g[4], 10)), "inverted, enlarged to 280 x 280")
    # RGBA: garment opaque, background fully transparent with WHITE colour values (ignoring alpha would give white).
    rgba = enlarge(g[5], 3)
    png(os.path.join(out, "5-rgba-transparent-84.png"), 84, 84,
        [bytes(v for p in row for v in ((p, p, p, 255) if p > 0 else (255, 255, 255, 0))) for row in rgba], 6)
    made.append(("5-rgba-transparent-84.png", "RGBA, transparent background (white under alpha 0), 84 x 84"))
    g16 = enlarge(g[6], 2)
    png(os.path.join(out, "6-grey16-56.png"), 56, 56, [b"".join(struct.pack(">H", p * 257) for p in row) for row in g16], 0, bit_depth=16)
    made.append(("6-grey16-56.png", "16-bit grey, 56 x 56"))
    pal = enlarge(g[7], 5)
    png(os.path.join(out, "7-palette-140.png"), 140, 140, [bytes(row) for row in pal], 3, palette=[(i, i, i) for i in range(256)])
    made.append(("7-palette-140.png", "palette (256 greys), 140 x 140"))
    tinted = inv(enlarge(g[8], 10))
    png(os.path.join(out, "8-inverted-rgb-tint-280.png"), 280, 280,
        [bytes(v for p in row for v in (p, p, min(255, p + 40) if p < 255 else 255)) for row in tinted], 2)
    made.append(("8-inverted-rgb-tint-280.png", "inverted RGB with a blue tint (dark garment on white), 280 x 280"))
    wide = pad(enlarge(g[9], 2), 0, 0, 14, 14, 0)
    grey8("9-wide-84x56.png", wide, "8-bit grey, 2x enlarged on an 84 x 56 black canvas (letterboxed)")
    return made




def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--model")
    a = p.parse_args()
    images, rows, cols = read_images(DATA, 10)
    made = write_all(a.out, images, rows, cols)
    if not a.model:
        for name, what in made:
            print(name, "-", what)
        return 0

    def run(extra):
        r = subprocess.run([CLI, "predict", "--model", a.model, "--json", *extra], capture_output=True, text=True)
        if r.stderr:
            sys.stderr.write(r.stderr)
        return [json.loads(line) for line in r.stdout.splitlines()]

    original = run(["--idx", DATA, "--index", "0", "--count", "10"])
    files = run([os.path.join(a.out, name) for name, _ in made])
    agree = 0
    print("| # | file | what | original (IDX) | from PNG | p | inverted | same |")
    print("|---|---|---|---|---|---|---|---|")
    for i, ((name, what), o, f) in enumerate(zip(made, original, files)):
        same = o["label"] == f["label"]
        agree += same
        print(f"| {i} | {name} | {what} | {o['class']} {o['top'][0]['probability']:.3f} | {f['class']} | {f['top'][0]['probability']:.3f} | {f['inverted']} | {'yes' if same else 'NO'} |")
    print(f"{agree} of {len(made)} agree")
    return 0 if agree >= 9 else 1


if __name__ == "__main__":
    sys.exit(main())
