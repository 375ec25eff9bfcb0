#!/usr/bin/env python3
"""Gates a KernelBench-format module (a file defining `class ModelNew(nn.Module)` with the constructor of KernelBench
level 2 problem 93: in_channels, out_channels, kernel_size, stride, add_value, multiply_value; and forward(x)).

One command does the round trip over a suite:
    verify export --out WORK/cases --suite S        the inputs of every case
    for each case: build ModelNew from case.json, load weight.npy/bias.npy into its ConvTranspose2d, run forward(x.npy),
                   write y.npy (bfloat16 as raw bits)
    verify check WORK/cases --precision P           the verdict, verify's report and exit status

Cases the constructor cannot express (padding, output_padding, dilation, groups, no bias, non-square kernel or stride)
are reported as not applicable and moved to WORK/not_applicable: they are neither passes nor failures.

Usage: tools/gate_kernelbench.py MODULE.py [--verify build/verify/verify] [--suite quick | --case NAME] [--precision fp32|tf32]
                                 [--device cuda|cpu] [--dtype D]... [--work DIR] [--json FILE] [--junit FILE]
Exit status: verify check's (0 all passed, 1 a case failed, 2 bad input); 2 when the module cannot be loaded.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import npy_torch  # noqa: E402

import torch  # noqa: E402


def load_module_class(path):
    spec = importlib.util.spec_from_file_location("candidate_module", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "ModelNew"):
        raise SystemExit(f"{path}: defines no class ModelNew")
    return module.ModelNew


def why_not_applicable(case, weight_shape, has_bias):
    """None if KernelBench's constructor can express the case, else the reason."""
    for key, default in (("padding", [0, 0]), ("output_padding", [0, 0]), ("dilation", [1, 1])):
        if case.get(key, default) != default:
            return f"{key}={case[key]} (the constructor has no {key} argument)"
    if case.get("groups", 1) != 1:
        return f"groups={case['groups']} (the constructor has no groups argument)"
    if not has_bias:
        return "no bias (ConvTranspose2d in the module always has one)"
    stride = case.get("stride", [1, 1])
    if stride[0] != stride[1]:
        return f"stride={stride} is not square (the constructor takes one int)"
    if weight_shape[2] != weight_shape[3]:
        return f"kernel {weight_shape[2]}x{weight_shape[3]} is not square (the constructor takes one int)"
    return None


def the_conv(model, path):
    convs = [m for m in model.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    if len(convs) != 1:
        raise SystemExit(f"{path}: ModelNew must hold exactly one nn.ConvTranspose2d, found {len(convs)}")
    return convs[0]


def set_precision(precision, device):
    # The fp32 contract forbids TF32 operands; the tf32 contract allows them (PyTorch's default for cuDNN convolutions).
    allow = precision == "tf32"
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = allow
        torch.backends.cudnn.allow_tf32 = allow


def run_case(model_class, module_path, case_dir, device, dtypes):
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    dtype_name = case.get("dtype", "float32")
    if dtypes and dtype_name not in dtypes:
        return f"dtype {dtype_name} not selected (--dtype)"
    x = npy_torch.load(os.path.join(case_dir, "x.npy"), dtype_name)
    weight = npy_torch.load(os.path.join(case_dir, "weight.npy"), dtype_name)
    bias_path = os.path.join(case_dir, "bias.npy")
    has_bias = os.path.exists(bias_path)
    reason = why_not_applicable(case, list(weight.shape), has_bias)
    if reason:
        return reason
    in_channels, out_channels = weight.shape[0], weight.shape[1]
    model = model_class(in_channels, out_channels, int(weight.shape[2]), int(case.get("stride", [1, 1])[0]),
                        float(case.get("add_value", 0.0)), float(case.get("multiply_value", 1.0)))
    conv = the_conv(model, module_path)
    with torch.no_grad():
        if tuple(conv.weight.shape) != tuple(weight.shape):
            raise SystemExit(f"{module_path}: the module's weight is {tuple(conv.weight.shape)}, "
                             f"{case_dir}/weight.npy is {tuple(weight.shape)}")
        conv.weight.copy_(weight.float())
        conv.bias.copy_(npy_torch.load(bias_path, dtype_name).float())
        model = model.to(device=device, dtype=npy_torch.TORCH_DTYPES[dtype_name]).eval()
        y = model(x.to(device))
        if device == "cuda":
            torch.cuda.synchronize()
    npy_torch.save(os.path.join(case_dir, "y.npy"), y, dtype_name)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("module")
    ap.add_argument("--verify", default=os.path.join(os.path.dirname(__file__), "..", "build", "verify", "verify"))
    ap.add_argument("--suite", default="quick")
    ap.add_argument("--case")
    ap.add_argument("--precision", choices=["fp32", "tf32"], default="fp32")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--dtype", action="append", choices=["float32", "float16", "bfloat16"],
                    help="gate only cases of this dtype (repeatable; default all). PyTorch 1.13 on the CPU, for one, "
                         "has no float16 ConvTranspose2d")
    ap.add_argument("--work", help="folder for the exported cases (default: a temporary folder)")
    ap.add_argument("--json")
    ap.add_argument("--junit")
    args = ap.parse_args()

    model_class = load_module_class(args.module)
    work = args.work or tempfile.mkdtemp(prefix="gate_kernelbench_")
    cases_dir = os.path.join(work, "cases")
    na_dir = os.path.join(work, "not_applicable")
    selection = ["--case", args.case] if args.case else ["--suite", args.suite]
    export = subprocess.run([args.verify, "export", "--out", cases_dir] + selection)
    if export.returncode != 0:
        return 2
    set_precision(args.precision, args.device)
    not_applicable = []
    for name in sorted(os.listdir(cases_dir)):
        case_dir = os.path.join(cases_dir, name)
        reason = run_case(model_class, args.module, case_dir, args.device, args.dtype)
        if reason:
            os.makedirs(na_dir, exist_ok=True)
            shutil.move(case_dir, os.path.join(na_dir, name))
            not_applicable.append((name, reason))
    for name, reason in not_applicable:
        print(f"not applicable: {name}: {reason}")
    if not os.listdir(cases_dir):
        print("no case is applicable to this module")
        return 2
    check = [args.verify, "check", cases_dir, "--precision", args.precision]
    if args.json:
        check += ["--json", args.json]
    if args.junit:
        check += ["--junit", args.junit]
    sys.stdout.flush()
    return subprocess.run(check).returncode


if __name__ == "__main__":
    sys.exit(main())
