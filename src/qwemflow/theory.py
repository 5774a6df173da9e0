"""Closed-form singular-value dynamics of QWEM under Setting 3.1 (docs/science.md,
"Closed-form dynamics").

Gradient descent on (1/4)||W W^T - M*||_F^2 with step eta, from small initialization, learns the
eigenmodes of M* independently: in continuous time the k-th squared singular value u_k of W is
logistic in tau = 2 eta t,

    u_k(tau) = e^{lambda_k tau} / (1/u_0 + (e^{lambda_k tau} - 1) / lambda_k).

A discrete step multiplies a small mode by (1 + eta lambda_k)^2, not e^{2 eta lambda_k}, so the
growth exponent used here is t * 2 ln(1 + eta lambda_k) (t in steps), which tends to the
continuous one as eta -> 0 and keeps the theory exact in the growth phase at any step size.
A learning rate of None means continuous time: t is the gradient flow's own time (qwemflow.clock)
and the exponent is 2 lambda_k t.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def growth_rates(eigenvalues: np.ndarray, learning_rate: float | None) -> np.ndarray:
    """Per-step exponential growth rate of each small mode: 2 ln(1 + eta lambda_k); per unit of
    time, 2 lambda_k, when learning_rate is None."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    return 2 * lam if learning_rate is None else 2 * np.log1p(learning_rate * lam)


def squared_singular_values(
    steps: np.ndarray,
    eigenvalues: np.ndarray,
    learning_rate: float | None,
    u0: float | np.ndarray,
) -> np.ndarray:
    """u_k(t) for every step t (rows) and positive eigenvalue lambda_k (columns); u0 is shared or one per mode."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    exponent = np.outer(np.asarray(steps, dtype=np.float64), growth_rates(lam, learning_rate))
    # e^x / (1/u0 + (e^x - 1)/lam) rewritten with e^{-x} so that large x does not overflow
    decay = np.exp(-exponent)
    return 1.0 / (decay / u0 + (1.0 - decay) / lam)


def half_time(
    eigenvalues: np.ndarray, learning_rate: float | None, u0: float | np.ndarray
) -> np.ndarray:
    """Step at which u_k reaches lambda_k / 2: solving the logistic, e^{g t} = lambda / u0 - 1."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    return np.log(lam / u0 - 1.0) / growth_rates(lam, learning_rate)


def tau_1(top_eigenvalue: float, learning_rate: float, u0: float) -> float:
    """Characteristic time ln(lambda_1 / u0) / lambda_1, in steps at this learning rate."""
    return float(np.log(top_eigenvalue / u0) / growth_rates(top_eigenvalue, learning_rate))


def mode_agreement(
    steps: np.ndarray,
    measured: np.ndarray,
    eigenvalues: np.ndarray,
    learning_rate: float | None,
    u0: np.ndarray,
) -> pd.DataFrame:
    """Per mode k: when s_k^2 crossed lambda_k/2 (linear interpolation between recorded steps)
    against the theory's half-time, and the median relative error of the measured curve against
    the theory over the recorded points after s_k^2 passes 1% of lambda_k."""
    theory = squared_singular_values(steps, eigenvalues, learning_rate, u0)
    predicted_half_times = half_time(eigenvalues, learning_rate, u0)
    rows = []
    for k, lam in enumerate(eigenvalues):
        predicted = float(predicted_half_times[k])
        above = np.flatnonzero(measured[:, k] >= lam / 2)
        crossed = np.nan
        if len(above) and above[0] > 0:
            i = above[0]
            m0, m1 = measured[i - 1, k], measured[i, k]
            crossed = steps[i - 1] + (steps[i] - steps[i - 1]) * (lam / 2 - m0) / (m1 - m0)
        learned = measured[:, k] > 0.01 * lam
        rows.append(
            {
                "mode": k + 1,
                "eigenvalue": lam,
                "half_time_theory": predicted,
                "half_time_measured": crossed,
                "half_time_relative_error": crossed / predicted - 1,
                "curve_median_relative_error": float(
                    np.median(
                        np.abs(measured[learned, k] - theory[learned, k]) / theory[learned, k]
                    )
                )
                if learned.any()
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


def embedding_at(eigenvectors: np.ndarray, squared: np.ndarray) -> np.ndarray:
    """The embedding the closed form predicts when its modes have squared singular values
    `squared` (d,): the top-d eigenvectors of M* (V x d) scaled by s_k. QWEM under Setting 3.1
    learns this W up to a rotation of its columns, which leaves cosines and analogies unchanged;
    as t -> infinity s_k^2 -> lambda_k and it is M*'s eigen-embedding."""
    return eigenvectors * np.sqrt(np.maximum(np.asarray(squared, dtype=np.float64), 0.0))
