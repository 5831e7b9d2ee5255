#!/usr/bin/env bash
# Resident memory of a training run, sampled every second: prints the RSS at each epoch line and the peak.
# Usage: bash scripts/bench/memory.sh [train options...]   (builds first; default: the full 25-epoch run)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/LeNetFashion.Cli -c Release -v q -nologo >/dev/null
exe=src/LeNetFashion.Cli/bin/Release/net10.0/lenet-fashion
out=$(mktemp -d)
log="$out/train.log"
"$exe" train --output "$out/run" "$@" > "$log" 2>&1 &
pid=$!
peak=0
seen=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ -n "$rss" ] && [ "$rss" -gt "$peak" ] && peak=$rss
  n=$(grep -c '^Epoch' "$log" || true)
  if [ "$n" -gt "$seen" ]; then
    seen=$n
    echo "$(grep '^Epoch' "$log" | tail -1 | cut -c1-90)  RSS $((rss / 1024)) MiB"
  fi
  sleep 1
done
wait "$pid" || true
grep -E '^(Test accuracy|Most confused)' "$log" || true
echo "peak RSS (sampled): $((peak / 1024)) MiB"
rm -rf "$out"
