#!/usr/bin/env bash
# Side-by-side benchmark of `lenet-fashion train` against PyTorch (OpenBLAS and default BLAS) in alternating
# rounds, plus the tutorial's DataLoader pipeline once and the arithmetic floor; see benchmark.py.
# Usage: bash scripts/bench/benchmark.sh [--rounds 4] [--epochs 3] [--out scripts/bench/results]
#                                        [--skip-default-blas] [--skip-dataloader] [--no-build] [--limit N]
# Needs Debian's python3-torch (apt-get install -y python3-torch). Run by hand on an idle machine.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/benchmark.py" "$@"
