#!/usr/bin/env python3
"""What the vendor's GEMM costs on the seed workload's phase-GEMM shape: a ceiling to hold the fused kernel against.

The seed workload (N=128, Cin=64, Cout=128, 64x64, k=4, stride 2) is one GEMM of M = 128 * 65 * 65 = 540,800 q-pixels,
N = 4 phases * 128 channels = 512, K = 64 channels * 4 taps = 256 (bench/NOTES.md section 1); its output, 540,800 * 512
values, is exactly the 128 * 128 * 130 * 130 of y. So torch.matmul (cuBLAS, with cuBLASLt's Hopper kernels) of dense
(M, K) by (K, N) matrices into an (M, N) output writes the same bytes and does the same multiply-adds as the fused
kernel, with no gather, no halo, no epilogue and a contiguous output: a fused kernel near it is near what the library
reaches on this shape. Timed like gpu_bench times ours: CUDA events, median of --reps (>= 50) after warm-up.
    python3 bench/gpu/gemm_shape_peer.py [--reps 50] [--json FILE]
"""
import json

import torch

from torch_peers import peer_arguments, time_ms  # the peers' arguments and timing (this script's folder is on sys.path)


def main():
    args = peer_arguments()
    reps = args.reps
    m, n, k = 128 * 65 * 65, 512, 256
    flop = 2.0 * m * n * k
    rows = []
    torch.manual_seed(0)
    for name, dtype, tf32 in (("tf32", torch.float32, True), ("fp32_no_tf32", torch.float32, False),
                              ("float16", torch.float16, False), ("bfloat16", torch.bfloat16, False)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.rand(m, k, device="cuda", dtype=dtype)
        b = torch.rand(k, n, device="cuda", dtype=dtype) / k
        c = torch.empty(m, n, device="cuda", dtype=dtype)
        ms, mn = time_ms(lambda: torch.matmul(a, b, out=c), reps)
        moved = (a.numel() + b.numel() + c.numel()) * a.element_size()
        rows.append({"name": f"cublas_gemm_same_shape_{name}", "dtype": str(dtype).replace("torch.", ""),
                     "median_ms": ms, "min_ms": mn, "tflops": flop / ms / 1e9, "gbps": moved / ms / 1e6})
        print(f"  cublas_gemm_same_shape_{name:13s} median {ms:7.3f} ms  min {mn:7.3f} ms  "
              f"{flop / ms / 1e9:6.1f} TFLOP/s  {moved / ms / 1e6:6.0f} GB/s", flush=True)
        del a, b, c
    torch.backends.cuda.matmul.allow_tf32 = False
    out = {"torch": torch.__version__, "device": torch.cuda.get_device_name(), "m": m, "n": n, "k": k, "rows": rows}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
