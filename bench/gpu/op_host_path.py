"""Where the PyTorch op's time over its kernels goes (bench/NOTES.md §8e): host time of one call of the op (from the
call until it returns, the GPU idle before its first kernel), of the bare C-ABI call, and the GPU time between events
around a call, on the seed workload (float32, TF32). Run on the GPU machine with GATE_CANDIDATE_LIB set.
    python3 bench/gpu/op_host_path.py"""
import ctypes
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import fused_op  # noqa: E402

# The seed workload's data, as bench/gpu/torch_peers.py makes it: x uniform in [0, 1), PyTorch's default init.
conv = torch.nn.ConvTranspose2d(64, 128, 4, stride=2).cuda()
x = torch.rand(128, 64, 64, 64, device="cuda")
w, b = conv.weight.detach(), conv.bias.detach()
y = torch.empty(128, 128, 130, 130, device="cuda")
args = (x, w, b, [2, 2], [0, 0], [0, 0], [1, 1], 1, 0.5, 2.0)
# The ABI problem the op itself builds for these arguments (float32, TF32).
p, _ = fused_op._problem(tuple(x.shape), tuple(w.shape), (2, 2), (0, 0), (0, 0), (1, 1), 1, 0, True, 0.5, 2.0)
msg = ctypes.create_string_buffer(1024)
stream = torch.cuda.current_stream().cuda_stream


def no_grad_call(weight, bias):
    with torch.no_grad():
        return fused_op.fused(x, weight, bias, *args[3:])


calls = {
    "torch.ops op (custom_op dispatch)": lambda: torch.ops.convt_gelu_gate.fused(*args),
    "fused_op.fused (Python body)": lambda: fused_op.fused(*args),
    "fused_op.fused, Parameters, no_grad": lambda: no_grad_call(conv.weight, conv.bias),
    "fused_op.fused, Parameters": lambda: fused_op.fused(x, conv.weight, conv.bias, *args[3:]),
    "gate_candidate_run (ctypes)": lambda: fused_op._LIB.gate_candidate_run(
        ctypes.byref(p), x.data_ptr(), w.data_ptr(), b.data_ptr(), y.data_ptr(), stream, msg, len(msg)),
}
for name, f in calls.items():
    for _ in range(5):
        f()
    torch.cuda.synchronize()
    host, gpu = [], []
    for _ in range(30):
        torch.cuda.synchronize()
        a, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        t0 = time.perf_counter()
        f()
        host.append((time.perf_counter() - t0) * 1e3)
        e.record()
        torch.cuda.synchronize()
        gpu.append(a.elapsed_time(e))
    print(f"{name:36s} host {statistics.median(host):.3f} ms   events {statistics.median(gpu):.3f} ms")

# The op body's steps one by one (host time only: each statement in a loop of 200, median of 20 loops, µs a call),
# to see which of them the ~0.05 ms the op takes over its kernels in torch_peers.py is made of (bench/NOTES.md §21).
def per_call_us(stmt, loops=20, n=200):
    times = []
    for _ in range(loops):
        t0 = time.perf_counter()
        for _ in range(n):
            stmt()
        times.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(times)


conv_p = conv.weight, conv.bias  # the module's own Parameters, as ModelNew passes them
steps = {
    "is_cuda x3": lambda: x.is_cuda and w.is_cuda and b.is_cuda,
    "contiguous() x3": lambda: (x.contiguous(), w.contiguous(), b.contiguous()),
    "cudnn.allow_tf32": lambda: torch.backends.cudnn.allow_tf32,
    "_pair x4 + tuples + _problem (cached)": lambda: fused_op._problem(
        tuple(x.shape), tuple(w.shape), tuple(fused_op._pair([2, 2])), tuple(fused_op._pair([0, 0])),
        tuple(fused_op._pair([0, 0])), tuple(fused_op._pair([1, 1])), 1, 0, True, 0.5, 2.0),
    "torch.empty(y)": lambda: torch.empty((128, 128, 130, 130), device=x.device, dtype=x.dtype),
    "create_string_buffer(1024)": lambda: ctypes.create_string_buffer(1024),
    "current_stream(dev).cuda_stream": lambda: torch.cuda.current_stream(x.device).cuda_stream,
    "_cuda_getCurrentRawStream(idx)": lambda: torch._C._cuda_getCurrentRawStream(x.device.index),
    "data_ptr() x4": lambda: (x.data_ptr(), w.data_ptr(), b.data_ptr(), y.data_ptr()),
    "contiguous() x2 on Parameters": lambda: (conv_p[0].contiguous(), conv_p[1].contiguous()),
}
for name, f in steps.items():
    print(f"  {name:40s} {per_call_us(f):7.2f} us")
torch.cuda.synchronize()
