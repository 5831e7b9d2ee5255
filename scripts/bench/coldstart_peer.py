"""The PyTorch side of scripts/bench/coldstart.py: a process that loads the tool's exported LeNet (safetensors) and
either classifies test image 0 (`predict`) or scores the 10,000 test images (`eval`), then prints one line and exits.

Run: /usr/bin/python3 scripts/bench/coldstart_peer.py predict|eval MODEL.safetensors
Uses Debian's PyTorch 1.13 with 2 threads, the LeNet of scripts/torch_reference.py and the safetensors reader of
scripts/safetensors_check.py; the model's preprocessing is plain /255 (the tutorial's recipe).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_check import read_safetensors  # noqa: E402
from torch_reference import LeNet, read_idx  # noqa: E402

torch.set_num_threads(2)
mode, path = sys.argv[1], sys.argv[2]
tensors, _ = read_safetensors(path)
model = LeNet()
model.load_state_dict(tensors, strict=True)
model.eval()
x = read_idx("t10k-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28)
with torch.no_grad():
    if mode == "predict":
        p = model(x[:1].float().div(255)).softmax(1)
        print(f"image 0: class {p.argmax(1).item()} {p.max().item():.4f}")
    else:
        y = read_idx("t10k-labels-idx1-ubyte.gz").long()
        correct = sum((model(x[b:b + 256].float().div(255)).argmax(1) == y[b:b + 256]).sum().item() for b in range(0, len(x), 256))
        print(f"test accuracy {correct / len(x):.4f}")
