"""The PyTorch side shared by the scripts that check this tool against PyTorch (Debian's python3-torch 1.13):
the tutorial's LeNet and the IDX reader. Imported by scripts/golden/lenet_logits.py, scripts/safetensors_check.py
and scripts/bench/pytorch_peer.py; never a dependency of the tool itself.
"""
import gzip
import struct

import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist/"


class LeNet(nn.Module):
    """The tutorial's LeNet; its state-dict keys are conv.0.weight ... fc.4.bias, as the tool's `lenet`."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2),
                                  nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2))
        self.fc = nn.Sequential(nn.Linear(16 * 4 * 4, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))

    def forward(self, x):
        return self.fc(self.conv(x).view(x.shape[0], -1))


def read_idx(name, folder=DATA):
    """A gzip IDX file of unsigned bytes as a uint8 tensor of the file's shape ([N, 28, 28] images, [N] labels)."""
    with gzip.open(folder + name) as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)
