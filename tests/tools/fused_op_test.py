#!/usr/bin/env python3
"""tests/tools/fused_op_test.py — tools/fused_op.py on a GPU. fused() calls the library directly in eager inference
and goes through PyTorch's custom op (torch.ops.convt_gelu_gate.fused) where autograd would record the call or
torch.compile traces it; this checks that it takes each path where it should and that every path gives the custom
op's result bit for bit (the same kernel on the same inputs: the kernels are deterministic), for float32 under both
PyTorch contracts (TF32 on and off), float16 and bfloat16, eager and compiled; and, as a sanity check beside the
gate's contract-based one, that the float32 result without TF32 is close to PyTorch's own ops.
Exit 4 (ctest's skip code) without a CUDA device, without PyTorch >= 2.4 (torch.library.custom_op) or without the
library ($GATE_CANDIDATE_LIB, or build/gpu/libgate_candidate_fused.so).
Usage: fused_op_test.py"""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def skip(why):
    print(f"{why}: skipped")
    sys.exit(4)


try:
    import torch
except ImportError:
    skip("PyTorch is not installed")
if not hasattr(torch.library, "custom_op"):
    skip(f"PyTorch {torch.__version__} has no torch.library.custom_op")
if not torch.cuda.is_available():
    skip("no CUDA device")
if not os.path.exists(os.environ.get("GATE_CANDIDATE_LIB", os.path.join(ROOT, "build", "gpu",
                                                                         "libgate_candidate_fused.so"))):
    skip("libgate_candidate_fused.so not found")

sys.path.insert(0, os.path.join(ROOT, "tools"))
import fused_op  # noqa: E402

# A small problem of the seed's kind (stride 2, kernel 4, the seed's channels: the Hopper kernel's shapes), with an add
# that leaves most outputs negative, so that GELU, not the clamp's zero, makes the bits compared.
ADD, MUL = -0.5, 2.0
CONV_ARGS = ([2, 2], [0, 0], [0, 0], [1, 1], 1, ADD, MUL)
failures = []


def check(what, ok):
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def via_custom_op_count(f):
    """How many times f() entered the custom op (fused_op.fused looks fused_custom_op up at each call)."""
    calls = []
    original = fused_op.fused_custom_op
    fused_op.fused_custom_op = lambda *a: calls.append(1) or original(*a)
    try:
        f()
    finally:
        fused_op.fused_custom_op = original
    return len(calls)


def main():
    torch.manual_seed(0)
    conv = torch.nn.ConvTranspose2d(64, 128, 4, stride=2).cuda()
    x = torch.rand(3, 64, 20, 20, device="cuda") - 0.25

    def op(xx, w, b):
        return torch.ops.convt_gelu_gate.fused(xx, w, b, *CONV_ARGS)

    # Which path: the direct call wherever autograd records nothing, the custom op where it would.
    w, b = conv.weight, conv.bias
    with torch.no_grad():
        check("no_grad with the module's Parameters: the direct call",
              via_custom_op_count(lambda: fused_op.fused(x, w, b, *CONV_ARGS)) == 0)
    check("grad mode, no input requires grad: the direct call",
          via_custom_op_count(lambda: fused_op.fused(x, w.detach(), b.detach(), *CONV_ARGS)) == 0)
    check("grad mode with Parameters that require grad: the custom op",
          via_custom_op_count(lambda: fused_op.fused(x, w, b, *CONV_ARGS)) == 1)
    y_grad, y_grad_op = fused_op.fused(x, w, b, *CONV_ARGS), op(x, w, b)
    check("grad mode: the same result and autograd state as the custom op",
          torch.equal(y_grad, y_grad_op) and y_grad.requires_grad == y_grad_op.requires_grad and
          (y_grad.grad_fn is None) == (y_grad_op.grad_fn is None))

    # Every dtype and contract: the direct call gives the custom op's bits.
    for tf32 in (True, False):
        torch.backends.cudnn.allow_tf32 = tf32
        with torch.no_grad():
            y, y_op = fused_op.fused(x, w, b, *CONV_ARGS), op(x, w, b)
        check(f"float32, TF32 {'on' if tf32 else 'off'}: direct == custom op, bit for bit", torch.equal(y, y_op))
    with torch.no_grad():
        ref = torch.nn.functional.gelu(torch.clamp(conv(x) + ADD, max=0.0)) * MUL  # TF32 is off here
        y = fused_op.fused(x, w, b, *CONV_ARGS)
    check(f"float32 without TF32 against PyTorch's ops: max |diff| {(y - ref).abs().max().item():.2e} <= 1e-4, "
          f"{(y != 0).float().mean().item():.0%} of the outputs non-zero", (y - ref).abs().max().item() <= 1e-4 and
          (y != 0).float().mean().item() > 0.5)
    torch.backends.cudnn.allow_tf32 = True
    for dtype in (torch.float16, torch.bfloat16):
        x16, w16, b16 = x.to(dtype), w.detach().to(dtype), b.detach().to(dtype)
        y, y_op = fused_op.fused(x16, w16, b16, *CONV_ARGS), op(x16, w16, b16)
        check(f"{dtype}: direct == custom op, bit for bit", y.dtype == dtype and torch.equal(y, y_op))

    # torch.compile traces fused() into the custom op (one graph, no break) and gives the same bits.
    with torch.no_grad():
        compiled = torch.compile(lambda xx: fused_op.fused(xx, w, b, *CONV_ARGS), fullgraph=True)
        y_c, y = compiled(x), fused_op.fused(x, w, b, *CONV_ARGS)
    check("torch.compile(fullgraph=True) == eager, bit for bit", torch.equal(y_c, y))

    print(f"fused_op_test: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
