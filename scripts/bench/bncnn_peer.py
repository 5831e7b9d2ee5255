"""The PyTorch peer of the bn-cnn recipe (issue 21), for scripts/bench/bncnn_bench.py.

Run: /usr/bin/python3 scripts/bench/bncnn_peer.py [--epochs 2] [--limit 12800] [--threads 2]

Does the work of
  lenet-fashion train --arch bn-cnn --batch-size 128 --optimizer adamw --lr 0.003 --lr-schedule cosine
                      --augment --normalize --shuffle --train-rate 0.9
with the data preloaded as uint8 (as the tool keeps it): the first round(batches * 0.9) batches of 128 train and the
rest validate; inputs standardised with the mean and population std of the training part's pixels; every epoch the
training samples are reshuffled and each image gets a random crop of 28 x 28 from the image padded by 2 (zeros) and a
horizontal flip with probability 0.5 (done on the batch as the tool does: pad, gather, where); bn-cnn (Conv 1->32 5x5
pad 2, BN, ReLU, MaxPool 2; Conv 32->64 3x3 pad 1, BN, ReLU, MaxPool 2; Conv 64->96 3x3 pad 1, BN, ReLU, MaxPool 2;
Dropout 0.3, Linear 864->10; convolutions without bias; --pool-first puts each MaxPool before its ReLU, as the tool
does, which computes the same function and gradients); AdamW(0.003, weight decay 0.01), cosine annealing over the
epochs stepped per epoch; validation in eval() and no_grad() every epoch; the best epoch's weights are kept and scored
on the 10,000 test images. The random draws are PyTorch's, so the numbers are not the tool's to the bit, but the
arithmetic and data movement are the same.

Prints `Epoch i/E ... S s` lines as the tool does (the driver samples /proc/<pid>/stat at each), then `RESULT {json}`.
"""
import argparse
import copy
import json
import os
import resource
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_reference import read_idx  # noqa: E402

BATCH = 128
TEST_BATCH = 256
PAD = 2


class BnCnn(nn.Module):
    def __init__(self, pool_first=False):
        super().__init__()

        def block(i, o, k, p):
            tail = [nn.MaxPool2d(2), nn.ReLU()] if pool_first else [nn.ReLU(), nn.MaxPool2d(2)]
            return [nn.Conv2d(i, o, k, padding=p, bias=False), nn.BatchNorm2d(o), *tail]

        self.features = nn.Sequential(*block(1, 32, 5, 2), *block(32, 64, 3, 1), *block(64, 96, 3, 1))
        self.classifier = nn.Sequential(nn.Dropout(0.3), nn.Linear(864, 10))

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def augment(pixels, generator):
    """Random crop (padding 2) and horizontal flip per image, on uint8 [N, 1, 28, 28], as Training/Augmentation.cs."""
    n, c, h, w = pixels.shape
    padded = nn.functional.pad(pixels, (PAD, PAD, PAD, PAD))
    dy = torch.randint(0, 2 * PAD + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * PAD + 1, (n,), generator=generator)
    flip = torch.rand(n, generator=generator) < 0.5
    rows = (torch.arange(h).unsqueeze(0) + dy.unsqueeze(1)).view(n, 1, h, 1).expand(n, c, h, w + 2 * PAD)
    cropped = padded.gather(2, rows)
    cols = (torch.arange(w).unsqueeze(0) + dx.unsqueeze(1)).view(n, 1, 1, w).expand(n, c, h, w)
    cropped = cropped.gather(3, cols)
    return torch.where(flip.view(n, 1, 1, 1), cropped.flip(3), cropped)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--channels-last", action="store_true",
                        help="keep the model and inputs in channels-last memory (torch.channels_last)")
    parser.add_argument("--pool-first", action="store_true",
                        help="pool before ReLU in each block, as the tool does (same function and gradients)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x = read_idx("train-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28)
    y = read_idx("train-labels-idx1-ubyte.gz").long()
    tx = read_idx("t10k-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28)
    ty = read_idx("t10k-labels-idx1-ubyte.gz").long()
    if args.limit:
        x, y = x[:args.limit], y[:args.limit]
    batches = (len(x) + BATCH - 1) // BATCH
    train_batches = int(batches * 0.9 + 0.5)
    n_train = min(train_batches * BATCH, len(x))
    train_part = x[:n_train].double().div(255)
    mean, std = train_part.mean().item(), train_part.std(unbiased=False).item()
    del train_part

    layout = torch.channels_last if args.channels_last else torch.contiguous_format

    def to_input(pixels):
        return pixels.float().div(255).sub(mean).div(std).contiguous(memory_format=layout)

    model = BnCnn(args.pool_first).to(memory_format=layout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.003, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    loss_fn = nn.CrossEntropyLoss()
    best, best_state, epochs = -1.0, None, []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        generator = torch.Generator().manual_seed(args.seed * 1000 + epoch)
        order = torch.randperm(n_train, generator=generator)
        model.train()
        loss_sum, correct = 0.0, 0
        for b in range(0, n_train, BATCH):
            idx = order[b:b + BATCH]
            xb = to_input(augment(x[idx], generator))
            yb = y[idx]
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
        model.eval()
        val_correct = 0
        with torch.no_grad():
            for b in range(n_train, len(x), BATCH):
                val_correct += (model(to_input(x[b:b + BATCH])).argmax(1) == y[b:b + BATCH]).sum().item()
        scheduler.step()
        val_acc = val_correct / max(1, len(x) - n_train)
        seconds = time.perf_counter() - start
        epochs.append({"seconds": seconds, "train_loss": loss_sum / n_train, "train_acc": correct / n_train, "val_acc": val_acc})
        mark = "  * best" if val_acc > best else ""
        if val_acc > best:
            best, best_state = val_acc, copy.deepcopy(model.state_dict())
        print(f"Epoch {epoch}/{args.epochs - 1}  train loss {loss_sum / n_train:.4f} acc {correct / n_train:.4f}  val acc {val_acc:.4f}  {seconds:.1f} s{mark}", flush=True)

    model.load_state_dict(best_state)
    model.eval()
    start = time.perf_counter()
    test_correct = 0
    with torch.no_grad():
        for b in range(0, len(tx), TEST_BATCH):
            test_correct += (model(to_input(tx[b:b + TEST_BATCH])).argmax(1) == ty[b:b + TEST_BATCH]).sum().item()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print("RESULT " + json.dumps({
        "epochs": epochs, "test_accuracy": test_correct / len(tx), "test_seconds": time.perf_counter() - start,
        "peak_rss_bytes": usage.ru_maxrss * 1024, "torch": torch.__version__,
        "channels_last": args.channels_last, "pool_first": args.pool_first, "allocator": os.environ.get("LD_PRELOAD", "") or ("glibc, tuned" if "GLIBC_TUNABLES" in os.environ else "glibc, default")}), flush=True)


if __name__ == "__main__":
    main()
