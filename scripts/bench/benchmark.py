"""Side-by-side benchmark of `lenet-fashion train` against PyTorch on the same machine, in alternating rounds (issue 9).

Run by hand on an idle machine (never in the tests), with Debian's python3-torch:
    bash scripts/bench/benchmark.sh [--rounds 4] [--epochs 3] [--out scripts/bench/results]
                                    [--skip-default-blas] [--skip-dataloader] [--no-build] [--limit N]

Each round runs, one after the other: this tool's Release build, PyTorch with OpenBLAS in front of Debian's
reference BLAS, and PyTorch with the default BLAS; the same recipe everywhere (batch 64, the first 750 of 938
batches train and the other 188 validate under no_grad, Adam 0.001, seed 0, 2 threads, data preloaded). Then,
once, the tutorial's DataLoader pipeline for reference, and the machine's torch.mm rate for the arithmetic
floor. Seconds per epoch are the median of epochs 1..E-1 (epoch 0 warms up; with E = 1, epoch 0 itself);
ratios are taken per round, then their median over rounds.

Writes <out>/benchmark.csv (one row per program per round) and <out>/benchmark.md (machine, versions,
medians, ratios, floor). --limit N trains on the first N images only, for smoke tests of this script; such
results are marked as such and mean nothing as timings.
"""
import argparse
import csv
import datetime
import glob
import gzip
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = os.path.join(ROOT, "src/LeNetFashion.Cli/bin/Release/net10.0/lenet-fashion")
PEER = os.path.join(ROOT, "scripts/bench/pytorch_peer.py")
PYTHON = "/usr/bin/python3"
DATA = "/usr/share/datasets/fashion-mnist"
DATA_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
              "t10k-labels-idx1-ubyte.gz"]
CACHE = os.environ.get("LENET_BENCH_CACHE", os.path.expanduser("~/.cache/lenet-fashion-bench"))
THREADS = 2
BATCH = 64

# Arithmetic floor of the recipe (sigmoid LeNet, see `lenet-fashion summarize`): multiply-accumulates per image
# forward: conv1 6*25*24*24 = 86,400; conv2 16*6*25*8*8 = 153,600; fc 256*120 + 120*84 + 84*10 = 41,640.
MACS_FORWARD = 86_400 + 153_600 + 41_640  # 281,640
# A training image: forward + backward (weight and input gradients, none for conv1's input) = 2 * (3 * 281,640
# - 86,400) FLOP; a validation image: the forward pass, 2 * 281,640 FLOP.
FLOP_TRAIN_IMAGE = 2 * (3 * MACS_FORWARD - 86_400)  # 1,517,040
FLOP_VAL_IMAGE = 2 * MACS_FORWARD  # 563,280

OURS, OPENBLAS, DEFAULT, LOADER = "lenet-fashion", "pytorch-openblas", "pytorch-default-blas", "pytorch-dataloader"
EPOCH_LINE = re.compile(r"^[Ee]poch (\d+)\b.*(train )?loss")
MIB = 1024 * 1024


def say(line=""):
    print(line, flush=True)


def fail(line):
    print(line, file=sys.stderr, flush=True)
    sys.exit(1)


# ---------------------------------------------------------------------------------------------------- set-up

def build(no_build):
    if no_build:
        if not os.path.exists(EXE):
            fail(f"--no-build: {EXE} does not exist; run without --no-build to build it")
        return
    say("building the Release binary: dotnet build src/LeNetFashion.Cli -c Release -v q -nologo")
    cmd = ["dotnet", "build", "src/LeNetFashion.Cli", "-c", "Release", "-v", "q", "-nologo",
           "--disable-build-servers"]  # no compiler or MSBuild servers left running during the rounds
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 or not os.path.exists(EXE):
        fail(r.stdout[-4000:] + f"\nthe Release build failed (exit {r.returncode}); fix it and run again")


