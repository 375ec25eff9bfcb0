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

BATCH, IN_CH, OUT_CH, HW, K, STRIDE, ADD, MUL = 128, 64, 128, 64, 4, 2, 0.5, 2.0


def load_model_new(path):
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.ModelNew


# KernelBench level 2 problem 93's reference Model, kept once in examples/ (as a ModelNew, so that the gate takes it too).
Model = load_model_new(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "kernelbench_reference.py"))


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
    init = (IN_CH, OUT_CH, K, STRIDE, ADD, MUL)
    torch.manual_seed(42)
    ref = Model(*init).cuda()
    torch.manual_seed(42)
    new = load_model_new(args.module)(*init).cuda()
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
