#!/usr/bin/env bash
# One-time set-up of a Debian/Ubuntu machine for LeNetFashion; idempotent and quiet when nothing is needed.
# 1. Fashion-MNIST (scripts/get-data.sh): apt package dataset-fashion-mnist, or a verified download.
# 2. A font for the plots (fonts-dejavu-core), when none is installed.
# 3. patchelf, when this host needs the compat runtime (its libstdc++ lacks GLIBCXX_3.4.32).
# 4. The compat runtime itself (scripts/compat-runtime.sh).
# Needs root (or sudo) for apt. Other systems: see README "Platform notes".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
bash "$here/get-data.sh"
# Plots need a font (SkiaSharp draws no text without one).
if ! ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1 && command -v apt-get >/dev/null; then
  echo "setup: installing fonts-dejavu-core with apt" >&2
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq fonts-dejavu-core >/dev/null
fi
if [ "$(bash "$here/compat-runtime.sh" status)" != not-needed ]; then
  if ! command -v patchelf >/dev/null; then
    echo "setup: installing patchelf with apt" >&2
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq patchelf >/dev/null
  fi
  bash "$here/compat-runtime.sh" install
fi
