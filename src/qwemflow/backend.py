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
# auto: numpy on cpu; on cuda PyTorch, else CuPy. array-api-strict is the standard's reference
# namespace (numpy underneath): code that runs on it uses nothing outside the standard.
LIBRARIES = {
    "auto": DEVICES,
    "numpy": ("cpu",),
    "torch": DEVICES,
    "cupy": ("cuda",),
    "array-api-strict": ("cpu",),
}


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
        device = "its default device" if self.device is None else self.device
        dtype = getattr(self.dtype, "__name__", str(self.dtype)).rsplit(".", 1)[-1]
        return f"{library} on {device}, {dtype}"


def check_compute(compute: Mapping[str, str] | None = None) -> dict[str, str]:
    """config `compute` with its defaults filled in ({device: cpu, dtype: float64, library:
    auto}); a value or a device/library pair that cannot work is an error naming the key."""
    compute = {"device": "cpu", "dtype": "float64", "library": "auto", **(compute or {})}
    device, dtype, library = compute["device"], compute["dtype"], compute["library"]
    if device not in DEVICES:
        raise ValueError(f"config compute.device is {device!r}; use one of {', '.join(DEVICES)}")
    if dtype not in DTYPES:
        raise ValueError(f"config compute.dtype is {dtype!r}; use one of {', '.join(DTYPES)}")
    if library not in LIBRARIES:
        raise ValueError(
            f"config compute.library is {library!r}; use one of {', '.join(LIBRARIES)}"
        )
    if device not in LIBRARIES[library]:
        raise ValueError(
            f"config compute.library {library!r} does not run on compute.device {device!r}"
            f" (it runs on {' or '.join(LIBRARIES[library])})"
        )
    return compute


def runs_on_numpy(compute: Mapping[str, str] | None = None) -> bool:
    """Whether config `compute` means numpy (the CPU's LAPACK and the block Lanczos solver that
    only numpy has), without importing another library."""
    compute = check_compute(compute)
    return compute["library"] == "numpy" or (
        compute["library"] == "auto" and compute["device"] == "cpu"
    )


def resolve_backend(compute: Mapping[str, str] | None = None) -> Backend:
    """The backend of config `compute` ({device: cpu | cuda, dtype: float64 | float32, library:
    auto | numpy | torch | cupy | array-api-strict}, by default numpy on the CPU in float64): for
    cuda, PyTorch on the GPU (CuPy where PyTorch is not installed) unless a library is named.
    Raises BackendUnavailable, naming the config key, when the device or library is missing."""
    compute = check_compute(compute)
    device, dtype, library = compute["device"], compute["dtype"], compute["library"]
    if library == "array-api-strict":
        require("array_api_strict", library, "pip install array-api-strict")
        import array_api_strict

        return Backend(array_api_strict, None, getattr(array_api_strict, dtype))
    if library == "torch" and device == "cpu":
        require("torch", library, "pip install 'qwemflow[gpu]'")
        return torch_backend("cpu", dtype)
    if device == "cpu":
        return Backend(array_api_compat.numpy, "cpu", getattr(np, dtype))
    return cuda_backend(dtype, library)


def require(module: str, library: str, install: str) -> None:
    """BackendUnavailable, naming compute.library, when the module it needs is not installed."""
    if importlib.util.find_spec(module) is None:
        raise BackendUnavailable(
            f"config compute.library is {library!r}, but {module} is not installed ({install})"
        )


def cuda_backend(dtype: str, library: str = "auto") -> Backend:
    """PyTorch on the first CUDA GPU, or CuPy where PyTorch is not installed (or where library
    names it)."""
    advice = (
        "run on a machine with an NVIDIA GPU and PyTorch built for CUDA"
        " (pip install 'qwemflow[gpu]'), or set compute.device: cpu"
    )
    if library != "cupy" and importlib.util.find_spec("torch") is not None:
        import torch

        if not torch.cuda.is_available():
            raise BackendUnavailable(
                f"config compute.device is 'cuda', but PyTorch {torch.__version__} finds no CUDA GPU"
                f" on this machine; {advice}"
            )
        return torch_backend("cuda", dtype)
    if library != "torch" and importlib.util.find_spec("cupy") is not None:
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
    missing = {
        "auto": "neither PyTorch nor CuPy is",
        "torch": "PyTorch is not",
        "cupy": "CuPy is not",
    }
    raise BackendUnavailable(
        f"config compute.device is 'cuda', but {missing[library]} installed; {advice}"
    )


def torch_backend(device: str, dtype: str) -> Backend:
    """PyTorch on the CPU or on the first CUDA GPU."""
    import array_api_compat.torch
    import torch

    return Backend(array_api_compat.torch, torch.device(device), getattr(torch, dtype))


def to_numpy(array: Any) -> np.ndarray:
    """The array as numpy, from any backend (a GPU array is copied to the host)."""
    if array_api_compat.is_numpy_array(array):
        return array
    if array_api_compat.is_torch_array(array):
        return array.detach().cpu().numpy()
    if array_api_compat.is_cupy_array(array):
        return array.get()
    return np.from_dlpack(array)
