#!/usr/bin/env python3
"""KernelBench's own correctness check for a ModelNew file on problem 93 (the seed workload): the reference Model and
ModelNew are built from the same seed (so their parameters agree), run on torch.rand inputs, and compared with
torch.allclose(atol=1e-2, rtol=1e-2), for several input seeds, as KernelBench's eval does. Also times both (CUDA events,
median) for the record. Usage: tools/kernelbench_check.py MODULE.py [--trials 5] [--no-tf32]"""
import argparse
import importlib.util
import os
import statistics
import sys

import torch
import torch.nn as nn

BATCH, IN_CH, OUT_CH, HW, K, STRIDE, ADD, MUL = 128, 64, 128, 64, 4, 2, 0.5, 2.0


class Model(nn.Module):
    """KernelBench level 2 problem 93's reference."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, add_value, multiply_value):
        super().__init__()
        self.conv_transpose = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=stride)
        self.add_value = add_value
        self.multiply_value = multiply_value

    def forward(self, x):
        x = self.conv_transpose(x)
        x = x + self.add_value
        x = torch.min(x, torch.tensor(0.0, device=x.device))
        x = torch.nn.functional.gelu(x)
        x = x * self.multiply_value
        return x


def median_ms(fn, reps=50):
    for _ in range(5):
        fn()
    times = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--no-tf32", action="store_true")
    args = ap.parse_args()
    torch.backends.cudnn.allow_tf32 = not args.no_tf32
    torch.backends.cuda.matmul.allow_tf32 = not args.no_tf32
    spec = importlib.util.spec_from_file_location("candidate", args.module)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    init = (IN_CH, OUT_CH, K, STRIDE, ADD, MUL)
    torch.manual_seed(42)
    ref = Model(*init).cuda()
    torch.manual_seed(42)
    new = mod.ModelNew(*init).cuda()
    ok = True
    with torch.no_grad():
        for trial in range(args.trials):
            torch.manual_seed(trial)
            x = torch.rand(BATCH, IN_CH, HW, HW, device="cuda")
            a, b = ref(x), new(x)
            good = a.shape == b.shape and torch.allclose(a, b, atol=1e-2, rtol=1e-2)
            print(f"trial {trial}: allclose(atol=rtol=1e-2) {'ok' if good else 'FAILED'}, "
                  f"max |diff| {(a - b).abs().max().item():.3e}")
            ok &= bool(good)
        t_ref = median_ms(lambda: ref(x))
        t_new = median_ms(lambda: new(x))
    print(f"{torch.cuda.get_device_name()}  Model {t_ref:.3f} ms  ModelNew {t_new:.3f} ms  speed-up {t_ref / t_new:.2f}x"
          f"  (TF32 {'off' if args.no_tf32 else 'on'})")
    print("KernelBench check:", "passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
