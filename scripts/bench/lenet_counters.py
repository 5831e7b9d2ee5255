"""LeNet's counters that the machine's noise does not move, for this tool and its PyTorch + OpenBLAS peer (issue 21).

Run (idle machine): /usr/bin/python3 scripts/bench/lenet_counters.py [--epochs 3] [--out DIR]

Runs `lenet-fashion train --epochs E --seed 0 --threads 2 --no-tensorboard` (the Release app host) and
scripts/bench/pytorch_peer.py (Debian's PyTorch 1.13 with OpenBLAS in front, 1 BLAS thread, 2 intra-op threads, data
preloaded; the peer of scripts/bench/benchmark.py) once each, both with alloc_counter.c preloaded, and reads at every
epoch line, the same way for both (bncnn_bench.run): minor and major page faults and CPU seconds (/proc/<pid>/stat),
heap allocation calls and bytes (alloc_counter.c), peak RSS. Reports the medians of epochs 1..E-1 per training batch
(750 of 64 images; the 188 validation batches included). Counts do not depend on the machine's speed, so one run each
is enough; the seconds of these runs are slowed by the counter and are not reported. Writes counters.md.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchmark  # noqa: E402  (OpenBLAS from Debian's package, as the speed benchmark gets it)
import bncnn_bench  # noqa: E402

TRAIN_BATCHES = 750


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(bncnn_bench.ROOT, "scripts/bench/results/lenet-counters"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    counter = bncnn_bench.build_alloc_counter()
    ob_folder, ob_version, _ = benchmark.openblas()
    base = dict(os.environ)
    base.pop("LD_PRELOAD", None)
    base.pop("GLIBC_TUNABLES", None)
    sides = [("lenet-fashion", [bncnn_bench.APP, "train", "--epochs", str(args.epochs), "--seed", "0", "--threads", "2",
                                "--no-tensorboard", "--output", "/tmp/lenet-counters-run", "--overwrite"], base),
             ("pytorch-openblas", [benchmark.PYTHON, benchmark.PEER, "--epochs", str(args.epochs), "--threads", "2"],
              {**base, "LD_LIBRARY_PATH": ob_folder, "OPENBLAS_NUM_THREADS": "1"})]
    rows = []
    for name, command, env in sides:
        res = bncnn_bench.run(name, command, env, counter)
        later = res["epochs"][1:] or res["epochs"]
        med = {k: statistics.median(e[k] for e in later) for k in ("minor_faults", "major_faults", "cpu_seconds", "allocations", "allocated_bytes")}
        rows.append((name, med, res["peak_rss"] / 2**20, [e["minor_faults"] for e in res["epochs"]]))
        print(name, med, flush=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
    width = "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "SSE"
    lines = [f"# LeNet counters: lenet-fashion against PyTorch + OpenBLAS ({time.strftime('%Y-%m-%d')})", "",
             f"Machine: {cpu} ({width}). Command: `/usr/bin/python3 scripts/bench/lenet_counters.py --epochs {args.epochs}`. "
             f"One run each of `train --epochs {args.epochs} --seed 0 --threads 2` and scripts/bench/pytorch_peer.py (OpenBLAS "
             f"{ob_version}, 1 BLAS thread, 2 intra-op threads), alloc_counter.c preloaded into both. Medians of epochs "
             f"1..{args.epochs - 1}; per batch = the epoch's count / {TRAIN_BATCHES} training batches (validation included). "
             "C++ `operator new` is counted where it goes through malloc (libstdc++'s does).", "",
             "| side | minor faults per epoch (every epoch) | CPU s per epoch | allocations per batch | KB requested per batch | peak RSS (MiB) |",
             "|---|---|---:|---:|---:|---:|"]
    for name, med, peak, faults in rows:
        lines.append(f"| {name} | {med['minor_faults']:,.0f} ({', '.join(f'{f:,}' for f in faults)}) | {med['cpu_seconds']:.2f} | "
                     f"{med['allocations'] / TRAIN_BATCHES:,.0f} | {med['allocated_bytes'] / TRAIN_BATCHES / 1024:,.0f} | {peak:.0f} |")
    with open(os.path.join(args.out, "counters.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