def apt_download(package):
    """The path of a cached or downloaded .deb of package (cache, then apt's archive, then `apt-get download`), or None."""
    os.makedirs(CACHE, exist_ok=True)
    for folder in (CACHE, "/var/cache/apt/archives"):
        found = sorted(glob.glob(os.path.join(folder, f"{package}_*.deb")))
        if found:
            return found[-1]
    r = subprocess.run(["apt-get", "download", package], cwd=CACHE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    found = sorted(glob.glob(os.path.join(CACHE, f"{package}_*.deb")))
    if r.returncode != 0 or not found:
        last = (r.stdout.strip().splitlines() or ["no output"])[-1]
        say(f"apt-get download {package} failed: {last}")
        return None
    return found[-1]


def deb_version(deb):
    return subprocess.run(["dpkg-deb", "-f", deb, "Version"], stdout=subprocess.PIPE, text=True,
                          check=True).stdout.strip()


def unpack(debs, name):
    """Unpacks the .debs with `dpkg-deb -x` into CACHE/name (once) and returns that folder."""
    dest = os.path.join(CACHE, name)
    if not os.path.isdir(dest):
        tmp = tempfile.mkdtemp(dir=CACHE, prefix=".unpack-")
        for deb in debs:
            subprocess.run(["dpkg-deb", "-x", deb, tmp], check=True)
        os.rename(tmp, dest)
    return dest


def dpkg_version(package):
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else None


def openblas():
    """(folder with OpenBLAS's libblas.so.3, package version, how it was obtained)."""
    installed = glob.glob("/usr/lib/*/openblas-pthread/libblas.so.3")
    if installed and dpkg_version("libopenblas0-pthread"):
        return os.path.dirname(installed[0]), dpkg_version("libopenblas0-pthread"), "installed package"
    deb = apt_download("libopenblas0-pthread")
    if deb is None:
        fail("cannot get Debian's libopenblas0-pthread: put its .deb into " + CACHE +
             " (apt-get download libopenblas0-pthread) and run again")
    version = deb_version(deb)
    dest = unpack([deb], f"libopenblas0-pthread_{version}")
    folder = glob.glob(os.path.join(dest, "usr/lib/*/openblas-pthread"))
    if not folder:
        fail(f"{deb} holds no usr/lib/<arch>/openblas-pthread folder")
    return folder[0], version, f"{os.path.basename(deb)} unpacked with dpkg-deb -x into {dest}"


def torchvision_env():
    """Environment additions that make torchvision (and PIL) importable, or None when they cannot be had."""
    if importlib.util.find_spec("torchvision") and importlib.util.find_spec("PIL"):
        return {}, "installed"
    packages = ["python3-torchvision"]
    if not importlib.util.find_spec("PIL"):
        packages += ["python3-pil", "libimagequant0"]  # PIL's _imaging needs libimagequant.so.0
    debs = [apt_download(p) for p in packages]
    if None in debs:
        return None, None
    name = "_".join(os.path.basename(d)[:-len("_amd64.deb")] if d.endswith("_amd64.deb") else os.path.basename(d)
                    for d in debs)
    dest = unpack(debs, "tv-" + name)
    libs = glob.glob(os.path.join(dest, "usr/lib/*-linux-gnu"))
    return ({"PYTHONPATH": os.path.join(dest, "usr/lib/python3/dist-packages"), "LD_LIBRARY_PATH": ":".join(libs)},
            ", ".join(os.path.basename(d) for d in debs) + f" unpacked into {dest}")


def torchvision_root(tmp):
    """A root for torchvision.datasets.FashionMNIST: FashionMNIST/raw/ with links to the .gz files and the
    decompressed files torchvision 0.14 reads (it checks for and opens the names without .gz; with them present it
    never downloads)."""
    raw = os.path.join(tmp, "tv", "FashionMNIST", "raw")
    os.makedirs(raw)
    for name in DATA_FILES:
        os.symlink(os.path.join(DATA, name), os.path.join(raw, name))
        with gzip.open(os.path.join(DATA, name)) as src, open(os.path.join(raw, name[:-3]), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    return os.path.join(tmp, "tv")


def env_with(extra, drop=()):
    env = dict(os.environ)
    for k in drop:
        env.pop(k, None)
    for k, v in extra.items():
        env[k] = v + (":" + env[k] if k in ("LD_LIBRARY_PATH", "PYTHONPATH") and env.get(k) else "")
    return env


# ---------------------------------------------------------------------------------------------------- running

def busy_cores(seconds=1.0):
    """Cores' worth of CPU time used by all processes over `seconds` while this script only sleeps (/proc/stat)."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v[:8]), v[3] + v[4]  # total, idle + iowait (guest time is already in user)
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return (os.cpu_count() or 1) * (1 - (i1 - i0) / max(1, t1 - t0))


def check_idle(what, first, warnings):
    """Warns when other work runs: the 1-minute load average before the first run (later it includes this
    benchmark's own runs), and before every run the CPU busy during one second of this script's idleness."""
    load = float(open("/proc/loadavg").read().split()[0])
    busy = busy_cores()
    lines = []
    if first and load > 0.5:
        lines.append(f"warning: 1-minute load average {load:.2f} > 0.5 before {what}: other processes share the CPUs")
    if busy > 0.25:
        lines.append(f"warning: {busy:.2f} cores busy during 1 s of idleness before {what} (load average {load:.2f}): "
                     "other processes share the CPUs")
    for line in lines:
        say(line)
        warnings.append(line)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run_child(cmd, env, cwd):
    """Runs cmd to its end, samples its VmRSS about every 0.5 s and at each epoch line of its output.
    Returns (exit code, output lines, RSS MiB at each epoch line, sampled peak RSS MiB)."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            bufsize=1)
    lines, at_epochs, peak = [], [], [0]

    def read():
        for line in proc.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            if EPOCH_LINE.match(line):
                r = rss_kib(proc.pid)
                at_epochs.append(None if r is None else r / 1024)
                peak[0] = max(peak[0], r or 0)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while proc.poll() is None:
            peak[0] = max(peak[0], rss_kib(proc.pid) or 0)
            time.sleep(0.5)
    except BaseException:
        proc.terminate()
        proc.wait()
        raise
    reader.join()
    return proc.wait(), lines, at_epochs, peak[0] / 1024


def epoch_seconds(per_epoch):
    """Median of epochs 1..E-1 (epoch 0 is a warm-up), or epoch 0's seconds when it is the only one."""
    return statistics.median(per_epoch[1:]) if len(per_epoch) > 1 else per_epoch[0]


def run_ours(tmp, epochs, limit):
    out = os.path.join(tmp, "run")
    cmd = [EXE, "train", "--epochs", str(epochs), "--seed", "0", "--threads", str(THREADS), "--output", out,
           "--overwrite"] + (["--limit", str(limit)] if limit else [])
    code, lines, at_epochs, sampled_peak = run_child(cmd, env_with({}), ROOT)
    if code != 0:
        fail("\n".join(lines[-20:]) + f"\nlenet-fashion train failed (exit {code}): {' '.join(cmd)}")
    with open(os.path.join(out, "history.csv"), newline="") as f:
        history = list(csv.DictReader(f))
    with open(os.path.join(out, "model.json")) as f:
        model = json.load(f)
    timing = model.get("timing") or {}
    last = history[-1]
    peak = timing.get("peak_resident_bytes")
    return {
        "epoch_seconds_all": [float(h["seconds"]) for h in history],
        "train_loss": float(last["train_loss"]), "train_accuracy": float(last["train_acc"]),
        "val_loss": float(last["val_loss"]), "val_accuracy": float(last["val_acc"]),
        "best_epoch": model.get("best_epoch"), "test_accuracy": model.get("test_accuracy"),
        "test_images": timing.get("test_images"), "test_eval_seconds": timing.get("test_eval_seconds"),
        "seconds_to_first_batch": timing.get("seconds_to_first_batch"),
        "peak_rss_mib": peak / MIB if peak else sampled_peak, "rss_mib_at_epoch_ends": at_epochs,
        "blas": "LibTorch (TorchSharp-cpu)", "versions": model.get("versions", {}),
    }


def run_peer(args, env, what):
    code, lines, at_epochs, sampled_peak = run_child([PYTHON, PEER] + args, env, ROOT)
    results = [line for line in lines if line.startswith("RESULT ")]
    if code != 0 or not results:
        fail("\n".join(lines[-20:]) + f"\n{what} failed (exit {code}): {PYTHON} {PEER} {' '.join(args)}")
    r = json.loads(results[-1][len("RESULT "):])
    if "epochs" not in r:
        return r
    last = r["epochs"][-1]
    return {
        "epoch_seconds_all": [e["seconds"] for e in r["epochs"]],
        "train_loss": last["train_loss"], "train_accuracy": last["train_acc"],
        "val_loss": last["val_loss"], "val_accuracy": last["val_acc"],
        "best_epoch": r["best_epoch"], "test_accuracy": r["test_accuracy"], "test_images": r["test_images"],
        "test_eval_seconds": r["test_eval_seconds"], "seconds_to_first_batch": r["seconds_to_first_batch"],
        "peak_rss_mib": r["peak_rss_kib"] / 1024, "rss_mib_at_epoch_ends": at_epochs,
        "blas": " ".join(r["blas"]) or "none mapped", "versions": {"torch": r["torch"], "numpy": r["numpy"],
                                                                     "python": r["python"]},
        "pipeline": r["pipeline"], "threads": r["threads"],
    }


def require_blas(result, openblas_wanted, what):
    loaded = "libopenblas" in result["blas"]
    if loaded != openblas_wanted:
        fail(f"{what}: {'OpenBLAS is not' if openblas_wanted else 'OpenBLAS is'} mapped into the PyTorch process "
             f"(BLAS libraries: {result['blas']}); the comparison would not be what it says")


# ---------------------------------------------------------------------------------------------------- reporting

def fmt(v, digits=2):
    return "" if v is None else f"{v:.{digits}f}"


def round_line(rnd, program, r):
    rss = "/".join(f"{x:.0f}" for x in r["rss_mib_at_epoch_ends"] if x is not None)
    return (f"round {rnd}  {program:<21} {r['epoch_seconds']:6.2f} s/epoch  val {r['val_accuracy']:.4f}  "
            f"test {r['test_accuracy']:.4f}  test eval {fmt(r['test_eval_seconds'], 3)} s  "
            f"start->batch {fmt(r['seconds_to_first_batch'])} s  peak {r['peak_rss_mib']:.0f} MiB  "
            f"RSS at epoch ends {rss} MiB")


CSV_COLUMNS = ["round", "program", "epochs", "epoch_seconds", "epoch_seconds_all", "train_loss", "train_accuracy",
               "val_loss", "val_accuracy", "best_epoch", "test_accuracy", "test_images", "test_eval_seconds",
               "seconds_to_first_batch", "peak_rss_mib", "rss_mib_at_epoch_ends", "blas"]


def csv_row(rnd, program, r):
    num = lambda v, d: "" if v is None else f"{v:.{d}f}"  # noqa: E731 -- '.' decimal point whatever the locale
    return {
        "round": rnd, "program": program, "epochs": len(r["epoch_seconds_all"]),
        "epoch_seconds": num(r["epoch_seconds"], 4),
        "epoch_seconds_all": " ".join(num(s, 4) for s in r["epoch_seconds_all"]),
        "train_loss": num(r["train_loss"], 6), "train_accuracy": num(r["train_accuracy"], 6),
        "val_loss": num(r["val_loss"], 6), "val_accuracy": num(r["val_accuracy"], 6),
        "best_epoch": "" if r["best_epoch"] is None else r["best_epoch"],
        "test_accuracy": num(r["test_accuracy"], 6), "test_images": r["test_images"] or "",
        "test_eval_seconds": num(r["test_eval_seconds"], 4),
        "seconds_to_first_batch": num(r["seconds_to_first_batch"], 3), "peak_rss_mib": num(r["peak_rss_mib"], 1),
        "rss_mib_at_epoch_ends": " ".join(num(x, 1) for x in r["rss_mib_at_epoch_ends"] if x is not None),
        "blas": " ".join(os.path.basename(b) for b in r["blas"].split()) if r["blas"].startswith("/") else r["blas"],
    }


def median_of(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def split_sizes(limit):
    """(training images, validation images) of the recipe's batch split."""
    n = limit or 60_000
    batches = (n + BATCH - 1) // BATCH
    train = min(n, round(batches * 0.8) * BATCH)
    return train, n - train


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    os_name = platform.platform()
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    mem = ""
    with open("/proc/meminfo") as f:
        mem = f"{int(f.readline().split()[1]) / MIB:.1f} GiB"
    return cpu, os.cpu_count(), os_name, platform.release(), mem


def git_commit():
    r = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty", "--abbrev=12"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() or "unknown"


def write_reports(a, out, names, rounds, loader, matmul, warnings, info):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "benchmark.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for i, rnd in enumerate(rounds, 1):
            for program, r in rnd.items():
                w.writerow(csv_row(i, program, r))
        if loader:
            w.writerow(csv_row("once", LOADER, loader))

    cpu, cores, os_name, kernel, mem = machine()
    ours_v = rounds[0][OURS]["versions"]
    peer_v = next((r["versions"] for r in rounds[0].values() if "torch" in r["versions"]), {})
    programs = [p for p in (OURS, OPENBLAS, DEFAULT) if p in rounds[0]]
    n = a.limit or 60_000
    batches = (n + BATCH - 1) // BATCH
    train_b = round(batches * 0.8)
    per_epoch = ("epoch 0, the only one (it includes warm-up)" if a.epochs == 1 else
                 "epoch 1 (epoch 0 is a warm-up)" if a.epochs == 2 else
                 f"the median of epochs 1..{a.epochs - 1} of a run (epoch 0 is a warm-up)")
    md = [f"# Benchmark: lenet-fashion against PyTorch, {info['date']}", ""]
    if a.limit:
        md += [f"**Smoke test: `--limit {a.limit}` (first {a.limit:,} training images only). These numbers say "
               "nothing about speed.**", ""]
    md += ["Machine: " + f"{cpu}, {cores} logical cores, {mem} memory, {os_name}, Linux {kernel}.",
           "",
           "Versions: " + f"lenet-fashion {ours_v.get('lenet_fashion', '?')} (commit {info['commit']}), "
           f"TorchSharp {ours_v.get('torchsharp', '?')}, .NET {ours_v.get('dotnet', '?')}; "
           f"PyTorch {peer_v.get('torch', '?')} (Debian python3-torch {info['torch_deb'] or '?'}), "
           f"NumPy {peer_v.get('numpy', '?')}, Python {peer_v.get('python', '?')}; "
           f"OpenBLAS: Debian libopenblas0-pthread {info['openblas_version']} ({info['openblas_how']}); "
           f"default BLAS: Debian libblas3 {info['libblas3'] or '?'}"
           + (f"; torchvision {info['torchvision']}" if info.get("torchvision") else "") + ".",
           "",
           f"Command: `{shlex.join(['bash', 'scripts/bench/benchmark.sh'] + sys.argv[1:])}`. "
           f"{a.rounds} alternating round(s), each running {', '.join(programs)} one after the other; "
           f"{a.epochs} epoch(s) per run; seconds per epoch = {per_epoch}.",
           "",
           f"Recipe everywhere: sigmoid LeNet, seed 0, batch 64, the first {train_b} of {batches} batches of the "
           f"{n:,} training images train and the other {batches - train_b} validate (eval, no_grad), Adam 0.001, "
           f"{THREADS} threads; the best epoch's weights (validation accuracy) are "
           "scored on the 10,000 test images (batch 256, no_grad). Accuracies below: validation = last epoch's, "
           "test = best epoch's weights.",
           "", "Programs:", ""]
    md += [f"- `{p}`: {names[p]}" for p in programs + ([LOADER] if loader else [])]
    md += ["", f"## Medians over {a.rounds} round(s)", "",
           "| program | s/epoch (min–max) | validation acc | test acc | test eval s (10,000 images) | start → first batch s | peak RSS MiB |",
           "|---|---|---|---|---|---|---|"]
    for p in programs:
        rows = [rnd[p] for rnd in rounds]
        secs = [r["epoch_seconds"] for r in rows]
        md.append(f"| {names[p]} | {statistics.median(secs):.2f} ({min(secs):.2f}–{max(secs):.2f}) | "
                  f"{median_of(rows, 'val_accuracy'):.4f} | {median_of(rows, 'test_accuracy'):.4f} | "
                  f"{fmt(median_of(rows, 'test_eval_seconds'), 3)} | {fmt(median_of(rows, 'seconds_to_first_batch'))} | "
                  f"{median_of(rows, 'peak_rss_mib'):.0f} |")
    if loader:
        md.append(f"| {names[LOADER]} (once; epoch {len(loader['epoch_seconds_all']) - 1}) | "
                  f"{loader['epoch_seconds']:.2f} | {loader['val_accuracy']:.4f} | {loader['test_accuracy']:.4f} | "
                  f"{fmt(loader['test_eval_seconds'], 3)} | {fmt(loader['seconds_to_first_batch'])} | "
                  f"{loader['peak_rss_mib']:.0f} (main process) |")
    md += ["", "## Rounds", "", "| round | " + " | ".join(f"{p} s/epoch" for p in programs)
           + "".join(f" | ours ÷ {p}" for p in programs[1:]) + " |",
           "|---" * (1 + len(programs) + len(programs) - 1) + "|"]
    for i, rnd in enumerate(rounds, 1):
        md.append(f"| {i} | " + " | ".join(f"{rnd[p]['epoch_seconds']:.2f}" for p in programs)
                  + "".join(f" | {rnd[OURS]['epoch_seconds'] / rnd[p]['epoch_seconds']:.2f}" for p in programs[1:])
                  + " |")
    md += ["", "Ratios (per round, then the median over rounds; below 1 = lenet-fashion faster):", ""]
    md += [f"- {info['ratio_lines'][p]}" for p in programs[1:]]
    md += ["", f"Accuracy check: {info['check']}", "",
           "Resident memory of lenet-fashion at the end of each epoch (MiB, sampled when its `Epoch` line appears): "
           + "; ".join(f"round {i}: " + ", ".join(f"{x:.0f}" for x in rnd[OURS]["rss_mib_at_epoch_ends"] if x)
                       for i, rnd in enumerate(rounds, 1)) + ".", ""]
    if matmul:
        md += ["## Arithmetic floor", "", info["floor"], ""]
    if warnings:
        md += ["## Warnings", ""] + [f"- {w}" for w in warnings] + [""]
    md += ["Columns of `benchmark.csv`: " + ", ".join(CSV_COLUMNS) + " (seconds; accuracies in [0, 1]; MiB; "
           "space-separated lists; round `once` = the DataLoader reference)."]
    with open(os.path.join(out, "benchmark.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    return md


# ---------------------------------------------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--rounds", type=int, default=4, help="alternating rounds (default 4)")
    p.add_argument("--epochs", type=int, default=3, help="epochs per run; epoch 0 is excluded when > 1 (default 3)")
    p.add_argument("--out", default=os.path.join(ROOT, "scripts/bench/results"),
                   help="folder for benchmark.csv and benchmark.md (default scripts/bench/results)")
    p.add_argument("--skip-default-blas", action="store_true", help="no PyTorch run with Debian's default BLAS")
    p.add_argument("--skip-dataloader", action="store_true", help="no run of the tutorial's DataLoader pipeline")
    p.add_argument("--no-build", action="store_true", help="use the existing Release binary")
    p.add_argument("--limit", type=int, default=None,
                   help="train on the first N images only (smoke tests of this script; timings meaningless)")
    a = p.parse_args()
    if a.rounds < 1 or a.epochs < 1 or (a.limit is not None and a.limit < 2 * BATCH):
        fail(f"--rounds and --epochs must be at least 1 and --limit at least {2 * BATCH}")

    if not importlib.util.find_spec("torch"):
        fail(f"PyTorch is missing for {PYTHON}: apt-get install -y python3-torch python3-torchvision")
    build(a.no_build)
    ob_folder, ob_version, ob_how = openblas()
    say(f"OpenBLAS: Debian libopenblas0-pthread {ob_version} ({ob_how})")
    env_openblas = env_with({"LD_LIBRARY_PATH": ob_folder, "OPENBLAS_NUM_THREADS": "1"})
    env_default = env_with({}, drop=("LD_LIBRARY_PATH", "OPENBLAS_NUM_THREADS"))

    tmp = tempfile.mkdtemp(prefix="lenet-bench-")
    warnings, rounds = [], []
    peer_args = ["--epochs", str(a.epochs), "--threads", str(THREADS)] + (["--limit", str(a.limit)] if a.limit else [])
    try:
        for i in range(1, a.rounds + 1):
            check_idle(f"round {i}", i == 1, warnings)
            rnd = {}
            for program in (OURS, OPENBLAS, DEFAULT):
                if program == DEFAULT and a.skip_default_blas:
                    continue
                if program == OURS:
                    r = run_ours(tmp, a.epochs, a.limit)
                else:
                    r = run_peer(peer_args, env_openblas if program == OPENBLAS else env_default, program)
                    require_blas(r, program == OPENBLAS, program)
                    if i == 1:
                        say(f"{program}: BLAS mapped into the process: {r['blas']}")
                r["epoch_seconds"] = epoch_seconds(r["epoch_seconds_all"])
                rnd[program] = r
                say(round_line(i, program, r))
            rounds.append(rnd)

        loader, tv_version = None, None
        if not a.skip_dataloader:
            extra, how = torchvision_env()
            if extra is None:
                line = "DataLoader reference skipped: torchvision is missing (apt-get install -y python3-torchvision)"
                say(line)
                warnings.append(line)
            else:
                if how != "installed":
                    say(f"torchvision: {how}")
                root = torchvision_root(tmp)
                check_idle("the DataLoader run", False, warnings)
                env = env_with({}, drop=("LD_LIBRARY_PATH", "PYTHONPATH"))
                env.update(extra)
                env["LD_LIBRARY_PATH"] = ":".join(filter(None, [ob_folder, extra.get("LD_LIBRARY_PATH")]))
                env["OPENBLAS_NUM_THREADS"] = "1"
                loader = run_peer(["--epochs", str(min(a.epochs, 2)), "--threads", str(THREADS), "--dataloader", root,
                                   "--workers", "4"] + (["--limit", str(a.limit)] if a.limit else []), env, LOADER)
                require_blas(loader, True, LOADER)
                loader["epoch_seconds"] = epoch_seconds(loader["epoch_seconds_all"])
                tv_version = re.search(r"torchvision (\S+)", loader["pipeline"]).group(1)
                say(round_line("once", LOADER, loader))

        check_idle("the matmul measurement", False, warnings)
        matmul = run_peer(["--matmul", "--threads", str(THREADS)],
                          env_with({"LD_LIBRARY_PATH": ob_folder, "OPENBLAS_NUM_THREADS": str(THREADS)}), "matmul")
        if "libopenblas" not in " ".join(matmul["blas"]):
            fail(f"matmul: OpenBLAS is not mapped into the PyTorch process (BLAS libraries: {matmul['blas']})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # Names, ratios, check, floor.
    torch_v = rounds[0][OPENBLAS]["versions"]["torch"]
    ours_v = rounds[0][OURS]["versions"]
    torch_deb = dpkg_version("python3-torch") or "?"
    names = {
        OURS: f"lenet-fashion {ours_v.get('lenet_fashion', '?')} (TorchSharp {ours_v.get('torchsharp', '?')}, "
              f".NET {ours_v.get('dotnet', '?')}), Release, {THREADS} threads, data preloaded",
        OPENBLAS: f"PyTorch {torch_v} (Debian python3-torch {torch_deb}), OpenBLAS {ob_version.split('+')[0]} pthread, "
                  f"1 BLAS thread, {THREADS} intra-op threads, data preloaded",
        DEFAULT: f"PyTorch {torch_v} (Debian python3-torch {torch_deb}), Debian's default reference BLAS "
                 f"(libblas3 {dpkg_version('libblas3') or '?'}), "
                 f"{THREADS} intra-op threads, data preloaded",
        LOADER: f"PyTorch {torch_v}, tutorial DataLoader (torchvision{' ' + tv_version if tv_version else ''}, "
                "4 workers), OpenBLAS",
    }
    programs = [q for q in (OURS, OPENBLAS, DEFAULT) if q in rounds[0]]
    say()
    ratio_lines = {}
    for q in programs[1:]:
        ratios = [rnd[OURS]["epoch_seconds"] / rnd[q]["epoch_seconds"] for rnd in rounds]
        ratio_lines[q] = (f"lenet-fashion ÷ {q}: median {statistics.median(ratios):.2f} over {len(ratios)} round(s) "
                          f"(per round: {', '.join(f'{x:.2f}' for x in ratios)})")
        say(ratio_lines[q])
    diffs = {k: max(abs(rnd[q][k] - rnd[OURS][k]) for rnd in rounds for q in programs[1:])
             for k in ("val_accuracy", "test_accuracy")} if len(programs) > 1 else {}
    if diffs:
        ok = all(d <= 0.01 for d in diffs.values())
        check = (f"{'OK' if ok else 'MISMATCH'}: the preloaded PyTorch peers' accuracies are within "
                 f"{max(diffs.values()):.4f} of lenet-fashion's in every round (largest |Δ| validation "
                 f"{diffs['val_accuracy']:.4f}, test {diffs['test_accuracy']:.4f}; tolerance 0.01)"
                 + ("" if ok else ": the programs may not run the same recipe"))
    else:
        check = "no PyTorch peer ran"
    if loader:
        check += (f"; the DataLoader reference (reshuffled split, not compared): validation "
                  f"{loader['val_accuracy']:.4f}, test {loader['test_accuracy']:.4f} after "
                  f"{len(loader['epoch_seconds_all'])} epoch(s)")
    say("check: " + check)

    train_images, val_images = split_sizes(a.limit)
    flop = train_images * FLOP_TRAIN_IMAGE + val_images * FLOP_VAL_IMAGE
    rate = matmul["gflops"] * 1e9
    floor_s = flop / rate
    ours_med = statistics.median(rnd[OURS]["epoch_seconds"] for rnd in rounds)
    floor = (f"torch.mm of two {matmul['n']} × {matmul['n']} float32 matrices, {matmul['threads']} threads "
             f"(OpenBLAS, OPENBLAS_NUM_THREADS={matmul['openblas_num_threads']}), best of 5: "
             f"{matmul['gflops']:.1f} GFLOP/s. One epoch is {train_images:,} training images × {FLOP_TRAIN_IMAGE:,} "
             f"FLOP (forward + backward, no input gradient for conv1; {MACS_FORWARD:,} multiply-accumulates per "
             f"forward) = {train_images * FLOP_TRAIN_IMAGE / 1e9:.2f} GFLOP, plus {val_images:,} validation images × "
             f"{FLOP_VAL_IMAGE:,} FLOP = {val_images * FLOP_VAL_IMAGE / 1e9:.2f} GFLOP; {flop / 1e9:.2f} GFLOP in all, "
             f"so the floor is "
             f"{floor_s:.2f} s per epoch at that rate; lenet-fashion's median epoch ({ours_med:.2f} s) reaches "
             f"{floor_s / ours_med:.1%} of it (floor ÷ epoch).")
    say("floor: " + floor)

    info = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "commit": git_commit(),
            "torch_deb": dpkg_version("python3-torch"), "libblas3": dpkg_version("libblas3"),
            "openblas_version": ob_version, "openblas_how": ob_how, "torchvision": tv_version,
            "ratio_lines": ratio_lines, "check": check, "floor": floor}
    md = write_reports(a, a.out, names, rounds, loader, matmul, warnings, info)
    say()
    start = md.index(next(line for line in md if line.startswith("## Medians")))
    say("\n".join(md[start:start + 4 + len(programs) + (1 if loader else 0)]))
    say()
    say(f"wrote {os.path.join(a.out, 'benchmark.csv')} and {os.path.join(a.out, 'benchmark.md')}")


if __name__ == "__main__":
    main()
