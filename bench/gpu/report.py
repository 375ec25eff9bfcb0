#!/usr/bin/env python3
"""One table from gpu_bench's and torch_peers.py's JSON (same card, same run): ms, speed-up against each PyTorch peer of
the same dtype family, achieved GB/s (x + weight + bias + y once) and percent of the measured copy bandwidth.
    python3 bench/gpu/report.py BENCH.json TORCH.json [--json OUT.json]
"""
import json
import sys


def main():
    bench = json.load(open(sys.argv[1]))
    try:
        peers = json.load(open(sys.argv[2]))
    except (IndexError, OSError):
        peers = {"rows": []}  # peers not run in this call: our kernels only
    copy = bench["copy_gbps"]
    peer_ms = {r["name"]: r["median_ms"] for r in peers["rows"]}
    cols = ["torch_eager_tf32", "torch_eager_fp32_no_tf32", "torch_compile_tf32", "torch_eager_float16"]
    print(f"device: {bench['device']}; copy {copy:.0f} GB/s; torch {peers.get('torch', '?')}")
    head = f"{'kernel':24s} {'dtype':9s} {'ms':>8s} {'GB/s':>6s} {'%copy':>6s} {'TFLOP/s':>8s}  " + "  ".join(
        f"x{c.replace('torch_', '')}" for c in cols)
    print(head)
    for r in bench["rows"]:
        speed = "  ".join(f"{peer_ms[c] / r['median_ms']:>{len(c) - 5}.2f}" if c in peer_ms else " " * (len(c) - 5)
                          for c in cols)
        print(f"{r['name']:24s} {r['dtype']:9s} {r['median_ms']:8.3f} {r['gbps']:6.0f} {r['pct_copy']:6.1f} "
              f"{r['tflops']:8.1f}  {speed}")
    for r in peers["rows"]:
        gbps = (r["bytes"] + 4 * 128 * 64 * 64 * 64) / (r["median_ms"] * 1e-3) / 1e9
        print(f"{r['name']:34s} {r['dtype']:9s} {r['median_ms']:8.3f} ms  {gbps:6.0f} GB/s-equivalent")


if __name__ == "__main__":
    main()
