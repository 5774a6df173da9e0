"""config `compute` resolved to an array library, device and dtype; results brought back as numpy."""

import importlib.util

import array_api_compat
import array_api_strict
import numpy as np
import pytest

from qwemflow.backend import BackendUnavailable, resolve_backend, to_numpy


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
