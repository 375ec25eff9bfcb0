#!/usr/bin/env python3
"""Does PyTorch's ConvTranspose2d multiply padding zeros by the weights? A NaN or inf weight tap that reaches no input
element of an output gives NaN there if it does (0·inf), a finite value if not (PyTorch's definition has no such term).
verify/README.md ("Decisions", non-finite weights) quotes the output measured on the GPU machine.

Usage: python3 verify/probe_nonfinite_weight_padding.py [CASE_DIR]
  without CASE_DIR: a 3x3 input, a 2x2 kernel with one non-finite tap;
  with CASE_DIR (from `verify export --out D --case specials`, then D/specials): that case's inputs, whose NaN pattern
  on every device and setting is compared with PyTorch's CPU float64 result.
"""
import sys

import numpy as np
import torch


def conv(x, w, b, dev, dtype, cudnn=True, tf32=False):
    torch.backends.cudnn.enabled = cudnn
    torch.backends.cudnn.allow_tf32 = tf32
    bias = None if b is None else b.to(dev, dtype)
    return torch.nn.functional.conv_transpose2d(x.to(dev, dtype), w.to(dev, dtype), bias).double().cpu()


def settings():
    yield "cpu", torch.float32, True, False
    if torch.cuda.is_available():
        for dtype in (torch.float32, torch.float16, torch.bfloat16):
            for cudnn in (True, False):
                yield "cuda", dtype, cudnn, False
        yield "cuda", torch.float32, True, True


def main():
    print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())
    if len(sys.argv) > 1:
        d = sys.argv[1]
        x, w = torch.from_numpy(np.load(d + "/x.npy")), torch.from_numpy(np.load(d + "/weight.npy"))
        b = torch.from_numpy(np.load(d + "/bias.npy"))
        ref = conv(x, w, b, "cpu", torch.float64)
        print("cpu float64: NaN outputs", int(ref.isnan().sum()))
        for dev, dtype, cudnn, tf32 in settings():
            if dtype != torch.float32:
                continue
            y = conv(x, w, b, dev, dtype, cudnn, tf32)
            print(dev, dtype, "cudnn" if cudnn else "no cudnn", "tf32" if tf32 else "",
                  "NaN outputs", int(y.isnan().sum()), "NaN pattern differs from cpu float64 at",
                  int((y.isnan() != ref.isnan()).sum()))
        return
    x = torch.ones(1, 1, 3, 3)
    w = torch.ones(1, 1, 2, 2)
    for bad in (float("inf"), float("nan")):
        w[0, 0, 1, 1] = bad  # misses the input for output row 0 and column 0
        for dev, dtype, cudnn, tf32 in settings():
            y = conv(x, w, None, dev, dtype, cudnn, tf32)
            print(f"weight {bad}: {dev} {dtype} {'cudnn' if cudnn else 'no cudnn'} {'tf32' if tf32 else ''}: "
                  f"row 0 = {y[0, 0, 0].tolist()}")


if __name__ == "__main__":
    main()
