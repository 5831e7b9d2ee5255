"""Golden values for tests/LeNetFashion.Tests/Models/LeNetTests.cs, from PyTorch (Debian python3-torch 1.13).

Run: /usr/bin/python3 scripts/golden/lenet_logits.py
The tutorial's LeNet initialised after torch.manual_seed(0), applied to a fixed input
x[n, 0, i, j] = ((n * 784 + i * 28 + j) % 255) / 255 for n in 0..1; prints the state-dict keys,
the parameter count and the logits (float32, repr with 9 significant digits).
"""
import torch
from torch import nn


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2))
        self.fc = nn.Sequential(
            nn.Linear(16 * 4 * 4, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))

    def forward(self, x):
        return self.fc(self.conv(x).view(x.shape[0], -1))


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
