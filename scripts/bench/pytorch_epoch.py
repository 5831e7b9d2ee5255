"""Reference timing: the tutorial's training epoch in PyTorch, data preloaded as one tensor.

Run: /usr/bin/python3 scripts/bench/pytorch_epoch.py [epochs] [threads]
Same recipe as `lenet-fashion train` (batch 64, first 750 of 938 batches train, the rest validate,
Adam 0.001, sigmoid LeNet, torch.manual_seed(0)); prints per-epoch metrics and seconds.
"""
import gzip
import sys
import time

import numpy as np
import torch
from torch import nn

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 2
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(threads)
root = "/usr/share/datasets/fashion-mnist/"


def idx(name, offset):
    with gzip.open(root + name) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


x = torch.from_numpy(idx("train-images-idx3-ubyte.gz", 16).copy()).reshape(-1, 1, 28, 28).float().div(255)
y = torch.from_numpy(idx("train-labels-idx1-ubyte.gz", 8).copy()).long()


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2),
                                  nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2))
        self.fc = nn.Sequential(nn.Linear(256, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))

    def forward(self, v):
        return self.fc(self.conv(v).view(v.shape[0], -1))


torch.manual_seed(0)
model = LeNet()
opt = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = nn.CrossEntropyLoss()
batches = (len(y) + 63) // 64
train_batches = round(batches * 0.8)
for epoch in range(epochs):
    t0 = time.perf_counter()
    tl = tc = tn = vl = vc = vn = 0
    for b in range(batches):
        bx, by = x[b * 64:(b + 1) * 64], y[b * 64:(b + 1) * 64]
        if b < train_batches:
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
    print(f"epoch {epoch} train loss {tl / tn:.4f} acc {tc / tn:.4f} val loss {vl / vn:.4f} acc {vc / vn:.4f} {time.perf_counter() - t0:.2f} s", flush=True)
