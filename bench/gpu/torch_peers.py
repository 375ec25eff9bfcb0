#!/usr/bin/env python3
"""The peers of the fused kernel on the seed workload, timed like gpu_bench times ours: CUDA events around each run,
median of --reps (>= 50) after warm-up, same card, same call of run_on_device.sh.

Seed workload (KernelBench level 2, problem 93): ConvTranspose2d(64, 128, 4, stride 2) on x ~ U[0,1) of (128, 64, 64, 64),
then + 0.5, min(., 0), GELU (exact erf), * 2.0. Peers: eager float32 with cuDNN TF32 (PyTorch's default) and without,
the cuDNN transposed convolution alone, cuDNN conv + a torch.compile'd (Triton) epilogue, torch.compile of the whole
model, float16 and bfloat16 eager. Writes JSON (--json FILE) and prints one line per peer.
    python3 bench/gpu/torch_peers.py [--reps 50] [--json FILE]
"""
import argparse
import os
import sys
import json
import statistics

import torch
import torch.nn.functional as F


def time_ms(fn, reps, warmup=10):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return statistics.median(times), min(times)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.ConvTranspose2d(64, 128, 4, stride=2)

    def forward(self, x):
        y = self.conv(x)
        y = y + 0.5
        y = torch.min(y, torch.zeros((), device=y.device, dtype=y.dtype))
        y = F.gelu(y)
        return y * 2.0


def epilogue(y):
    return F.gelu(torch.min(y + 0.5, torch.zeros((), device=y.device, dtype=y.dtype))) * 2.0


def peer_arguments():
    """--reps (at least 50) and --json FILE, as every peer script takes them."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    args.reps = max(50, args.reps)
    return args


def main():
    args = peer_arguments()
    reps = args.reps
    torch.manual_seed(0)
    dev = torch.device("cuda")
    model = Model().to(dev).eval()
    x = torch.rand(128, 64, 64, 64, device=dev)
    rows = []

    def record(name, dtype, fn, out_bytes):
        ms, mn = time_ms(fn, reps)
        rows.append({"name": name, "dtype": dtype, "median_ms": ms, "min_ms": mn, "bytes": out_bytes})
        print(f"  {name:34s} {dtype:9s} median {ms:8.3f} ms  min {mn:8.3f} ms", flush=True)

    y_bytes = 128 * 128 * 130 * 130
    with torch.no_grad():
        # Device copy ceiling through PyTorch, to cross-check gpu_bench's.
        src = torch.empty(1 << 28, device=dev)
        dst = torch.empty_like(src)
        ms, _ = time_ms(lambda: dst.copy_(src), reps)
        print(f"  torch copy of 1 GiB: {ms:.3f} ms -> {2 * (1 << 30) / ms / 1e6:.0f} GB/s (read + write)")
        del src, dst

        torch.backends.cudnn.allow_tf32 = True
        record("torch_eager_tf32", "float32", lambda: model(x), 4 * y_bytes)
        record("torch_cudnn_conv_only_tf32", "float32", lambda: model.conv(x), 4 * y_bytes)
        epi = torch.compile(epilogue)
        record("torch_cudnn_conv+triton_epilogue", "float32", lambda: epi(model.conv(x)), 4 * y_bytes)
        compiled = torch.compile(model)
        record("torch_compile_tf32", "float32", lambda: compiled(x), 4 * y_bytes)
        torch.backends.cudnn.allow_tf32 = False
        record("torch_eager_fp32_no_tf32", "float32", lambda: model(x), 4 * y_bytes)
        torch.backends.cudnn.allow_tf32 = True
        # This project's kernel as a PyTorch op (tools/fused_op.py, through libgate_candidate_fused.so), when the
        # library is there ($GATE_CANDIDATE_LIB): the cost a PyTorch user sees, Python call included.
        if os.environ.get("GATE_CANDIDATE_LIB"):
            sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
            import fused_op
            c = model.conv
            op = lambda: fused_op.fused(x, c.weight, c.bias, [2, 2], [0, 0], [0, 0], [1, 1], 1, 0.5, 2.0)
            record("gate_torch_op_tf32", "float32", op, 4 * y_bytes)
            for name, dt in (("float16", torch.float16), ("bfloat16", torch.bfloat16)):
                x16, w16, b16 = x.to(dt), c.weight.to(dt), c.bias.to(dt)
                record(f"gate_torch_op_{name}", name,
                       lambda: fused_op.fused(x16, w16, b16, [2, 2], [0, 0], [0, 0], [1, 1], 1, 0.5, 2.0), 2 * y_bytes)
                del x16, w16, b16
        for name, dt in (("float16", torch.float16), ("bfloat16", torch.bfloat16)):
            m16 = Model().to(dev, dt).eval()
            m16.load_state_dict(model.state_dict())
            x16 = x.to(dt)
            record(f"torch_eager_{name}", name, lambda: m16(x16), 2 * y_bytes)
            del m16, x16
    out = {"torch": torch.__version__, "cudnn": torch.backends.cudnn.version(), "device": torch.cuda.get_device_name(),
           "rows": rows}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
