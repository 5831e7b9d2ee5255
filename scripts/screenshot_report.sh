#!/usr/bin/env bash
# Renders a report.html with headless Chromium (Debian package 'chromium') into a PNG, to look at it.
#   bash scripts/screenshot_report.sh runs/<run>/report.html /tmp/report.png [width] [height]
set -euo pipefail
report=$(realpath "$1")
out=${2:-/tmp/report.png}
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$out" \
  --window-size="${3:-1280},${4:-2400}" "file://$report" 2>/dev/null
echo "$out"
