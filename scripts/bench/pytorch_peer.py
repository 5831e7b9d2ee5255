"""The PyTorch peer of `lenet-fashion train` for scripts/bench/benchmark.py: the tutorial's recipe, timed.

Run: /usr/bin/python3 scripts/bench/pytorch_peer.py [--epochs 3] [--threads 2] [--limit N]
         [--dataloader ROOT [--workers 4]] | --matmul [--threads 2]

Recipe, as `lenet-fashion train --seed 0`: sigmoid LeNet, torch.manual_seed(0), batch 64, the first
round(batches * 0.8) batches of the training images train and the rest validate (model.eval() and
torch.no_grad()), Adam 0.001, cross-entropy; the weights of the epoch with the best validation accuracy
(first on ties) are kept and scored on the 10,000 test images (eval(), no_grad, batch 256).

Data: by default preloaded as one float tensor in [0, 1] from /usr/share/datasets/fashion-mnist/ (as this
tool does). With --dataloader ROOT: the d2l tutorial's pipeline, torchvision.datasets.FashionMNIST(ROOT,
transform=ToTensor()) and DataLoader(batch 64, shuffle=True, num_workers=4); its 80/20 split is by batch
index of each epoch's shuffled order, as in the tutorial, so its validation images differ every epoch.

Prints one line per epoch, then one line `RESULT {json}`: per-epoch seconds and metrics, final-epoch loss and
accuracy, test accuracy, test-evaluation seconds, seconds from process start (/proc/self/stat field 22) to the
first training batch, peak resident memory (ru_maxrss), and the BLAS libraries mapped into the process
(/proc/self/maps), so the caller can see which BLAS ran. --matmul prints `RESULT {json}` with the best
GFLOP/s of torch.mm on two 2048 x 2048 float32 matrices instead.
"""
import argparse
import copy
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_reference import DATA, LeNet, read_idx  # noqa: E402

BATCH = 64
TEST_BATCH = 256


