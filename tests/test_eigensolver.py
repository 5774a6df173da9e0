import logging

import numpy as np
import pytest
import scipy.linalg
from conftest import cuda_torch

from qwemflow import eigensolver
from qwemflow.eigensolver import (
    NotConverged,
    lanczos_top_eigenpairs,
    lapack_top_eigenpairs,
    refined_top_pairs,
    top_eigenpairs,
    top_or_all_eigenpairs,
)
from qwemflow.targets import TARGETS


def symmetric(size, seed):
    a = np.random.default_rng(seed).standard_normal((size, size))
    return (a + a.T) / 2


def with_spectrum(values, seed):
    """A dense symmetric matrix with exactly these eigenvalues, and its eigenvectors."""
    basis = np.linalg.qr(np.random.default_rng(seed).standard_normal((len(values), len(values))))[0]
    return (basis * values) @ basis.T, basis


def mstar_like_spectrum(size, rng):
    """M*'s shape: one eigenvalue far below a bulk, a decaying positive top, a close pair inside the top k."""
    bulk = rng.uniform(-60, 40, size - 101)
    top = np.sort(40 + 400 * rng.random(100) ** 3)[::-1]
    top[59] = top[58] - 1e-3  # the 59th and 60th eigenvalues 1e-3 apart
    return np.concatenate([top, bulk, [-5000.0]])


def test_small_matrices_use_lapack_and_match_dense_eigh():
    m = symmetric(120, 0)
    values, vectors = top_eigenpairs(m, 15)
    ref_values, ref_vectors = np.linalg.eigh(m)
    np.testing.assert_allclose(values, ref_values[::-1][:15], rtol=1e-10)
    for k in range(15):  # same eigenvectors up to sign
        assert abs(vectors[:, k] @ ref_vectors[:, -1 - k]) == pytest.approx(1.0, abs=1e-8)


def test_block_lanczos_finds_the_top_of_an_mstar_like_spectrum():
    spectrum = mstar_like_spectrum(1500, np.random.default_rng(1))
    m, basis = with_spectrum(spectrum, 2)
    values, vectors = lanczos_top_eigenpairs(m, 60, rtol=1e-8)
    np.testing.assert_allclose(values, spectrum[:60], rtol=1e-8)
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(60), atol=1e-10)
    alignment = np.abs(np.sum(vectors * basis[:, :60], axis=0))
    assert np.all(alignment[:58] > 1 - 1e-6)
    # the close pair: its two vectors span the right plane, whichever way they are rotated in it
    np.testing.assert_allclose(
        np.linalg.svd(basis[:, 58:60].T @ vectors[:, 58:60])[1], 1, atol=1e-6
    )
    residuals = np.linalg.norm(m @ vectors - vectors * values, axis=0)
    assert residuals.max() < 1e-3 * values[-1]


def test_a_repeated_eigenvalue_within_one_block_is_found_with_all_its_copies():
    """Eigenvalue 5 with multiplicity 30 (fewer than a block's 50 vectors) takes places 6 to 35."""
    rng = np.random.default_rng(3)
    spectrum = np.concatenate(
        [np.linspace(50, 10, 5), np.full(30, 5.0), rng.uniform(-20, 0, 1464), [-900.0]]
    )
    m, basis = with_spectrum(spectrum, 4)
    values, vectors = lanczos_top_eigenpairs(m, 35)
    np.testing.assert_allclose(values, spectrum[:35], rtol=1e-8)
    np.testing.assert_allclose(np.linalg.svd(basis[:, :35].T @ vectors)[1], 1, atol=1e-6)


def test_the_widest_basis_allowed_is_checked_before_giving_up(caplog):
    """Checks at 350 columns, then (extrapolated) at 450; a cap of 420 columns makes 400 the widest
    basis, and it is checked before NotConverged, not skipped."""
    m, _ = with_spectrum(mstar_like_spectrum(1500, np.random.default_rng(1)), 2)
    with caplog.at_level(logging.INFO, logger="qwemflow.eigensolver"), pytest.raises(NotConverged):
        lanczos_top_eigenpairs(m, 60, max_columns=420)
    assert "basis of 350 columns" in caplog.text and "basis of 400 columns" in caplog.text


def test_float64_refinement_extends_the_basis_for_pairs_left_short(caplog):
    """Eigenvectors perturbed at 1e-6, about what a float32 basis gives: the first Rayleigh-Ritz step
    leaves a pair above tolerance, the extension by its residual brings it within. Perturbed at
    1e-3, two extensions are not enough, and the caller is told."""
    spectrum = mstar_like_spectrum(1500, np.random.default_rng(1))
    m, basis = with_spectrum(spectrum, 2)
    noise = np.random.default_rng(7).standard_normal((1500, 160))
    with caplog.at_level(logging.INFO, logger="qwemflow.eigensolver"):
        values, vectors = refined_top_pairs(
            m, np.linalg.qr(basis[:, :160] + 1e-6 * noise)[0], 60, rtol=1e-8
        )
    assert "1 of 60 residuals above tolerance" in caplog.text
    assert "all 60 eigenpairs within tolerance" in caplog.text
    np.testing.assert_allclose(values, spectrum[:60], rtol=1e-8)
    with pytest.raises(NotConverged, match="of the top 60 float64 residuals above tolerance"):
        refined_top_pairs(m, np.linalg.qr(basis[:, :160] + 1e-3 * noise)[0], 60, rtol=1e-8)


