"""The top k eigenpairs of a large dense symmetric matrix, without diagonalizing all of it.

LAPACK's subset solver (scipy `eigh`, driver evr) still reduces the whole matrix to tridiagonal
form, memory-bound work that costs about half of a full `eigh` at V = 10,000. When k << V we use
block Lanczos with full reorthogonalization instead: the Krylov basis grows by a block of vectors
per step, each step one BLAS3 product with the matrix; the Ritz pairs of the projected matrix are
checked from time to time with the Lanczos residual estimate, and once the top k are converged a
float64 Rayleigh-Ritz step on the top k + BUFFER Ritz vectors gives the returned pairs and their
true residuals. Krylov methods adapt to the spectrum by themselves, so M*'s far negative
eigenvalue (about -19,000 at V = 10,000, against a bulk within [-280, 900]) needs no special care.

The basis and the products with the matrix are float32 (half the memory traffic, twice the BLAS
speed). Float32 limits how small a residual the basis can give, relative to the largest |eigenvalue|
(M*'s negative one); the float64 Rayleigh-Ritz step recovers eigenvalues far more accurate than
that residual (the error is of the order of its square), and a pair that is still short gets up to
POLISH_STEPS float64 Krylov steps more.

Block Lanczos needs scipy, so it runs on numpy matrices; a matrix of another array library (PyTorch
or CuPy on a GPU, through the array API standard) is diagonalized whole by that library's eigh.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import array_api_compat
import numpy as np
import scipy.linalg
from array_api_compat import array_namespace

log = logging.getLogger(__name__)

LAPACK_BELOW = 4000  # smaller matrices: LAPACK's subset solver takes seconds, use it
BLOCK = 50  # vectors added to the Krylov basis per step: wider blocks run BLAS faster but need a larger basis
BUFFER = 100  # Ritz pairs kept beyond k: the smallest of them is the cut in the eigenvalue error estimate
MAX_BASIS_FRACTION = 0.5  # a Krylov basis of half of V costs about what LAPACK does
POLISH_STEPS = 2  # float64 Krylov steps for the pairs that float32 left short (refined_top_pairs)
ROW_CHUNK = 4096  # rows per float64 product with the float32 basis: no full-size float64 copy of it


class NotConverged(RuntimeError):
    """Block Lanczos could not certify the top k: the caller falls back to LAPACK."""


def top_eigenpairs(matrix, k: int, rtol: float = 1e-8, seed: int = 0) -> tuple[Any, Any]:
    """The k largest (algebraic) eigenvalues, in decreasing order, and their unit eigenvectors.

    For a numpy matrix: block Lanczos for large matrices and k << V (eigenvalues to rtol
    relative), LAPACK otherwise or when Lanczos cannot certify its result. For another array
    library's (a GPU's): its full eigh, cut to the top k (an H200 diagonalizes V = 10,000 in
    about a second, in float64).
    """
    size = matrix.shape[0]
    if not 1 <= k <= size:
        raise ValueError(f"k={k} eigenpairs asked of a {size} x {size} matrix")
    if not array_api_compat.is_numpy_array(matrix):
        values, vectors = all_eigenpairs(matrix)
        return values[:k], vectors[:, :k]
    # Lanczos needed a basis of about 7 (k + BUFFER) columns on the sample's targets (V = 10,000,
    # k = 200: 17-21 s against LAPACK's 62-63 s); at this gate's edge the two are about even
    # (V = 5,000, k = 200: 5.7-8.0 s against 5.3-10.2 s in different runs).
    if size < LAPACK_BELOW or not few_enough_for_lanczos(size, k):
        return lapack_top_eigenpairs(matrix, k)
    try:
        return lanczos_top_eigenpairs(matrix, k, rtol=rtol, seed=seed)
    except NotConverged as stall:
        log.warning("block Lanczos did not converge (%s): LAPACK's subset solver instead", stall)
        return lapack_top_eigenpairs(matrix, k)


def all_eigenpairs(matrix) -> tuple[Any, Any]:
    """Every eigenpair, eigenvalues in decreasing order, by the array library's eigh (LAPACK's
    divide and conquer for numpy, cuSOLVER for PyTorch and CuPy on a GPU). Reversed by `take`, a
    contiguous copy, where a reversed view would keep numpy's matmul from using BLAS."""
    xp = array_namespace(matrix)
    values, vectors = xp.linalg.eigh(matrix)
    reverse = xp.arange(values.shape[0] - 1, -1, -1, device=array_api_compat.device(matrix))
    return xp.take(values, reverse), xp.take(vectors, reverse, axis=1)


