"""KernelBench level 2 problem 93 as ModelNew on this project's fused kernel (the torch op of tools/fused_op.py):
one launch for the transposed convolution and the whole epilogue. Gate it with
    tools/gate_kernelbench.py examples/kernelbench_fused.py --precision tf32   (or fp32, with TF32 off)
and KernelBench's own check with tools/kernelbench_check.py examples/kernelbench_fused.py."""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import fused_op  # noqa: E402


class ModelNew(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, add_value, multiply_value):
        super().__init__()
        self.conv_transpose = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=stride)
        self.add_value = add_value
        self.multiply_value = multiply_value

    def forward(self, x):
        c = self.conv_transpose
        return fused_op.fused(x, c.weight, c.bias, list(c.stride), list(c.padding), list(c.output_padding),
                              list(c.dilation), c.groups, float(self.add_value), float(self.multiply_value))
