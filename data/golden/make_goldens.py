#!/usr/bin/python3
"""Makes the PyTorch goldens of data/golden/: small ConvTranspose2d → +add → min(·,0) → GELU(erf) → ×multiply cases
computed by PyTorch in float64 on the CPU, one folder per case:

  case.json    DESIGN.md's case keys plus golden_version, torch_version and generator
  x.npy, weight.npy, bias.npy (absent without bias)   the inputs, '<f4' (float32 values: exact in float64)
  conv.npy     conv_transpose2d(x, weight, bias) in float64, '<f8'
  y.npy        multiply · gelu(min(conv + add, 0)) in float64, '<f8'

The inputs are float32 so that core's read_npy reads them and the reference sees exactly the values PyTorch used;
conv.npy and y.npy are float64 and read by the small '<f8' reader of tests/reference/golden_test.cpp.
Regenerate (bump GOLDEN_VERSION when the cases or the format change; golden_test.cpp checks the version):
    /usr/bin/python3 data/golden/make_goldens.py        (Debian's python3-torch 1.13 and numpy)
"""
import json
import os
import shutil

import numpy as np
import torch

GOLDEN_VERSION = 1
HERE = os.path.dirname(os.path.abspath(__file__))

# name, N, Cin, Cout, H, W, (kH, kW), stride, padding, output_padding, dilation, groups, bias, add, multiply, x range
CASES = [
    ("basic_stride2_pad1_opad1", 2, 3, 4, 5, 6, (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), 1, True, -0.5, 2.0, (-3, 3)),
    ("dilation2_pad2", 1, 2, 3, 4, 4, (3, 3), (1, 1), (2, 2), (0, 0), (2, 2), 1, True, -0.3, 1.5, (-1, 1)),
    ("groups2_nobias_nonsquare", 2, 4, 6, 5, 5, (2, 3), (2, 1), (0, 1), (1, 0), (1, 1), 2, False, 0.25, 1.0, (-2, 2)),
    ("nonsquare_stride3x2_opad2x1", 1, 3, 2, 3, 7, (4, 2), (3, 2), (1, 0), (2, 1), (1, 1), 1, True, 0.0, -1.0, (-1, 1)),
    ("mixed_groups3_dilation2x3", 1, 3, 6, 4, 5, (2, 3), (2, 2), (1, 2), (1, 2), (2, 3), 3, True, -1.0, 0.5, (-3, 3)),
    ("stride3_k1_tapless_phases", 1, 2, 2, 3, 3, (1, 1), (3, 3), (0, 0), (2, 2), (1, 1), 1, True, -0.5, 2.0, (-4, 4)),
    ("seed_like_small", 2, 8, 16, 8, 8, (4, 4), (2, 2), (0, 0), (0, 0), (1, 1), 1, True, 0.5, 2.0, (0, 1)),
]


def make_case(spec, seed):
    (name, N, Cin, Cout, H, W, k, stride, padding, opad, dilation, groups, has_bias, add, mul, xr) = spec
    g = torch.Generator().manual_seed(seed)
    x = (torch.rand(N, Cin, H, W, generator=g) * (xr[1] - xr[0]) + xr[0]).float()
    # PyTorch's default init of ConvTranspose2d: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = (Cout/groups)·kH·kW.
    bound = 1.0 / np.sqrt(Cout // groups * k[0] * k[1])
    w = ((torch.rand(Cin, Cout // groups, k[0], k[1], generator=g) * 2 - 1) * bound).float()
    b = ((torch.rand(Cout, generator=g) * 2 - 1) * bound).float() if has_bias else None
    # add and multiply are float32 scalars in every backend (core/problem.hpp): use their float32 values here too.
    add32 = float(np.float32(add))
    mul32 = float(np.float32(mul))
    conv = torch.nn.functional.conv_transpose2d(
        x.double(), w.double(), b.double() if b is not None else None, stride=stride, padding=padding,
        output_padding=opad, groups=groups, dilation=dilation)
    y = torch.nn.functional.gelu(torch.minimum(conv + add32, torch.zeros((), dtype=torch.float64)),
                                 approximate="none") * mul32

    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    np.save(os.path.join(folder, "x.npy"), x.numpy().astype("<f4"))
    np.save(os.path.join(folder, "weight.npy"), w.numpy().astype("<f4"))
    if b is not None:
        np.save(os.path.join(folder, "bias.npy"), b.numpy().astype("<f4"))
    np.save(os.path.join(folder, "conv.npy"), conv.numpy().astype("<f8"))
    np.save(os.path.join(folder, "y.npy"), y.numpy().astype("<f8"))
    meta = {
        "name": name, "stride": list(stride), "padding": list(padding), "output_padding": list(opad),
        "dilation": list(dilation), "groups": groups, "add_value": add32, "multiply_value": mul32,
        "dtype": "float32", "precision": "fp32",
        "golden_version": GOLDEN_VERSION, "torch_version": torch.__version__,
        "generator": "data/golden/make_goldens.py", "seed": seed,
    }
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    negative = float((conv + add32 < 0).double().mean())
    return name, tuple(conv.shape), negative


def main():
    torch.set_num_threads(1)
    for i, spec in enumerate(CASES):
        name, shape, negative = make_case(spec, 1000 + i)
        print(f"{name}: y {shape}, {negative:.0%} of conv + add negative")


if __name__ == "__main__":
    main()
