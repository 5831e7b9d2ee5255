#!/usr/bin/env python3
"""Checks a safetensors file written by `export` against PyTorch (Debian's python3-torch 1.13), and writes one from
PyTorch for the reverse check. The safetensors format is parsed and written with the standard library (8-byte
little-endian header length, JSON header, raw data), because the `safetensors` package is not installed here.

  # exported file -> PyTorch: strict load, logits on the first 100 test images vs ours, test accuracy
  lenet-fashion predict --model M.safetensors --json --logits --idx $DATA/t10k-images-idx3-ubyte.gz --count 100 > ours.jsonl
  python3 scripts/safetensors_check.py check M.safetensors ours.jsonl

  # PyTorch -> file: train the PyTorch module one epoch (seed 0), print its test accuracy, save without metadata
  python3 scripts/safetensors_check.py write-pytorch pytorch.safetensors
  lenet-fashion eval --model pytorch.safetensors
"""
import json
import os
import struct
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import LeNet, read_idx  # noqa: E402

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "I64": torch.int64, "U8": torch.uint8}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for key, e in header.items():
        begin, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=DTYPES[e["dtype"]]) if end > begin else torch.empty(0, dtype=DTYPES[e["dtype"]])
        tensors[key] = t.reshape(e["shape"])
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for key in sorted(tensors):
        t = tensors[key].detach().contiguous().to(torch.float32)
        raw = t.numpy().tobytes()  # little-endian float32 on every platform PyTorch runs on here (numpy comes with python3-torch)
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(chunks))


def test_set():
    return read_idx("t10k-images-idx3-ubyte.gz").unsqueeze(1).float() / 255, read_idx("t10k-labels-idx1-ubyte.gz").long()


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def check(path, ours_jsonl):
    tensors, metadata = read_safetensors(path)
    print("metadata:", json.dumps(metadata))
    print("keys:", ", ".join(f"{k} {list(v.shape)} {v.dtype}" for k, v in tensors.items()))
    model = LeNet().eval()
    result = model.load_state_dict(tensors, strict=True)
    print(f"load_state_dict(strict=True): missing {result.missing_keys}, unexpected {result.unexpected_keys}")
    x, y = test_set()
    mean, std = (json.loads(metadata.get("preprocessing", "{}")) or {}).get("mean"), (json.loads(metadata.get("preprocessing", "{}")) or {}).get("std")
    if mean is not None:
        x = (x - mean) / std
    with torch.no_grad():
        theirs = model(x[:100]).double()
    ours = torch.tensor([json.loads(line)["logits"] for line in open(ours_jsonl)], dtype=torch.float64)
    assert ours.shape == (100, 10), ours.shape
    diff = (theirs - ours).abs().max().item()
    same = (theirs.argmax(1) == ours.argmax(1)).sum().item()
    print(f"first 100 test images: max |logit difference| = {diff:.3g}, same predicted class on {same} of 100")
    print(f"PyTorch test accuracy (10,000 images): {accuracy(model, x, y):.4f}")
    return 0 if diff < 1e-4 and same == 100 and not result.missing_keys and not result.unexpected_keys else 1


def write_pytorch(path):
    torch.manual_seed(0)
    model = LeNet()
    images = read_idx("train-images-idx3-ubyte.gz")[:48000].unsqueeze(1).float() / 255
    labels = read_idx("train-labels-idx1-ubyte.gz")[:48000].long()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for i in range(0, len(images), 64):
        opt.zero_grad()
        loss_fn(model(images[i:i + 64]), labels[i:i + 64]).backward()
        opt.step()
    model.eval()
    x, y = test_set()
    print(f"PyTorch-trained LeNet (1 epoch, seed 0): test accuracy {accuracy(model, x, y):.4f}")
    write_safetensors(path, model.state_dict())
    print(f"wrote {path} (no metadata)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 3 and sys.argv[1] == "write-pytorch":
        sys.exit(write_pytorch(sys.argv[2]))
    sys.exit(__doc__)
