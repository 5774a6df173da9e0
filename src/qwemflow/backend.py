"""Where the dense numerics run (config `compute`): numpy on the CPU, or PyTorch (else CuPy) on a
CUDA GPU. dynamics.py and eigensolver.py are written against the Python array API standard
(array-api-compat), so each computation has one version that runs on any of these libraries; this
module picks the library, the device and the floating-point type, and brings results back as numpy.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import array_api_compat
import array_api_compat.numpy
import numpy as np

DEVICES = ("cpu", "cuda")
DTYPES = ("float64", "float32")


class BackendUnavailable(RuntimeError):
    """config compute.device asks for a GPU, or a GPU library, that this machine does not have."""


@dataclass(frozen=True)
class Backend:
    """An array namespace, the device its arrays are put on and the floating-point type they use."""

    xp: Any
    device: Any
    dtype: Any

    def asarray(self, array: Any) -> Any:
        """The array (numpy, or of this namespace) on this device in this dtype; no copy when it
        is there already."""
        return self.xp.asarray(array, dtype=self.dtype, device=self.device)

    def __str__(self) -> str:
        """For the logs, e.g. 'numpy on cpu, float64'."""
        library = self.xp.__name__.removeprefix("array_api_compat.")
        return f"{library} on {self.device}, {getattr(self.dtype, '__name__', self.dtype)}"


def resolve_backend(compute: Mapping[str, str] | None = None) -> Backend:
    """The backend of config `compute` ({device: cpu | cuda, dtype: float64 | float32}, by default
    cpu and float64): numpy for cpu, PyTorch on the GPU for cuda (CuPy where PyTorch is not
    installed). Raises BackendUnavailable, naming the config key, when cuda is asked of a machine
    without a GPU or a library to drive it."""
    compute = {"device": "cpu", "dtype": "float64", **(compute or {})}
    device, dtype = compute["device"], compute["dtype"]
    if device not in DEVICES:
        raise ValueError(f"config compute.device is {device!r}; use one of {', '.join(DEVICES)}")
    if dtype not in DTYPES:
        raise ValueError(f"config compute.dtype is {dtype!r}; use one of {', '.join(DTYPES)}")
    if device == "cpu":
        return Backend(array_api_compat.numpy, "cpu", getattr(np, dtype))
    return cuda_backend(dtype)


def cuda_backend(dtype: str) -> Backend:
    """PyTorch on the first CUDA GPU, or CuPy where PyTorch is not installed."""
    advice = (
        "run on a machine with an NVIDIA GPU and PyTorch built for CUDA"
        " (pip install 'qwemflow[gpu]'), or set compute.device: cpu"
    )
    if importlib.util.find_spec("torch") is not None:
        import array_api_compat.torch
        import torch

        if not torch.cuda.is_available():
            raise BackendUnavailable(
                f"config compute.device is 'cuda', but PyTorch {torch.__version__} finds no CUDA GPU"
                f" on this machine; {advice}"
            )
        return Backend(array_api_compat.torch, torch.device("cuda"), getattr(torch, dtype))
    if importlib.util.find_spec("cupy") is not None:
        import array_api_compat.cupy
        import cupy

        try:
            gpus = cupy.cuda.runtime.getDeviceCount()
        except cupy.cuda.runtime.CUDARuntimeError:
            gpus = 0
        if gpus == 0:
            raise BackendUnavailable(
                f"config compute.device is 'cuda', but CuPy finds no CUDA GPU on this machine; {advice}"
            )
        return Backend(array_api_compat.cupy, None, getattr(cupy, dtype))
    raise BackendUnavailable(
        f"config compute.device is 'cuda', but neither PyTorch nor CuPy is installed; {advice}"
    )


def to_numpy(array: Any) -> np.ndarray:
    """The array as numpy, from any backend (a GPU array is copied to the host)."""
    if array_api_compat.is_numpy_array(array):
        return array
    if array_api_compat.is_torch_array(array):
        return array.detach().cpu().numpy()
    if array_api_compat.is_cupy_array(array):
        return array.get()
    return np.from_dlpack(array)
