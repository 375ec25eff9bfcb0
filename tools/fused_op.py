"""This project's fused CUDA kernel as a PyTorch op, `torch.ops.convt_gelu_gate.fused`, with no compiler needed where
PyTorch runs: it calls libgate_candidate_fused.so (built by CMake with the rest of gpu/) through the stable C ABI of
gpu/candidate_abi.h, on the tensors' device pointers and PyTorch's current CUDA stream.

    import fused_op; y = fused_op.fused(x, weight, bias, stride, padding, output_padding, dilation, groups, add, mul)

The library is found through $GATE_CANDIDATE_LIB or at build/gpu/libgate_candidate_fused.so.

`fused` enters PyTorch's dispatcher (the custom op) only where it must — under torch.compile, and where autograd would
record the call — and otherwise calls the library directly: the custom op's dispatch cost ~50 µs of host time a call
(~0.10 ms with a module's Parameters under no_grad, as KernelBench times a ModelNew) over the direct call's ~40, and
the GPU waits through it when the op is the only work queued (H100: KernelBench's ModelNew 0.770 → 0.671 ms;
bench/NOTES.md §21e)."""
import ctypes
import functools
import os

import torch

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ABI_VERSION = 1
_DTYPES = {torch.float32: 0, torch.float16: 1, torch.bfloat16: 2}


class GateProblemV1(ctypes.Structure):
    """gate_problem_v1 of gpu/candidate_abi.h, field for field."""
    _fields_ = [(n, ctypes.c_int64) for n in ("N", "Cin", "Cout", "H", "W", "kH", "kW")] + [
        ("stride", ctypes.c_int64 * 2), ("padding", ctypes.c_int64 * 2), ("output_padding", ctypes.c_int64 * 2),
        ("dilation", ctypes.c_int64 * 2), ("groups", ctypes.c_int64), ("has_bias", ctypes.c_int32),
        ("dtype", ctypes.c_int32), ("precision", ctypes.c_int32), ("add_value", ctypes.c_float),
        ("multiply_value", ctypes.c_float)]


def _load():
    path = os.environ.get("GATE_CANDIDATE_LIB", os.path.join(_ROOT, "build", "gpu", "libgate_candidate_fused.so"))
    lib = ctypes.CDLL(path)
    lib.gate_candidate_abi_version.restype = ctypes.c_uint32
    if lib.gate_candidate_abi_version() != ABI_VERSION:
        raise RuntimeError(f"{path}: ABI version {lib.gate_candidate_abi_version()}, expected {ABI_VERSION}")
    lib.gate_candidate_run.restype = ctypes.c_int32
    lib.gate_candidate_run.argtypes = [ctypes.POINTER(GateProblemV1)] + [ctypes.c_void_p] * 5 + [
        ctypes.c_char_p, ctypes.c_size_t]
    return lib


_LIB = _load()


def _pair(v):
    return list(v) if isinstance(v, (list, tuple)) else [v, v]


@functools.lru_cache(maxsize=64)
def _problem(x_shape, w_shape, stride, padding, output_padding, dilation, groups, dtype, tf32, add_value, multiply_value):
    """The ABI problem and the output shape of one call's parameters, built once per distinct call: filling the ctypes
    structure field by field took a good part of the op's ~0.16 ms of Python per call (bench/NOTES.md §8e)."""
    p = GateProblemV1()
    p.N, p.Cin, p.H, p.W = x_shape
    p.Cout, p.kH, p.kW = w_shape[1] * groups, w_shape[2], w_shape[3]
    p.stride[:], p.padding[:], p.output_padding[:], p.dilation[:] = stride, padding, output_padding, dilation
    p.groups, p.has_bias, p.dtype, p.precision = groups, 1, dtype, 1 if tf32 else 0
    p.add_value, p.multiply_value = add_value, multiply_value
    hout = (p.H - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (p.kH - 1) + p.output_padding[0] + 1
    wout = (p.W - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (p.kW - 1) + p.output_padding[1] + 1
    return p, (p.N, p.Cout, hout, wout)


def _run(x, weight, bias, stride, padding, output_padding, dilation, groups, add_value, multiply_value):
    """One call of the library on the tensors' device pointers and PyTorch's current CUDA stream."""
    if not (x.is_cuda and weight.is_cuda and bias.is_cuda):
        raise ValueError("convt_gelu_gate::fused runs on CUDA tensors")
    x, weight, bias = x.contiguous(), weight.contiguous(), bias.contiguous()
    # PyTorch's own contract for float32 convolutions: TF32 when cuDNN is allowed it, else full fp32.
    tf32 = x.dtype == torch.float32 and torch.backends.cudnn.allow_tf32
    p, out_shape = _problem(tuple(x.shape), tuple(weight.shape), tuple(_pair(stride)), tuple(_pair(padding)),
                            tuple(_pair(output_padding)), tuple(_pair(dilation)), groups, _DTYPES[x.dtype], tf32,
                            add_value, multiply_value)
    y = torch.empty(out_shape, device=x.device, dtype=x.dtype)
    msg = ctypes.create_string_buffer(1024)
    rc = _LIB.gate_candidate_run(ctypes.byref(p), x.data_ptr(), weight.data_ptr(), bias.data_ptr(), y.data_ptr(),
                                 torch.cuda.current_stream(x.device).cuda_stream, msg, len(msg))
    if rc != 0:
        raise RuntimeError(f"convt_gelu_gate::fused failed ({rc}): {msg.value.decode()}")
    return y


@torch.library.custom_op("convt_gelu_gate::fused", mutates_args=())
def fused_custom_op(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, stride: list[int], padding: list[int],
                    output_padding: list[int], dilation: list[int], groups: int, add_value: float,
                    multiply_value: float) -> torch.Tensor:
    return _run(x, weight, bias, stride, padding, output_padding, dilation, groups, add_value, multiply_value)


def fused(x, weight, bias, stride, padding, output_padding, dilation, groups, add_value, multiply_value):
    """y = multiply · GELU(min(ConvTranspose2d(x) + add, 0)); torch.ops.convt_gelu_gate.fused's result in every case."""
    args = (x, weight, bias, stride, padding, output_padding, dilation, groups, add_value, multiply_value)
    if torch.compiler.is_compiling() or (
            torch.is_grad_enabled() and (x.requires_grad or weight.requires_grad or bias.requires_grad)):
        return fused_custom_op(*args)
    return _run(*args)


@fused_custom_op.register_fake
def _(x, weight, bias, stride, padding, output_padding, dilation, groups, add_value, multiply_value):
    s, pd, op, d = _pair(stride), _pair(padding), _pair(output_padding), _pair(dilation)
    hout = (x.shape[2] - 1) * s[0] - 2 * pd[0] + d[0] * (weight.shape[2] - 1) + op[0] + 1
    wout = (x.shape[3] - 1) * s[1] - 2 * pd[1] + d[1] * (weight.shape[3] - 1) + op[1] + 1
    return x.new_empty((x.shape[0], weight.shape[1] * groups, hout, wout))
