"""Cold start: `predict` of one image and `eval` of the 10,000 test images, each a whole process from start to its
printed answer, against PyTorch doing the same with the exported weights (issue 21).

Run (idle machine): /usr/bin/python3 scripts/bench/coldstart.py [--rounds 6] [--out DIR]
Trains the tutorial's LeNet for 3 epochs (--seed 0) into a temporary folder and exports it as safetensors, then
alternates, per round: ours `predict --model model.dat --idx t10k-images --count 1 --top 1`, the PyTorch peer's
predict (scripts/bench/coldstart_peer.py: import torch, load the safetensors file, classify image 0), ours
`eval --model model.dat`, and the peer's eval (10,000 images in batches of 256). Wall seconds from process start to
exit; median over rounds and the median of per-round ratios. Both print the same class and accuracy (checked).
Writes coldstart.md into --out (default scripts/bench/results/coldstart).
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
APP = os.path.join(ROOT, "src/LeNetFashion.Cli/bin/Release/net10.0/lenet-fashion")
PEER = os.path.join(ROOT, "scripts/bench/coldstart_peer.py")
IDX = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def timed(command):
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{command[0]}: exit {out.returncode}: {out.stderr.strip()}")
    return seconds, out.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--out", default=os.path.join(ROOT, "scripts/bench/results/coldstart"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="lenet-coldstart-")
    subprocess.run([APP, "train", "--epochs", "3", "--seed", "0", "--no-tensorboard", "--output", f"{work}/run"], check=True, capture_output=True)
    model, tensors = f"{work}/run/model.dat", f"{work}/lenet.safetensors"
    subprocess.run([APP, "export", "--model", model, "--out", tensors], check=True, capture_output=True)
    sides = {
        "ours predict": [APP, "predict", "--model", model, "--idx", IDX, "--count", "1", "--top", "1"],
        "PyTorch predict": ["/usr/bin/python3", PEER, "predict", tensors],
        "ours eval": [APP, "eval", "--model", model, "--output", f"{work}/eval"],
        "PyTorch eval": ["/usr/bin/python3", PEER, "eval", tensors],
    }
    times = {k: [] for k in sides}
    answers = {}
    for r in range(args.rounds):
        for name, command in sides.items():
            seconds, out = timed(command)
            times[name].append(seconds)
            answers[name] = out.strip().splitlines()[-1] if name.endswith("predict") else next(l for l in out.splitlines() if "accuracy" in l.lower())
        print(f"round {r}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    width = "AVX-512" if " avx512f" in open("/proc/cpuinfo").read() else "AVX2"
    lines = [f"# Cold start: predict one image, eval 10,000 images ({time.strftime('%Y-%m-%d')})", "",
             f"Machine: {cpu} ({width}), {os.cpu_count()} logical cores; {args.rounds} alternating rounds; command: "
             f"`/usr/bin/python3 scripts/bench/coldstart.py --rounds {args.rounds}`. Peer: Debian's PyTorch 1.13 (reference BLAS), 2 threads, "
             "the same LeNet weights exported as safetensors. Wall seconds from process start to exit.", "",
             "| task | this tool (median s) | PyTorch (median s) | median of per-round ratios |", "|---|---:|---:|---:|"]
    for task in ("predict", "eval"):
        ours, peer = times[f"ours {task}"], times[f"PyTorch {task}"]
        ratio = statistics.median(o / p for o, p in zip(ours, peer))
        lines.append(f"| {task} | {statistics.median(ours):.2f} | {statistics.median(peer):.2f} | {ratio:.2f} |")
    lines += ["", "Answers (last round): " + "; ".join(f"{k}: {v}" for k, v in answers.items())]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "coldstart.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
