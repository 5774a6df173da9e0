"""config `compute` resolved to an array library, device and dtype; results brought back as numpy."""

import importlib.util

import array_api_compat
import array_api_strict
import numpy as np
import pytest

from qwemflow.backend import (
    BackendUnavailable,
    check_compute,
    resolve_backend,
    runs_on_numpy,
    to_numpy,
)


def test_cpu_is_numpy_in_the_configured_dtype():
    default = resolve_backend()
    assert array_api_compat.is_numpy_namespace(default.xp) and default.dtype == np.float64
    single = resolve_backend({"device": "cpu", "dtype": "float32"})
    assert single.asarray(np.ones(3)).dtype == np.float32
    array = np.ones(3)
    assert default.asarray(array) is array  # the numpy path copies nothing


def test_unknown_settings_name_the_config_key():
    with pytest.raises(ValueError, match="compute.device is 'tpu'"):
        resolve_backend({"device": "tpu"})
    with pytest.raises(ValueError, match="compute.dtype is 'float16'"):
        resolve_backend({"dtype": "float16"})


def test_cuda_without_a_gpu_library_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(BackendUnavailable, match="compute.device is 'cuda'.*neither PyTorch nor"):
        resolve_backend({"device": "cuda"})


def test_cuda_on_a_machine_without_a_gpu_is_a_clear_error():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    with pytest.raises(BackendUnavailable, match="compute.device is 'cuda'.*finds no CUDA GPU"):
        resolve_backend({"device": "cuda"})


def test_to_numpy_from_every_library():
    values = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(to_numpy(array_api_strict.asarray(values)), values)
    assert to_numpy(values) is values
    torch = pytest.importorskip("torch")
    np.testing.assert_array_equal(to_numpy(torch.asarray(values)), values)


def test_library_and_device_pairs_are_checked_with_the_config_key():
    assert check_compute() == {"device": "cpu", "dtype": "float64", "library": "auto"}
    with pytest.raises(
        ValueError, match="compute.library 'cupy' does not run on compute.device 'cpu'"
    ):
        check_compute({"library": "cupy"})
    with pytest.raises(ValueError, match="library 'numpy' does not run on compute.device 'cuda'"):
        check_compute({"device": "cuda", "library": "numpy"})
    with pytest.raises(ValueError, match="compute.library is 'jax'"):
        check_compute({"library": "jax"})


def test_which_settings_run_on_numpy():
    assert runs_on_numpy() and runs_on_numpy({"library": "numpy"})
    assert not runs_on_numpy({"device": "cuda"})
    assert not runs_on_numpy({"library": "torch"})
    assert not runs_on_numpy({"library": "array-api-strict"})


def test_named_libraries_on_the_cpu():
    strict = resolve_backend({"library": "array-api-strict"})
    assert strict.xp is array_api_strict
    assert array_api_compat.array_namespace(strict.asarray(np.ones(3))) is array_api_strict
    assert str(strict) == "array_api_strict on its default device, float64"
    assert resolve_backend({"library": "numpy"}) == resolve_backend()
    torch = pytest.importorskip("torch")
    single = resolve_backend({"library": "torch", "dtype": "float32"})
    array = single.asarray(np.ones(3))
    assert array.dtype == torch.float32 and array.device.type == "cpu"


def test_a_named_gpu_library_that_is_missing_is_named(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(BackendUnavailable, match="'cuda', but CuPy is not installed"):
        resolve_backend({"device": "cuda", "library": "cupy"})
    with pytest.raises(BackendUnavailable, match="compute.library is 'torch', but torch is not"):
        resolve_backend({"library": "torch"})
    with pytest.raises(BackendUnavailable, match="'array-api-strict', but array_api_strict is not"):
        resolve_backend({"library": "array-api-strict"})
