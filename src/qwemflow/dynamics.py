"""Learning dynamics of tied-weight word embeddings: full-batch gradient descent on the exact
expected loss, computed from the stored P(i,j) and P(i) (PAPER.md, "Losses").

The loss of W (one embedding matrix, s_ij = w_i . w_j) is
    sum_ij  A+_ij l+(s_ij) + A-_ij l-(s_ij),
with A+ = q+ P(i,j), A- = q- psi P(i)P(j) the reweighted positive and negative pair masses and
    sgns:  l+(s) = log(1 + e^-s),   l-(s) = log(1 + e^s)
    qwem:  l+(s) = -s + s^2/4,      l-(s) = s + s^2/4      (4th-order Taylor expansion of SGNS).
Its gradient is 2 G W with G_ij = A+_ij l+'(s_ij) + A-_ij l-'(s_ij). With the qwem loss and the
Setting 3.1 weights q = 1/(P(i,j) + P(i)P(j)), G = (W W^T - M*)/2: the loss is
(1/4)||W W^T - M*||^2 up to a constant, and the step is computed without forming W W^T.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

log = logging.getLogger(__name__)

LOSSES = ("qwem", "sgns")
REWEIGHTINGS = ("none", "setting-3.1", "unigram", "word2vec")


def pair_weights(
    p_joint: np.ndarray, p_word: np.ndarray, reweighting: str, psi: float = 1.0, subsample: float = 1e-5
) -> tuple[np.ndarray, np.ndarray]:
    """A+ and A- (V x V, symmetric) for one reweighting.

    word2vec's own: positive pairs survive subsampling with probability a_i a_j,
    a_i = min(1, sqrt(t/P(i)) + t/P(i)); each surviving pair (i, j) draws psi negatives (i, n)
    with n ~ P^0.75, symmetrized because the weights are tied.
    """
    outer = np.outer(p_word, p_word)
    if reweighting == "none":
        return p_joint, psi * outer
    if reweighting == "setting-3.1":
        scale = 1.0 / (p_joint + outer)
        return p_joint * scale, psi * outer * scale
    if reweighting == "unigram":
        return p_joint / outer, np.full_like(p_joint, psi)
    if reweighting == "word2vec":
        ratio = subsample / p_word
        keep = np.minimum(1.0, np.sqrt(ratio) + ratio)
        positive = p_joint * np.outer(keep, keep)
        noise = p_word**0.75 / (p_word**0.75).sum()
        negative = psi * np.outer(positive.sum(axis=1), noise)
        return positive, (negative + negative.T) / 2
    raise ValueError(f"unknown reweighting {reweighting!r}; use one of {', '.join(REWEIGHTINGS)}")


def loss_and_gradient_factor(scores: np.ndarray, positive: np.ndarray, negative: np.ndarray, loss: str):
    """The loss and G = dLoss/dS for the matrix of scores S = W W^T."""
    if loss == "qwem":
        value = np.sum(positive * (-scores + scores**2 / 4) + negative * (scores + scores**2 / 4))
        factor = positive * (scores / 2 - 1) + negative * (scores / 2 + 1)
    elif loss == "sgns":
        value = np.sum(positive * np.logaddexp(0, -scores) + negative * np.logaddexp(0, scores))
        factor = -positive * expit(-scores) + negative * expit(scores)
    else:
        raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
    return float(value), factor


# Rows of S = W W^T formed at a time for the loss and gradient: memory O(block V) beside A+ and
# A- instead of several V x V temporaries (S and each elementwise term of the loss).
ROW_BLOCK = 512


def blockwise_loss_and_gradient(w: np.ndarray, positive: np.ndarray, negative: np.ndarray, loss: str, gradient: bool = True):
    """The loss and, if asked, its gradient 2 G W, a block of rows of S at a time (G is symmetric)."""
    value = 0.0
    grad = np.empty_like(w) if gradient else None
    for start in range(0, len(w), ROW_BLOCK):
        rows = slice(start, start + ROW_BLOCK)
        block_value, factor = loss_and_gradient_factor(w[rows] @ w.T, positive[rows], negative[rows], loss)
        value += block_value
        if gradient:
            grad[rows] = 2 * (factor @ w)
    return value, grad


@dataclass
class Trajectory:
    steps: np.ndarray  # recorded steps
    loss: np.ndarray  # loss at each recorded step
    singular_values: np.ndarray  # (recorded steps, d), decreasing
    checkpoint_steps: np.ndarray
    checkpoints: np.ndarray  # (checkpoints, V, d)
    final: np.ndarray  # W at the last step


def log_spaced_steps(n_steps: int, n_records: int) -> np.ndarray:
    """Steps 0..n_steps, roughly evenly spaced on a log axis (every early step kept)."""
    return np.unique(np.concatenate([[0], np.geomspace(1, n_steps, n_records).round().astype(int)]))


def initial_embeddings(vocab_size: int, dim: int, init_scale: float, seed: int) -> np.ndarray:
    """Entries N(0, init_scale^2 / d), the authors' initialization."""
    return np.random.default_rng(seed).normal(0.0, init_scale / np.sqrt(dim), size=(vocab_size, dim))


def train_full_batch(
    positive: np.ndarray,
    negative: np.ndarray,
    loss: str,
    w0: np.ndarray,
    learning_rate: float,
    n_steps: int,
    record_steps: np.ndarray,
    checkpoint_steps: np.ndarray = np.array([], dtype=int),
    progress_every: int = 1000,
) -> Trajectory:
    """Full-batch gradient descent W <- W - eta 2 G W, deterministic (dense BLAS)."""
    w = w0.copy()
    record = set(int(s) for s in record_steps)
    keep = set(int(s) for s in checkpoint_steps if s <= n_steps)
    # qwem with A+ + A- = 1 everywhere (Setting 3.1, psi = 1): 2 G W = W (W^T W) - M* W.
    target = None
    if loss == "qwem" and np.allclose(positive + negative, 1.0):
        target = positive - negative  # = M*/2
    steps, losses, spectra, saved = [], [], [], []
    for step in range(n_steps + 1):
        recording = step in record
        if recording or target is None:
            value, gradient = blockwise_loss_and_gradient(w, positive, negative, loss, gradient=target is None)
        if recording:
            steps.append(step)
            losses.append(value)
            spectra.append(np.linalg.svd(w, compute_uv=False))
        if step in keep:
            saved.append(w.copy())
        if step % progress_every == 0:
            log.info("step %d/%d", step, n_steps)
        if step == n_steps:
            break
        if target is None:
            w = w - learning_rate * gradient
        else:
            w = w - learning_rate * (w @ (w.T @ w) - 2 * (target @ w))
    return Trajectory(
        steps=np.array(steps),
        loss=np.array(losses),
        singular_values=np.array(spectra),
        checkpoint_steps=np.array(sorted(keep)),
        checkpoints=np.array(saved) if saved else np.zeros((0, *w.shape)),
        final=w,
    )


def subspace_overlap(w: np.ndarray, eigenvectors: np.ndarray) -> float:
    """||U^T Q||_F^2 / d: 1 when the column space of W is spanned by the d eigenvectors U."""
    q, _ = np.linalg.qr(w)
    d = eigenvectors.shape[1]
    return float(np.sum((eigenvectors.T @ q) ** 2) / d)