def few_enough_for_lanczos(size: int, k: int) -> bool:
    """Whether k eigenpairs are a small enough share of a size x size matrix for block Lanczos,
    whose basis grows to about 7 (k + BUFFER) columns: at the edge it costs about what LAPACK's
    subset solver does (V = 5,000, k = 200 on 2 cores: 5.7-8.0 s against 5.3-10.2 s;
    bench/README.md, "Eigensolver")."""
    return 16 * (k + BUFFER) <= size


def top_or_all_eigenpairs(matrix, k: int) -> tuple[Any, Any]:
    """The top k eigenpairs, cut from a full eigh when k is too many for block Lanczos: there
    top_eigenpairs would take LAPACK's subset solver, which costs more than all of them (V = 10,000
    on 2 cores: 4,096 eigenpairs in 12.1 min, all 10,000 in 114 s). A matrix of another array
    library than numpy is always diagonalized whole (top_eigenpairs)."""
    if few_enough_for_lanczos(matrix.shape[0], k) or not array_api_compat.is_numpy_array(matrix):
        return top_eigenpairs(matrix, k)
    values, vectors = all_eigenpairs(matrix)
    if k == len(values):
        return values, vectors
    return values[:k].copy(), np.ascontiguousarray(vectors[:, :k])


def lapack_top_eigenpairs(matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    size = matrix.shape[0]
    values, vectors = scipy.linalg.eigh(matrix, subset_by_index=[size - k, size - 1], driver="evr")
    return values[::-1].copy(), vectors[:, ::-1].copy()


def residual_excess(
    values: np.ndarray, residuals: np.ndarray, cut: float, rtol: float
) -> np.ndarray:
    """log(residual / tolerated residual) of each Ritz pair (<= 0: converged). The error estimate
    |r|^2 / (theta - cut) for a Ritz pair (theta, x) with residual r is a bound (Kato-Temple) when
    no other eigenvalue lies between theta and cut; here the other kept pairs do, so it is an
    estimate that assumes their eigenvectors are well represented in the subspace, as they are once
    they have converged too. Tolerated is the residual that makes it rtol |theta|."""
    scale = np.maximum(np.abs(values), 1e-8 * np.abs(values).max())
    gap = np.maximum(values - cut, np.finfo(float).tiny)
    tolerated = np.sqrt(rtol * scale * gap)
    return np.log(np.maximum(residuals, np.finfo(float).tiny) / tolerated)


def next_check(columns: int, distance: float, previous: tuple[int, float] | None) -> int:
    """Basis width at which to look at the Ritz pairs again: where the slowest pair's log-residual
    distance to its tolerance, extrapolated linearly from the last two checks, reaches zero, but at
    most a quarter more than now (Lanczos converges faster than linearly, and checks cost O(m^3))."""
    step = columns // 4
    if previous is not None:
        previous_columns, previous_distance = previous
        rate = (previous_distance - distance) / (columns - previous_columns)
        if rate > 0:
            step = min(step, math.ceil(distance / rate))
    return columns + BLOCK * max(1, math.ceil(step / BLOCK))


def rows_times(basis: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """basis @ coefficients in float64, for a float32 basis, a chunk of rows at a time."""
    out = np.empty((basis.shape[0], coefficients.shape[1]))
    for start in range(0, basis.shape[0], ROW_CHUNK):
        out[start : start + ROW_CHUNK] = (
            basis[start : start + ROW_CHUNK].astype(np.float64) @ coefficients
        )
    return out


def lanczos_top_eigenpairs(
    matrix: np.ndarray, k: int, rtol: float = 1e-8, seed: int = 0, max_columns: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top k eigenpairs by block Lanczos with full reorthogonalization (classical Gram-Schmidt,
    twice), float32 basis, float64 projected matrix and final Rayleigh-Ritz step.

    Raises NotConverged when the basis reaches `max_columns` (default MAX_BASIS_FRACTION of the
    size) first, or when the true residuals of the final float64 step, extended POLISH_STEPS times
    by the residuals still above tolerance, do not all confirm the float32 estimate.
    """
    size = matrix.shape[0]
    kept = min(k + BUFFER, size)
    max_columns = min(size, max_columns or int(MAX_BASIS_FRACTION * size))
    single = matrix.astype(np.float32)
    basis = np.empty((size, max_columns), dtype=np.float32)
    projected = np.zeros(
        (max_columns, max_columns)
    )  # basis.T @ matrix @ basis, built a block at a time
    block = np.linalg.qr(np.random.default_rng(seed).standard_normal((size, BLOCK)))[0].astype(
        np.float32
    )
    # the widest basis the cap allows is always checked before giving up (checks need kept columns)
    final_check = max(max_columns - max_columns % BLOCK, kept)
    columns, check_at, last_check = 0, min(2 * kept, final_check), None
    while True:
        if columns + BLOCK > max_columns:
            raise NotConverged(
                f"the Krylov basis reached {columns} columns before the top {k} converged"
            )
        basis[:, columns : columns + BLOCK] = block
        product = single @ block
        columns += BLOCK
        krylov, new = basis[:, :columns], slice(columns - BLOCK, columns)
        coefficients = krylov.T @ product
        product -= krylov @ coefficients
        correction = krylov.T @ product  # the second pass restores orthogonality lost to rounding
        product -= krylov @ correction
        coefficients = (coefficients + correction).astype(np.float64)
        # matrix @ basis = basis @ projected + block @ step in the last columns: Lanczos' residual estimate
        block, step = scipy.linalg.qr(product, mode="economic", check_finite=False)
        projected[:columns, new] = coefficients
        projected[new, :columns] = coefficients.T
        projected[new, new] = (coefficients[new] + coefficients[new].T) / 2
        if columns < check_at:
            continue
        values, ritz = scipy.linalg.eigh(
            projected[:columns, :columns], subset_by_index=[columns - kept, columns - 1]
        )
        values, ritz = values[::-1], ritz[:, ::-1]
        estimates = np.linalg.norm(step.astype(np.float64) @ ritz[new, :k], axis=0)
        distances = residual_excess(values[:k], estimates, float(values[-1]), rtol)
        log.info(
            "basis of %d columns: %d of %d eigenpairs converged",
            columns,
            int(np.sum(distances <= 0)),
            k,
        )
        if np.all(distances <= 0):
            break
        check_at = min(next_check(columns, float(distances.max()), last_check), final_check)
        last_check = (columns, float(distances.max()))

    return refined_top_pairs(matrix, np.linalg.qr(rows_times(basis[:, :columns], ritz))[0], k, rtol)


def refined_top_pairs(
    matrix: np.ndarray, vectors: np.ndarray, k: int, rtol: float
) -> tuple[np.ndarray, np.ndarray]:
    """The top k Ritz pairs of the matrix on span(vectors) (orthonormal, more than k columns), by a
    float64 Rayleigh-Ritz step whose basis is extended, up to POLISH_STEPS times, by the residuals of
    the pairs still above tolerance: float64 Krylov steps for what float32 left short.
    The smallest of the Ritz values kept (as many as vectors has columns) is the cut in the error estimate.
    Raises NotConverged if some pair is still above tolerance after that."""
    kept = vectors.shape[1]
    images = matrix @ vectors
    for polish in range(POLISH_STEPS + 1):
        values, vectors, images = rayleigh_ritz(vectors, images, kept)
        residuals = images[:, :k] - vectors[:, :k] * values[:k]
        distances = residual_excess(
            values[:k], np.linalg.norm(residuals, axis=0), float(values[-1]), rtol
        )
        unconverged = distances > 0
        if not unconverged.any():
            log.info("float64 Rayleigh-Ritz: all %d eigenpairs within tolerance", k)
            return values[:k].copy(), np.ascontiguousarray(vectors[:, :k])
        log.info(
            "float64 Rayleigh-Ritz: %d of %d residuals above tolerance", int(unconverged.sum()), k
        )
        if polish < POLISH_STEPS:
            extension = residuals[:, unconverged]
            for _ in range(2):
                extension -= vectors @ (vectors.T @ extension)
            extension = np.linalg.qr(extension)[0]
            vectors, images = (
                np.hstack([vectors, extension]),
                np.hstack([images, matrix @ extension]),
            )
    raise NotConverged(f"{int(unconverged.sum())} of the top {k} float64 residuals above tolerance")


def rayleigh_ritz(
    vectors: np.ndarray, images: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The top `count` Ritz values of the matrix on span(vectors), given images = matrix @ vectors
    (orthonormal vectors), with their Ritz vectors and those vectors' images."""
    small = vectors.T @ images
    values, rotation = scipy.linalg.eigh((small + small.T) / 2)
    top = np.ascontiguousarray(rotation[:, ::-1][:, :count])
    return values[::-1][:count], vectors @ top, images @ top
