#!/usr/bin/env bash
# Provision Fashion-MNIST (the four IDX files) for LeNetFashion.
#
# - On Debian/Ubuntu: installs the package dataset-fashion-mnist with apt (files in
#   /usr/share/datasets/fashion-mnist/, found by the tool without options).
# - Elsewhere (or with --download): downloads the four files from the official mirror into
#   data/fashion-mnist/ (or the folder given as the first argument after --download).
# Either way the decompressed content is verified against SHA-256 values of the official files
# (the same values as FashionMnist.DecompressedSha256 in src/LeNetFashion/Data/FashionMnist.cs).
# Idempotent: does nothing when verified files are already present.
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
