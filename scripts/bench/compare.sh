#!/usr/bin/env bash
# Seconds per epoch of this tool against PyTorch, same recipe, same machine, back to back.
# Usage: bash scripts/bench/compare.sh [epochs=3] [threads=2]
# Needs Debian's python3-torch (apt-get install -y python3-torch) for the PyTorch side; the tool runs its
# Release build. Run on an idle machine: these machines' speed varies by about ±15 % from run to run.
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs="${1:-3}"
threads="${2:-2}"
dotnet build src/LeNetFashion.Cli -c Release -v q -nologo >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), $threads threads:"
/usr/bin/python3 scripts/bench/pytorch_epoch.py "$epochs" "$threads" | tee "$out/py.log"
echo "lenet-fashion (TorchSharp), $threads threads:"
src/LeNetFashion.Cli/bin/Release/net10.0/lenet-fashion train --epochs "$epochs" --threads "$threads" --seed 0 \
  --output "$out/run" | grep '^Epoch' | tee "$out/cs.log"
py=$(grep -oE '[0-9.]+ s$' "$out/py.log" | awk '{s+=$1; n++} END {printf "%.2f", s/n}')
cs=$(grep -oE '[0-9.]+ s' "$out/cs.log" | awk '{s+=$1; n++} END {printf "%.2f", s/n}')
echo "mean seconds per epoch: PyTorch $py, lenet-fashion $cs (ratio $(awk -v a="$cs" -v b="$py" 'BEGIN {printf "%.2f", a/b}'))"