def seconds_since_process_start():
    """Seconds since the kernel started this process: /proc/uptime minus /proc/self/stat field 22 (clock ticks)."""
    with open("/proc/self/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()  # fields from 3 on; the command name may hold spaces
    start_ticks = int(fields[22 - 3])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def blas_libraries():
    """Paths of the mapped shared libraries whose name mentions BLAS (libblas, libopenblas, libmkl, libcblas)."""
    found = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6:
                name = os.path.basename(parts[5]).lower()
                if ("blas" in name or name.startswith("libmkl")) and parts[5] not in found:
                    found.append(parts[5])
    return found


def preloaded(prefix, limit=None):
    x = read_idx(prefix + "-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28).float().div(255)
    y = read_idx(prefix + "-labels-idx1-ubyte.gz").long()
    if limit:
        x, y = x[:limit], y[:limit]
    return x, y


def matmul_rate(threads):
    """Best GFLOP/s of torch.mm on two 2048 x 2048 float32 matrices (2 n^3 FLOP each), after one warm-up."""
    torch.set_num_threads(threads)
    n = 2048
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return {"n": n, "threads": threads, "best_seconds": best, "gflops": 2 * n ** 3 / best / 1e9,
            "torch": torch.__version__, "blas": blas_libraries(),
            "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS")}


def train_batches_of(batches):
    return round(batches * 0.8)  # Python rounds halves to even, as the tool's Math.Round(…, ToEven)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=None, help="only the first N training images (smoke tests)")
    p.add_argument("--dataloader", metavar="ROOT", default=None,
                   help="use torchvision's FashionMNIST under ROOT (ROOT/FashionMNIST/raw/) and a DataLoader")
    p.add_argument("--workers", type=int, default=4, help="DataLoader workers (the d2l tutorial's 4)")
    p.add_argument("--matmul", action="store_true", help="measure torch.mm GFLOP/s instead of training")
    a = p.parse_args()

    if a.matmul:
        print("RESULT " + json.dumps(matmul_rate(a.threads)), flush=True)
        return

    torch.set_num_threads(a.threads)
    if a.dataloader:
        from torch.utils.data import DataLoader, Subset
        import torchvision
        from torchvision import datasets, transforms
        train_set = datasets.FashionMNIST(a.dataloader, train=True, transform=transforms.ToTensor(), download=False)
        test_set = datasets.FashionMNIST(a.dataloader, train=False, transform=transforms.ToTensor(), download=False)
        if a.limit:
            train_set = Subset(train_set, range(a.limit))
        train_iter = DataLoader(train_set, BATCH, shuffle=True, num_workers=a.workers)
        test_iter = DataLoader(test_set, TEST_BATCH, shuffle=False, num_workers=a.workers)
        n = len(train_set)
        epoch_batches = lambda: train_iter  # noqa: E731
        test_batches = lambda: test_iter  # noqa: E731
        pipeline = f"torchvision {torchvision.__version__} FashionMNIST + ToTensor, DataLoader(batch {BATCH}, shuffle=True, num_workers={a.workers})"
    else:
        x, y = preloaded("train", a.limit)
        tx, ty = preloaded("t10k")
        n = len(y)
        epoch_batches = lambda: ((x[i:i + BATCH], y[i:i + BATCH]) for i in range(0, n, BATCH))  # noqa: E731
        test_batches = lambda: ((tx[i:i + TEST_BATCH], ty[i:i + TEST_BATCH]) for i in range(0, len(ty), TEST_BATCH))  # noqa: E731
        pipeline = "preloaded float tensor in [0, 1], batches are views"

    batches = (n + BATCH - 1) // BATCH
    train_batches = train_batches_of(batches)
    torch.manual_seed(0)
    model = LeNet()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    to_first_batch = None
    epochs = []
    best_acc, best_epoch, best_state = float("-inf"), None, None
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        tl = tc = tn = vl = vc = vn = 0
        for b, (bx, by) in enumerate(epoch_batches()):
            if b < train_batches:
                if to_first_batch is None:
                    to_first_batch = seconds_since_process_start()
                model.train()
                out = model(bx)
                loss = loss_fn(out, by)
                opt.zero_grad()
                loss.backward()
                opt.step()
                tl += loss.item() * len(by); tc += (out.argmax(1) == by).sum().item(); tn += len(by)
            else:
                model.eval()
                with torch.no_grad():
                    out = model(bx)
                    loss = loss_fn(out, by)
                vl += loss.item() * len(by); vc += (out.argmax(1) == by).sum().item(); vn += len(by)
        seconds = time.perf_counter() - t0
        r = {"epoch": epoch, "train_loss": tl / tn, "train_acc": tc / tn, "val_loss": vl / vn, "val_acc": vc / vn,
             "seconds": seconds}
        epochs.append(r)
        if r["val_acc"] > best_acc:  # first best on ties, as the tool's BestWeights
            best_acc, best_epoch, best_state = r["val_acc"], epoch, copy.deepcopy(model.state_dict())
        print(f"epoch {epoch} train loss {r['train_loss']:.4f} acc {r['train_acc']:.4f} "
              f"val loss {r['val_loss']:.4f} acc {r['val_acc']:.4f} {seconds:.2f} s", flush=True)

    model.load_state_dict(best_state)
    model.eval()
    t0 = time.perf_counter()
    correct = total = 0
    with torch.no_grad():
        for bx, by in test_batches():
            correct += (model(bx).argmax(1) == by).sum().item()
            total += len(by)
    test_seconds = time.perf_counter() - t0
    result = {
        "epochs": epochs,
        "train_images": n, "train_batches": train_batches, "val_batches": batches - train_batches,
        "best_epoch": best_epoch,
        "test_accuracy": correct / total, "test_images": total, "test_eval_seconds": test_seconds,
        "seconds_to_first_batch": to_first_batch,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "threads": torch.get_num_threads(), "torch": torch.__version__, "numpy": np.__version__,
        "python": sys.version.split()[0], "pipeline": pipeline,
        "blas": blas_libraries(), "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
