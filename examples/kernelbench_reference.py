"""KernelBench level 2, problem 93, as its reference Model, under the name ModelNew so that the gate can take it:
the plain PyTorch composition the fused kernels are measured against. It must pass the gate under fp32 (TF32 off)
on any device; tools/gate_kernelbench.py examples/kernelbench_reference.py --device cpu runs it here."""
import torch
import torch.nn as nn


class ModelNew(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, add_value, multiply_value):
        super().__init__()
        self.conv_transpose = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=stride)
        self.add_value = add_value
        self.multiply_value = multiply_value

    def forward(self, x):
        x = self.conv_transpose(x)
        x = x + self.add_value
        x = torch.min(x, torch.tensor(0.0, device=x.device, dtype=x.dtype))
        x = torch.nn.functional.gelu(x)
        x = x * self.multiply_value
        return x
