"""bn-cnn recipe: this tool against PyTorch peers of the same recipe, in alternating rounds (issue 21).

Run (idle machine): /usr/bin/python3 scripts/bench/bncnn_bench.py [--rounds 6] [--epochs 3] [--limit 12800] [--out DIR]

Each round runs, one after another:
  ours       lenet-fashion train (Release app host) --arch bn-cnn --batch-size 128 --optimizer adamw --lr 0.003
             --lr-schedule cosine --augment --normalize --shuffle --train-rate 0.9 --seed 0 --no-tensorboard
  default    scripts/bench/bncnn_peer.py (PyTorch 1.13, Debian) with glibc's default malloc
  tuned      the same with GLIBC_TUNABLES set as this tool sets glibc's malloc (Runtime/NativeAllocator.cs: mmap
             32 MiB, trim 256 MiB, 2 arenas; Runtime/MallocTunables.cs: tcache off)
  jemalloc   the same with libjemalloc.so.2 preloaded (Debian libjemalloc2), when installed
  tcmalloc   the same with libtcmalloc_minimal.so.4 preloaded (Debian libtcmalloc-minimal4), when installed
  tuned-cl, tcmalloc-cl
             tuned and tcmalloc with the model and inputs in channels-last memory (bncnn_peer.py --channels-last), as
             this tool keeps bn-cnn by default; PyTorch's own tutorial code is contiguous
  tuned-cl-pf
             tuned-cl with each block's max pooling before its ReLU (bncnn_peer.py --pool-first), as this tool's bn-cnn
             does: the same function and gradients, with ReLU on a quarter of the elements
At every epoch line a process prints, the driver reads /proc/<pid>/stat (minor and major page faults, user + system
CPU seconds) and /proc/<pid>/status (VmHWM, peak resident memory), so both sides are counted the same way, from the
outside. Epoch 0 (warm-up: first allocations, oneDNN's kernel set-up) is reported but left out of the medians.

--count-allocations also preloads alloc_counter.c (compiled with gcc) into every side and reports heap allocation
calls and bytes per training batch, read from a shared counter file at every epoch line; those runs are for the counts.

Per-round ratio = our median epoch seconds / the fastest peer's median epoch seconds in that round; the summary is the
median of the per-round ratios, with counters per epoch (medians of epochs 1..E-1). Writes bncnn.md and bncnn.csv.
"""
import argparse
import csv
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import time

# What this tool sets: mallopt's thresholds and arena limit (Runtime/NativeAllocator.cs) and, for train, the tcache off
# (Runtime/MallocTunables.cs).
TUNED = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.arena_max=2:glibc.malloc.tcache_count=0"
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
APP = os.path.join(ROOT, "src/LeNetFashion.Cli/bin/Release/net10.0/lenet-fashion")
PEER = os.path.join(ROOT, "scripts/bench/bncnn_peer.py")
EPOCH = re.compile(r"^[Ee]poch (\d+)(?:/\d+)? .* (\d+\.\d+) s")  # this tool's lines, and pytorch_peer.py's
PRELOADS = {
    "jemalloc": "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
    "tcmalloc": "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
}


def proc_counters(pid):
    """(minor faults, major faults, CPU seconds, peak RSS bytes) of a live process."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    ticks = os.sysconf("SC_CLK_TCK")
    minflt, majflt = int(fields[10 - 3]), int(fields[12 - 3])
    cpu = (int(fields[14 - 3]) + int(fields[15 - 3])) / ticks
    hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    return minflt, majflt, cpu, hwm


def build_alloc_counter():
    """Compiles alloc_counter.c (gcc) into a temporary folder; returns the shared library's path."""
    out = os.path.join(tempfile.mkdtemp(prefix="alloc-counter-"), "alloc_counter.so")
    src = os.path.join(ROOT, "scripts/bench/alloc_counter.c")
    r = subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", out, src, "-ldl"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"--count-allocations: gcc failed on {src}:\n{r.stderr}")
    return out


def read_alloc_counter(path):
    """(allocation calls, bytes requested) so far, from the counter file alloc_counter.c updates."""
    if not path:
        return 0, 0
    with open(path, "rb") as f:
        calls, size = struct.unpack("<QQ", f.read(16))
    return calls, size


