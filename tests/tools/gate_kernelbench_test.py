#!/usr/bin/env python3
"""tests/tools/gate_kernelbench_test.py — the KernelBench round trip (tools/gate_kernelbench.py) on the CPU with
PyTorch: the reference Model passes the gate under fp32, the cases its constructor cannot express are reported as not
applicable, and a module with the tanh-approximate GELU is caught. Exit 4 (ctest's skip code) without PyTorch.
PyTorch 1.13 on the CPU has no float16 ConvTranspose2d, so only float32 cases are gated here.
Usage: gate_kernelbench_test.py VERIFY_BINARY"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

try:
    import torch  # noqa: F401
except ImportError:
    print("PyTorch is not installed: skipped")
    sys.exit(4)

TANH_GELU = '''
import torch, torch.nn as nn
class ModelNew(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, add_value, multiply_value):
        super().__init__()
        self.conv_transpose = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=stride)
        self.add_value, self.multiply_value = add_value, multiply_value
    def forward(self, x):
        x = torch.clamp(self.conv_transpose(x) + self.add_value, max=0.0)
        return torch.nn.functional.gelu(x, approximate="tanh") * self.multiply_value
'''


def gate(module, verify):
    cmd = [sys.executable, os.path.join(ROOT, "tools", "gate_kernelbench.py"), module, "--verify", verify,
           "--device", "cpu", "--dtype", "float32", "--suite", "quick", "--precision", "fp32", "--work", tempfile.mkdtemp()]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def main():
    verify = sys.argv[1]
    failures = []
    rc, out = gate(os.path.join(ROOT, "examples", "kernelbench_reference.py"), verify)
    if rc != 0:
        failures.append(f"the reference module did not pass (exit {rc}):\n{out}")
    if "not applicable:" not in out:
        failures.append("no case was reported as not applicable (the quick suite has padding, groups, no-bias cases)")
    if " passed, 0 failed" not in out:
        failures.append("the closing line 'N passed, 0 failed' is missing")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(TANH_GELU)
    rc, out2 = gate(f.name, verify)
    if rc != 1:
        failures.append(f"the tanh-GELU module was not failed (exit {rc}):\n{out2}")
    for msg in failures:
        print("FAILED:", msg)
    print(out.splitlines()[-1] if out else "")
    print("gate_kernelbench_test:", "FAILED" if failures else "ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