def test_a_basis_too_small_to_converge_falls_back_to_lapack(monkeypatch, caplog):
    """A basis capped far below what the top of this spectrum needs: Lanczos says so, top_eigenpairs
    logs it and answers with LAPACK instead."""
    spectrum = mstar_like_spectrum(1800, np.random.default_rng(5))
    m, _ = with_spectrum(spectrum, 6)
    with pytest.raises(NotConverged, match="before the top 60 converged"):
        lanczos_top_eigenpairs(m, 60, max_columns=250)
    monkeypatch.setattr(
        eigensolver, "LAPACK_BELOW", 1000
    )  # let an 1,800 matrix take the Lanczos path
    monkeypatch.setattr(eigensolver, "MAX_BASIS_FRACTION", 0.07)
    with caplog.at_level(logging.WARNING, logger="qwemflow.eigensolver"):
        values, vectors = top_eigenpairs(m, 10)
    assert "LAPACK's subset solver instead" in caplog.text
    np.testing.assert_allclose(values, spectrum[:10], rtol=1e-10)
    np.testing.assert_allclose(np.abs(m @ vectors - vectors * values).max(), 0, atol=1e-9)


def test_lapack_path_agrees_with_scipy_subset_eigh():
    m = symmetric(300, 5)
    values, vectors = lapack_top_eigenpairs(m, 10)
    ref = scipy.linalg.eigvalsh(m)[::-1][:10]
    np.testing.assert_allclose(values, ref, rtol=1e-12)
    assert np.all(np.diff(values) <= 0)


def test_many_eigenpairs_are_cut_from_a_full_eigh(monkeypatch):
    """Past block Lanczos' share of the size, the top k come from all eigenpairs, not LAPACK's
    subset solver; below it, from top_eigenpairs."""
    m = symmetric(400, 6)
    monkeypatch.setattr(eigensolver, "lapack_top_eigenpairs", None)
    values, vectors = top_or_all_eigenpairs(m, 150)
    reference = np.linalg.eigvalsh(m)[::-1]
    np.testing.assert_allclose(values, reference[:150], rtol=1e-10)
    assert vectors.shape == (400, 150) and vectors.flags.c_contiguous
    np.testing.assert_allclose(m @ vectors, vectors * values, atol=1e-9)
    values, vectors = top_or_all_eigenpairs(m, 400)
    np.testing.assert_allclose(values, reference, rtol=1e-10)
    asked = []
    monkeypatch.setattr(eigensolver, "top_eigenpairs", lambda matrix, k: asked.append(k))
    top_or_all_eigenpairs(np.zeros((2000, 2000)), 25)
    assert asked == [25]


@pytest.mark.workflow
def test_dag_spectrum_of_a_5000_word_mstar_comes_from_block_lanczos(spectrum_5000_run):
    """At V=5000, when M*'s readers want 200 eigenpairs (no dynamics run in its eigenbasis, Figure 4
    and the appendix cut to 200), the spectrum rule takes the block Lanczos path (its log shows the
    checks); its top 200 eigenvalues equal LAPACK's on the same M* to 1e-7."""
    workdir = spectrum_5000_run
    spectrum = "results/enwiki-sample/spectra/V5000_L16/mstar.npz"
    log = (workdir / "logs/enwiki-sample/spectra/V5000_L16/mstar.log").read_text()
    assert "200 of 200 eigenpairs converged" in log, log
    with np.load(workdir / "results/enwiki-sample/counts/V5000_L16.npz") as stats:
        m = TARGETS["mstar"](stats)
    with np.load(workdir / spectrum) as result:
        values, vectors = result["values"], result["vectors"]
    reference = lapack_top_eigenpairs(m, 200)[0]
    np.testing.assert_allclose(values, reference, rtol=1e-7)
    assert np.abs(m @ vectors - vectors * values).max() < 1e-3 * abs(values[-1])


@pytest.mark.parametrize(
    "library", ["array_api_strict", "torch", pytest.param("torch-cuda", marks=pytest.mark.gpu)]
)
def test_eigenpairs_are_the_same_on_every_array_library(library):
    """all_eigenpairs and top_eigenpairs of another array library's matrix (the GPU path: its own
    eigh, cut to the top k) agree with numpy's LAPACK, eigenvectors up to sign."""
    if library == "torch":
        torch = pytest.importorskip("torch")  # not installed in CI: the GPU extra
        convert = torch.asarray
    elif library == "torch-cuda":
        torch = cuda_torch()

        def convert(array):
            return torch.asarray(array, device="cuda")
    else:
        import array_api_strict

        convert = array_api_strict.asarray
    from qwemflow.backend import to_numpy
    from qwemflow.eigensolver import all_eigenpairs

    m = symmetric(200, 8)
    values, vectors = all_eigenpairs(m)
    assert np.all(np.diff(values) <= 0) and vectors.flags.c_contiguous
    for moved, count in ((all_eigenpairs(convert(m)), 200), (top_eigenpairs(convert(m), 12), 12)):
        moved_values, moved_vectors = map(to_numpy, moved)
        np.testing.assert_allclose(moved_values, values[:count], rtol=1e-10, atol=1e-12)
        alignment = np.abs(np.sum(moved_vectors * vectors[:, :count], axis=0))
        np.testing.assert_allclose(alignment, 1.0, atol=1e-8)
