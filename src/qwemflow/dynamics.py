"""Learning dynamics of tied-weight word embeddings: gradient descent on the exact expected loss,
computed from the stored P(i,j) and P(i) (docs/science.md, "Losses and reweightings"), full batch
or by minibatches of sampled pairs.

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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse
from scipy.special import expit

log = logging.getLogger(__name__)

LOSSES = ("qwem", "sgns")
REWEIGHTINGS = ("none", "setting-3.1", "unigram", "word2vec")


def pair_weights(
    p_joint: np.ndarray,
    p_word: np.ndarray,
    reweighting: str,
    psi: float = 1.0,
    subsample: float = 1e-5,
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


def _pair_losses(scores: np.ndarray, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """l+(s) and l-(s), elementwise."""
    if loss == "qwem":
        return -scores + scores**2 / 4, scores + scores**2 / 4
    if loss == "sgns":
        return np.logaddexp(0, -scores), np.logaddexp(0, scores)
    raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")


def _pair_loss_derivatives(scores: np.ndarray, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """l+'(s) and l-'(s), elementwise."""
    if loss == "qwem":
        return scores / 2 - 1, scores / 2 + 1
    if loss == "sgns":
        return -expit(-scores), expit(scores)
    raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")


def expected_loss(
    scores: np.ndarray, positive: np.ndarray, negative: np.ndarray, loss: str
) -> float:
    """The loss at the matrix of scores S = W W^T."""
    loss_plus, loss_minus = _pair_losses(scores, loss)
    return float(np.sum(positive * loss_plus + negative * loss_minus))


def gradient_factor(
    scores: np.ndarray, positive: np.ndarray, negative: np.ndarray, loss: str
) -> np.ndarray:
    """G = dLoss/dS at S = W W^T; the gradient with respect to W is 2 G W.

    Written as f(S) (A+ + A-) - A+ (+ A- for qwem), with f(s) = sigma(s) for sgns (l+' = sigma - 1,
    l-' = sigma) and s/2 for qwem: one exponential and a few in-place passes over the block, the
    bulk of a full-batch SGNS step.
    """
    if loss == "sgns":
        factor = expit(scores)
    elif loss == "qwem":
        factor = scores / 2
    else:
        raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
    factor *= positive + negative
    factor -= positive
    if loss == "qwem":
        factor += negative
    return factor


def linearized_target(positive: np.ndarray, negative: np.ndarray, loss: str) -> np.ndarray:
    """T with W <- W + eta T W the gradient step near W = 0, where the theory's small modes live.

    T = -2 G(S = 0): 2 (A+ - A-) for qwem, A+ - A- for sgns (l'(0) = -+1/2). For qwem with the
    Setting 3.1 weights this is M*, so the closed form of theory.py applies with T's eigenvalues;
    for the other losses and weights it predicts when modes rise, not where they saturate.
    """
    slope_plus, slope_minus = _pair_loss_derivatives(np.zeros(1), loss)
    return -2 * (slope_plus[0] * positive + slope_minus[0] * negative)


def quartic_distance(positive: np.ndarray, negative: np.ndarray, loss: str) -> bool:
    """Whether the loss is (1/4)||W W^T - M*||^2 up to a constant, M* = 2 (A+ - A-): the qwem
    loss with A+ + A- = 1 everywhere (Setting 3.1 with psi = 1)."""
    return loss == "qwem" and np.allclose(positive + negative, 1.0)


class PairSampler:
    """Minibatches of the expected loss, as the authors' SGD ran it: positive pairs drawn from
    P(i,j), negative pairs from P(i)P(j), each weighted so that the batch gradient is an unbiased
    estimate of the full-batch one (weights A+/P(i,j) and A-/(P(i)P(j)), with P renormalized to
    the words at hand, e.g. a run's top_words)."""

    def __init__(self, p_joint, p_word, positive, negative, batch_size: int, seed: int):
        self.vocab_size, self.batch_size = p_joint.shape[0], batch_size
        self.rng = np.random.default_rng(seed)
        self.joint_cdf = np.cumsum(p_joint, axis=None)
        self.word_cdf = np.cumsum(p_word)
        joint, word = p_joint / self.joint_cdf[-1], p_word / self.word_cdf[-1]  # what is drawn
        self.positive_weight = np.divide(
            positive, joint, out=np.zeros_like(positive), where=joint > 0
        )
        self.negative_weight = negative / np.outer(word, word)

    def _draw(self, cdf: np.ndarray, size: int) -> np.ndarray:
        return np.minimum(
            np.searchsorted(cdf, self.rng.random(size) * cdf[-1], side="right"), len(cdf) - 1
        )

    def positives(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        i, j = np.divmod(self._draw(self.joint_cdf, self.batch_size), self.vocab_size)
        return i, j, self.positive_weight[i, j]

    def negatives(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        i, j = (
            self._draw(self.word_cdf, self.batch_size),
            self._draw(self.word_cdf, self.batch_size),
        )
        return i, j, self.negative_weight[i, j]


def minibatch_gradient(w: np.ndarray, sampler: PairSampler, loss: str) -> np.ndarray:
    """An unbiased estimate of 2 G W from one batch of positive and one of negative pairs: each
    pair (i, j) with coefficient c pushes w_i along c w_j and w_j along c w_i (tied weights),
    that is the gradient is (C + C^T) W with C the sparse matrix of the batch's coefficients."""
    rows, columns, coefficients = [], [], []
    for kind, (i, j, weight) in enumerate((sampler.positives(), sampler.negatives())):
        scores = np.einsum("bd,bd->b", w[i], w[j])
        rows.append(i)
        columns.append(j)
        coefficients.append(
            weight * _pair_loss_derivatives(scores, loss)[kind] / sampler.batch_size
        )
    size = w.shape[0]
    batch = scipy.sparse.csr_matrix(
        (np.concatenate(coefficients), (np.concatenate(rows), np.concatenate(columns))),
        shape=(size, size),
    )
    return batch @ w + batch.T @ w


# Rows of S = W W^T formed at a time for the loss and gradient: memory O(block V) beside A+ and
# A- instead of several V x V temporaries (S and each elementwise term of the loss).
ROW_BLOCK = 512


def blockwise_loss_and_gradient(
    w: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    loss: str,
    value: bool = True,
    gradient: bool = True,
) -> tuple[float | None, np.ndarray | None]:
    """The loss and its gradient 2 G W (each if asked), a block of rows of S at a time (G is symmetric)."""
    total = 0.0 if value else None
    grad = np.empty_like(w) if gradient else None
    for start in range(0, len(w), ROW_BLOCK):
        rows = slice(start, start + ROW_BLOCK)
        scores = w[rows] @ w.T
        if value:
            total += expected_loss(scores, positive[rows], negative[rows], loss)
        if gradient:
            grad[rows] = 2 * (gradient_factor(scores, positive[rows], negative[rows], loss) @ w)
    return total, grad


@dataclass
class Trajectory:
    steps: np.ndarray  # recorded steps
    loss: np.ndarray  # loss at each recorded step
    singular_values: np.ndarray  # (recorded steps, d), decreasing
    checkpoint_steps: np.ndarray
    checkpoints: np.ndarray  # (checkpoints, V, d)
    final: np.ndarray  # W at the last step

    @classmethod
    def from_records(
        cls, steps, losses, spectra, checkpoint_steps, checkpoints, final
    ) -> Trajectory:
        """A trajectory from what a training loop collected, step by step, in lists."""
        return cls(
            steps=np.array(steps),
            loss=np.array(losses),
            singular_values=np.array(spectra),
            checkpoint_steps=np.array(sorted(checkpoint_steps)),
            checkpoints=np.array(checkpoints) if checkpoints else np.zeros((0, *final.shape)),
            final=final,
        )


def log_spaced_steps(n_steps: int, n_records: int) -> np.ndarray:
    """Steps 0..n_steps, roughly evenly spaced on a log axis (every early step kept)."""
    return np.unique(np.concatenate([[0], np.geomspace(1, n_steps, n_records).round().astype(int)]))


def initial_embeddings(vocab_size: int, dim: int, init_scale: float, seed: int) -> np.ndarray:
    """Entries N(0, init_scale^2 / d), the authors' initialization."""
    return np.random.default_rng(seed).normal(
        0.0, init_scale / np.sqrt(dim), size=(vocab_size, dim)
    )


def train(
    positive: np.ndarray,
    negative: np.ndarray,
    loss: str,
    w0: np.ndarray,
    learning_rate: float,
    n_steps: int,
    record_steps: np.ndarray,
    checkpoint_steps: Sequence[int] = (),
    sampler: PairSampler | None = None,
    progress_every: int = 1000,
) -> Trajectory:
    """Gradient descent W <- W - eta 2 G W: full batch (deterministic, dense BLAS) by default, or
    minibatch SGD on pairs drawn by `sampler`. The loss is always the exact expected loss."""
    w = w0.copy()
    record = set(int(s) for s in record_steps)
    keep = set(int(s) for s in checkpoint_steps if s <= n_steps)
    # 2 G W = W (W^T W) - M* W when the loss is a distance to M* (quartic_distance)
    target = None
    if sampler is None and quartic_distance(positive, negative, loss):
        target = positive - negative  # = M*/2
    full_gradient = sampler is None and target is None
    steps, losses, spectra, saved = [], [], [], []
    for step in range(n_steps + 1):
        recording = step in record
        if recording and not np.isfinite(w).all():
            raise FloatingPointError(
                f"gradient descent diverged: W is not finite at step {step}; lower the learning rate"
            )
        if recording or full_gradient:
            value, gradient = blockwise_loss_and_gradient(
                w, positive, negative, loss, value=recording, gradient=full_gradient
            )
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
        if sampler is not None:
            w = w - learning_rate * minibatch_gradient(w, sampler, loss)
        elif full_gradient:
            w = w - learning_rate * gradient
        else:
            w = w - learning_rate * (w @ (w.T @ w) - 2 * (target @ w))
    return Trajectory.from_records(steps, losses, spectra, keep, saved, w)


def train_in_eigenbasis(
    eigenvalues: np.ndarray,
    eigenvectors: np.ndarray,
    w0: np.ndarray,
    learning_rate: float,
    n_steps: int,
    record_steps: np.ndarray,
    checkpoint_steps: Sequence[int] = (),
    progress_every: int = 1000,
) -> Trajectory:
    """Full-batch gradient descent on (1/4)||W W^T - M*||^2 (the quartic_distance case of train),
    given all eigenpairs of M* = U diag(lambda) U^T, in rotated coordinates W' = U^T W.

    The step W <- W - eta (W W^T W - M* W) becomes W' <- W' (1 + eta lambda) - eta W' (W'^T W'),
    because W^T W = W'^T W': the same iterates up to rounding, at O(V d^2) a step instead of
    O(V^2 d). Singular values are those of W'; the loss, as train records it (the expected loss,
    which differs from the distance by the constant -||M*||^2/4), is
    (||W'^T W'||^2 - 2 sum_i lambda_i |w'_i|^2) / 4. Checkpoints and the final W are rotated back.
    """
    if eigenvectors.shape[1] != eigenvectors.shape[0] or len(eigenvalues) != eigenvectors.shape[0]:
        raise ValueError(
            f"train_in_eigenbasis needs every eigenpair of M*, got {len(eigenvalues)} of {eigenvectors.shape[0]}"
        )
    w = eigenvectors.T @ w0
    growth = (1.0 + learning_rate * np.asarray(eigenvalues, dtype=np.float64))[:, None]
    record = set(int(s) for s in record_steps)
    keep = set(int(s) for s in checkpoint_steps if s <= n_steps)
    steps, losses, spectra, saved = [], [], [], []
    for step in range(n_steps + 1):
        gram = w.T @ w
        if step in record:
            if not np.isfinite(gram).all():
                raise FloatingPointError(
                    f"gradient descent diverged: W is not finite at step {step}; lower the learning rate"
                )
            steps.append(step)
            losses.append(
                float(np.sum(gram**2) - 2 * np.sum(eigenvalues * np.einsum("ij,ij->i", w, w))) / 4
            )
            spectra.append(np.linalg.svd(w, compute_uv=False))
        if step in keep:
            saved.append(eigenvectors @ w)
        if step % progress_every == 0:
            log.info("step %d/%d", step, n_steps)
        if step == n_steps:
            break
        w = growth * w - learning_rate * (w @ gram)
    return Trajectory.from_records(steps, losses, spectra, keep, saved, eigenvectors @ w)


def subspace_overlap(w: np.ndarray, eigenvectors: np.ndarray) -> float:
    """||U^T Q||_F^2 / d: 1 when the column space of W is spanned by the d eigenvectors U."""
    q, _ = np.linalg.qr(w)
    d = eigenvectors.shape[1]
    return float(np.sum((eigenvectors.T @ q) ** 2) / d)
