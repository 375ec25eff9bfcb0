"""Reading and writing the gate's .npy files from PyTorch: float32 '<f4', float16 '<f2', bfloat16 as '<u2' raw bits
(shared/DESIGN.md). Writes are atomic (temporary file, then rename), so verify never reads a partial y.npy."""
import os

import numpy as np
import torch

TORCH_DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def load(path, dtype_name):
    """Loads path as a torch tensor of the case's dtype (bfloat16 from its '<u2' bit patterns)."""
    arr = np.load(path, allow_pickle=False)
    if dtype_name == "bfloat16":
        if arr.dtype != np.uint16:
            raise ValueError(f"{path}: bfloat16 arrays must be stored as '<u2', found {arr.dtype.str}")
        return torch.from_numpy(arr.view(np.int16).copy()).view(torch.bfloat16)
    expected = {"float32": np.float32, "float16": np.float16}[dtype_name]
    if arr.dtype != expected:
        raise ValueError(f"{path}: expected {np.dtype(expected).str} for {dtype_name}, found {arr.dtype.str}")
    return torch.from_numpy(arr.copy())


def save(path, tensor, dtype_name):
    """Saves a tensor of the case's dtype to path atomically."""
    t = tensor.detach().to("cpu").contiguous()
    if t.dtype != TORCH_DTYPES[dtype_name]:
        raise ValueError(f"{path}: output dtype {t.dtype} is not the case's {dtype_name}")
    arr = t.view(torch.int16).numpy().view(np.uint16) if dtype_name == "bfloat16" else t.numpy()
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        np.save(f, arr, allow_pickle=False)
    os.replace(tmp, path)
