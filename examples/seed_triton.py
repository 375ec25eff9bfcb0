"""The kernel this project was seeded with, written from its description: cuDNN's transposed convolution (through
F.conv_transpose2d) followed by ONE fused Triton epilogue (+add, tl.minimum with 0, GELU with tl.math.erf, ×multiply),
in KernelBench's ModelNew format. Gate it with
    tools/gate_kernelbench.py examples/seed_triton.py --precision tf32     (PyTorch's default: TF32 convolutions)
    tools/gate_kernelbench.py examples/seed_triton.py --precision fp32
Needs a CUDA device and Triton. Float32 only (the seed workload's dtype); other dtypes go through the same epilogue
in float32 and are rounded on store."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import triton
import triton.language as tl


@triton.jit
def _epilogue_kernel(y_ptr, out_ptr, n_elements, add_value, multiply_value, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n_elements
    v = tl.load(y_ptr + offsets, mask=mask).to(tl.float32)
    v = v + add_value
    v = tl.minimum(v, 0.0)
    v = 0.5 * v * (1.0 + tl.math.erf(v * 0.7071067811865476))
    v = v * multiply_value
    tl.store(out_ptr + offsets, v.to(out_ptr.dtype.element_ty), mask=mask)


class ModelNew(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, add_value, multiply_value):
        super().__init__()
        self.conv_transpose = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=stride)
        self.add_value = add_value
        self.multiply_value = multiply_value

    def forward(self, x):
        y = self.conv_transpose(x).contiguous()
        out = torch.empty_like(y)
        n = y.numel()
        block = 1024
        _epilogue_kernel[(triton.cdiv(n, block),)](y, out, n, self.add_value, self.multiply_value, BLOCK=block)
        return out
