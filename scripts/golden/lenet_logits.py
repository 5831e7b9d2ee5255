"""Golden values for tests/LeNetFashion.Tests/Models/LeNetTests.cs, from PyTorch (Debian python3-torch 1.13).

Run: /usr/bin/python3 scripts/golden/lenet_logits.py
The tutorial's LeNet initialised after torch.manual_seed(0), applied to a fixed input
x[n, 0, i, j] = ((n * 784 + i * 28 + j) % 255) / 255 for n in 0..1; prints the state-dict keys,
the parameter count and the logits (float32, repr with 9 significant digits).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_reference import LeNet  # noqa: E402

torch.manual_seed(0)
model = LeNet().eval()
idx = torch.arange(2 * 784, dtype=torch.int64)
x = ((idx % 255).to(torch.float32) / 255).reshape(2, 1, 28, 28)
with torch.no_grad():
    logits = model(x)
print("keys:", list(model.state_dict().keys()))
print("params:", sum(p.numel() for p in model.parameters()))
for row in logits.tolist():
    print(", ".join(f"{v:.9g}f" for v in row))