def run(name, command, env, counter=None):
    """Runs one side; returns per-epoch records (seconds as printed, and counter deltas between epoch lines).
    With counter (alloc_counter.so's path) the process also counts its heap allocations."""
    start = time.perf_counter()
    counter_file = None
    if counter:
        fd, counter_file = tempfile.mkstemp(prefix="alloc-", suffix=".cnt")
        os.write(fd, bytes(16))
        os.close(fd)
        env = {**env, "ALLOC_COUNTER_FILE": counter_file,
               "LD_PRELOAD": counter + (":" + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")}
    p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    last = proc_counters(p.pid)
    last_alloc = read_alloc_counter(counter_file)
    epochs, peak, tail = [], 0, []
    for line in p.stdout:
        tail = (tail + [line.rstrip()])[-5:]
        m = EPOCH.match(line)
        if not m:
            continue
        try:
            now = proc_counters(p.pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        alloc = read_alloc_counter(counter_file)
        epochs.append({"epoch": int(m.group(1)), "seconds": float(m.group(2)), "minor_faults": now[0] - last[0],
                       "major_faults": now[1] - last[1], "cpu_seconds": now[2] - last[2],
                       "allocations": alloc[0] - last_alloc[0], "allocated_bytes": alloc[1] - last_alloc[1]})
        peak = max(peak, now[3])
        last, last_alloc = now, alloc
    code = p.wait()
    if counter_file:
        os.remove(counter_file)
    if code != 0 or not epochs:
        raise SystemExit(f"{name}: exit {code}:\n" + "\n".join(tail))
    return {"name": name, "epochs": epochs, "peak_rss": peak, "wall": time.perf_counter() - start}


def median_of(records, key):
    later = [e[key] for e in records["epochs"][1:]] or [records["epochs"][0][key]]
    return statistics.median(later)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=12800)
    parser.add_argument("--out", default=os.path.join(ROOT, "scripts/bench/results/bncnn"))
    parser.add_argument("--skip", default="", help="comma-separated sides to leave out, e.g. jemalloc")
    parser.add_argument("--count-allocations", action="store_true",
                        help="count heap allocations (calls and bytes) per training batch with alloc_counter.c (needs gcc); "
                             "the preloaded counter costs time, so use these runs for the counts only")
    args = parser.parse_args()
    counter = build_alloc_counter() if args.count_allocations else None
    os.makedirs(args.out, exist_ok=True)
    base = dict(os.environ)
    base.pop("LD_PRELOAD", None)
    base.pop("GLIBC_TUNABLES", None)
    recipe = ["--arch", "bn-cnn", "--batch-size", "128", "--optimizer", "adamw", "--lr", "0.003", "--lr-schedule", "cosine",
              "--augment", "--normalize", "--shuffle", "--train-rate", "0.9", "--seed", "0", "--no-tensorboard",
              "--epochs", str(args.epochs), "--limit", str(args.limit)]
    peer = ["/usr/bin/python3", PEER, "--epochs", str(args.epochs), "--limit", str(args.limit)]
    sides = [("ours", lambda r: [APP, "train", *recipe, "--output", f"/tmp/bncnn-bench-{r}", "--overwrite"], base),
             ("default", lambda r: peer, base),
             ("tuned", lambda r: peer, {**base, "GLIBC_TUNABLES": TUNED})]
    for name, path in PRELOADS.items():
        if os.path.exists(path):
            sides.append((name, lambda r: peer, {**base, "LD_PRELOAD": path}))
    sides.append(("tuned-cl", lambda r: [*peer, "--channels-last"], sides[2][2]))
    if os.path.exists(PRELOADS["tcmalloc"]):
        sides.append(("tcmalloc-cl", lambda r: [*peer, "--channels-last"], {**base, "LD_PRELOAD": PRELOADS["tcmalloc"]}))
    sides.append(("tuned-cl-pf", lambda r: [*peer, "--channels-last", "--pool-first"], sides[2][2]))
    skip = {x for x in args.skip.split(",") if x}
    sides = [s for s in sides if s[0] not in skip]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
    width = "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "SSE"
    rows, ratios, ratios_cl = [], [], []
    train_batches = int(-(-args.limit // 128) * 0.9 + 0.5)  # as the tool splits: round(batches x 0.9)
    for r in range(args.rounds):
        results = {}
        for name, command, env in sides:
            res = run(name, command(r), env, counter)
            results[name] = res
            rows.append({"round": r, "side": name, "median_epoch_s": median_of(res, "seconds"),
                         "median_cpu_s": median_of(res, "cpu_seconds"), "median_minor_faults": median_of(res, "minor_faults"),
                         "median_major_faults": median_of(res, "major_faults"), "epoch0_s": res["epochs"][0]["seconds"],
                         "epoch0_minor_faults": res["epochs"][0]["minor_faults"], "peak_rss_mb": res["peak_rss"] / 2**20,
                         "epoch_s": " ".join(f"{e['seconds']:.1f}" for e in res["epochs"]),
                         "minor_faults": " ".join(str(e["minor_faults"]) for e in res["epochs"]),
                         "allocations_per_batch": median_of(res, "allocations") / train_batches,
                         "allocated_mb_per_batch": median_of(res, "allocated_bytes") / train_batches / 2**20})
            print(f"round {r} {name:9s} epochs {rows[-1]['epoch_s']} s, CPU {rows[-1]['median_cpu_s']:.1f} s/epoch, minor faults {rows[-1]['minor_faults']}, peak RSS {rows[-1]['peak_rss_mb']:.0f} MB", flush=True)
        fastest = min((n for n in results if n != "ours" and "-cl" not in n), key=lambda n: median_of(results[n], "seconds"))
        ratio = median_of(results["ours"], "seconds") / median_of(results[fastest], "seconds")
        ratios.append((ratio, fastest))
        print(f"round {r}: ours / fastest contiguous peer ({fastest}) = {ratio:.3f}", flush=True)
        if any("-cl" in n for n in results):
            fastest_cl = min((n for n in results if "-cl" in n), key=lambda n: median_of(results[n], "seconds"))
            ratio_cl = median_of(results["ours"], "seconds") / median_of(results[fastest_cl], "seconds")
            ratios_cl.append((ratio_cl, fastest_cl))
            print(f"round {r}: ours / fastest channels-last peer (pool-first included) ({fastest_cl}) = {ratio_cl:.3f}", flush=True)

    with open(os.path.join(args.out, "bncnn.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    names = [s[0] for s in sides]
    med = {n: {k: statistics.median(x[k] for x in rows if x["side"] == n) for k in
               ("median_epoch_s", "median_cpu_s", "median_minor_faults", "median_major_faults", "peak_rss_mb", "epoch0_minor_faults",
                "allocations_per_batch", "allocated_mb_per_batch")} for n in names}
    lines = [f"# bn-cnn recipe: lenet-fashion against PyTorch peers ({time.strftime('%Y-%m-%d')})", "",
             f"Machine: {cpu} ({width}), {os.cpu_count()} logical cores; {args.rounds} alternating rounds of {args.epochs} epochs on the first {args.limit:,} training images (batch 128, 90/10 split); "
             f"command: `/usr/bin/python3 scripts/bench/bncnn_bench.py --rounds {args.rounds} --epochs {args.epochs} --limit {args.limit}{' --skip ' + args.skip if args.skip else ''}{' --count-allocations' if counter else ''}`; ours in its default memory format (channels-last for bn-cnn). Peer: PyTorch {subprocess.run(['/usr/bin/python3', '-c', 'import torch; print(torch.__version__)'], capture_output=True, text=True).stdout.strip()} (Debian), 2 threads, same recipe (scripts/bench/bncnn_peer.py).", "",
             f"**Median of per-round ratios, ours / fastest peer in PyTorch's default (contiguous) memory: {statistics.median(r for r, _ in ratios):.3f}** "
             f"(rounds: {', '.join(f'{r:.3f} ({n})' for r, n in ratios)}).", "",
             *([f"**Median of per-round ratios, ours / fastest channels-last peer (pool-first included): {statistics.median(r for r, _ in ratios_cl):.3f}** "
                f"(rounds: {', '.join(f'{r:.3f} ({n})' for r, n in ratios_cl)}).", ""] if ratios_cl else []),
             "Medians over rounds of each run's median over epochs 1..E-1 (epoch 0 is warm-up):", "",
             "| side | epoch (s) | CPU (s/epoch) | minor faults/epoch | major faults/epoch | epoch 0 minor faults | peak RSS (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for n in names:
        m = med[n]
        lines.append(f"| {n} | {m['median_epoch_s']:.2f} | {m['median_cpu_s']:.2f} | {m['median_minor_faults']:,.0f} | {m['median_major_faults']:,.0f} | {m['epoch0_minor_faults']:,.0f} | {m['peak_rss_mb']:.0f} |")
    if counter:
        lines += ["", f"Heap allocations (alloc_counter.c, preloaded into every side; the counter costs time, so the seconds above are not "
                  f"comparable with a run without it): an epoch's allocation calls and bytes requested (malloc, calloc, realloc, "
                  f"posix_memalign, aligned_alloc, memalign), divided by its {train_batches} training batches (its validation batches "
                  f"included), median over epochs 1..E-1 and rounds. Each LibTorch operation allocates at least its output, so the "
                  f"calls also track the operations per batch. C++ `operator new` is counted where it goes through malloc "
                  f"(libstdc++'s does); jemalloc and tcmalloc (Debian's builds) define their own `operator new`, which does not, so the jemalloc and tcmalloc sides count fewer calls.", "",
                  "| side | allocations per batch | MB requested per batch |", "|---|---:|---:|"]
        for n in names:
            lines.append(f"| {n} | {med[n]['allocations_per_batch']:,.0f} | {med[n]['allocated_mb_per_batch']:,.1f} |")
    lines += ["", "Every run: `bncnn.csv` (epoch seconds and minor faults of each epoch, per side and round)."]
    with open(os.path.join(args.out, "bncnn.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
