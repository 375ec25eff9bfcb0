#!/usr/bin/env python3
"""Measures the claim behind verify/allowance.hpp's kGeluEvalCoefficient on PyTorch's own float32 GELU (CPU):
max over z in [lo, 0] of |torch.gelu(z) - gelu(z)| / (2^-24 * |z|), against gelu in double through math.erfc.
Also prints GELU's derivative extremes on (-inf, 0] (kGeluLipschitzNonpositive, kGeluDerivativeMinimum).

Usage: python3 verify/measure_torch_gelu.py [--points 2000001] [--lo -8]
Recorded in verify/README.md ("The bound", term 4) with the machine, date and output.
"""
import argparse
import math

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=2000001)
    ap.add_argument("--lo", type=float, default=-8.0)
    args = ap.parse_args()

    z = torch.linspace(args.lo, 0.0, args.points, dtype=torch.float32)
    got = torch.nn.functional.gelu(z).double()
    zd = z.double()
    exact = torch.tensor([0.5 * v * math.erfc(-v / math.sqrt(2.0)) for v in zd.tolist()], dtype=torch.float64)
    nonzero = zd != 0
    ratio = ((got - exact).abs()[nonzero] / (2.0 ** -24 * zd.abs()[nonzero]))
    worst = int(ratio.argmax())
    print(f"torch {torch.__version__}: max |gelu_f32 - gelu| / (u|z|) = {ratio.max().item():.3f} "
          f"at z = {zd[nonzero][worst].item():.7g} over {args.points} points of [{args.lo}, 0]")

    phi = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    Phi = lambda t: 0.5 * math.erfc(-t / math.sqrt(2))
    d = lambda t: Phi(t) + t * phi(t)
    ts = [-20 + 20 * i / 2000000 for i in range(2000001)]
    vals = [d(t) for t in ts]
    print(f"gelu' on [-20, 0]: max {max(vals):.17g} at {ts[vals.index(max(vals))]:.6g}, "
          f"min {min(vals):.17g} at {ts[vals.index(min(vals))]:.6g} (-sqrt(2) = {-math.sqrt(2):.6g})")


if __name__ == "__main__":
    main()
