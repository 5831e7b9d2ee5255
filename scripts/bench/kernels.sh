#!/usr/bin/env bash
# What each managed kernel buys (Runtime/Kernels.cs): alternating rounds of `train` (Release) with LENET_KERNELS =
# managed (both managed paths), libtorch (none), maxpool (managed max pooling alone) and adam (flat Adam alone).
# Seconds per epoch = median of epochs 1..E-1 of each run; each round's ratio mode / libtorch; the median of the
# per-round ratios. Every run must end with the same model.dat bytes (checked). Run on an idle machine.
# Usage: bash scripts/bench/kernels.sh [--rounds 5] [--epochs 3] [--arch lenet] [--limit N] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=5 epochs=3 arch=lenet limit="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --arch) arch=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
dotnet build -c Release src/LeNetFashion.Cli -v q -nologo >/dev/null
exe=src/LeNetFashion.Cli/bin/Release/net10.0/lenet-fashion
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
modes=(managed libtorch maxpool adam)
csv="$tmp/kernels.csv"
echo "round,mode,seconds_per_epoch" > "$csv"
for r in $(seq 1 "$rounds"); do
  for m in "${modes[@]}"; do
    LENET_KERNELS=$m "$exe" train --arch "$arch" --epochs "$epochs" --seed 0 --threads 2 ${limit:+--limit "$limit"} -o "$tmp/$m" --overwrite >/dev/null
    s=$(python3 -c "import csv,statistics,sys; rows=list(csv.DictReader(open(sys.argv[1]))); print(statistics.median(float(x['seconds']) for x in rows[1:]))" "$tmp/$m/history.csv")
    echo "$r,$m,$s" >> "$csv"
    sha=$(sha256sum "$tmp/$m/model.dat" | cut -c1-16)
    [ "$m" = managed ] && ref=$sha
    [ "$sha" = "$ref" ] || { echo "model.dat of $m differs from managed's" >&2; exit 1; }
    echo "round $r  $m  ${s} s/epoch"
  done
done
python3 - "$csv" "$arch" "$epochs" "${limit:-all}" <<'PY' | tee ${out:+"$out"}
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for row in rows:
    by.setdefault(row["round"], {})[row["mode"]] = float(row["seconds_per_epoch"])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
avx = "AVX-512" if "avx512f" in open("/proc/cpuinfo").read() else "AVX2"
print(f"# Kernel modes, {sys.argv[2]}, {sys.argv[3]} epochs, limit {sys.argv[4]}, {len(by)} alternating rounds; {cpu} ({avx})")
print()
print("| mode | s/epoch (median) | per-round ratio mode / libtorch | median ratio | buys |")
print("|---|---|---|---|---|")
for m in ["managed", "maxpool", "adam", "libtorch"]:
    ratios = [r[m] / r["libtorch"] for r in by.values()]
    med = statistics.median(ratios)
    print(f"| {m} | {statistics.median(r[m] for r in by.values()):.3f} | {', '.join(f'{x:.2f}' for x in ratios)} | {med:.3f} | {100 * (1 - med):.1f} % |")
PY
