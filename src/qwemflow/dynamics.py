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

The training loops and their helpers are written against the Python array API standard: given
numpy arrays they run on numpy, given PyTorch or CuPy arrays on a GPU (qwemflow.backend picks which
from config `compute`); what they return (Trajectory) is numpy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import array_api_compat
import numpy as np
import pandas as pd
import scipy.sparse
from array_api_compat import array_namespace

from qwemflow.backend import Backend, resolve_backend, to_numpy
from qwemflow.eigensolver import all_eigenpairs, top_eigenpairs
from qwemflow.targets import m_star
from qwemflow.theory import mode_agreement, squared_singular_values, tau_1

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
        keep = keep_probabilities(p_word, subsample)
        positive = p_joint * np.outer(keep, keep)
        noise = p_word**0.75 / (p_word**0.75).sum()
        negative = psi * np.outer(positive.sum(axis=1), noise)
        return positive, (negative + negative.T) / 2
    raise ValueError(f"unknown reweighting {reweighting!r}; use one of {', '.join(REWEIGHTINGS)}")


def keep_probabilities(p_word: np.ndarray, subsample: float) -> np.ndarray:
    """word2vec's subsampling: word i is kept with probability min(1, sqrt(t/P(i)) + t/P(i));
    sample 0 keeps every word, as in gensim."""
    if subsample == 0:
        return np.ones_like(p_word)
    ratio = subsample / p_word
    return np.minimum(1.0, np.sqrt(ratio) + ratio)


def _sigmoid(x, xp):
    """The logistic function (scipy's expit), which the array API standard lacks: (1 + tanh(x/2))/2
    does not overflow for any x."""
    value = xp.tanh(x / 2)
    value += 1
    value /= 2
    return value


def _pair_losses(scores, loss: str):
    """l+(s) and l-(s), elementwise."""
    xp = array_namespace(scores)
    if loss == "qwem":
        return -scores + scores**2 / 4, scores + scores**2 / 4
    if loss == "sgns":
        zero = xp.zeros_like(scores)
        return xp.logaddexp(zero, -scores), xp.logaddexp(zero, scores)
    raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")


def _pair_loss_derivatives(scores, loss: str):
    """l+'(s) and l-'(s), elementwise."""
    xp = array_namespace(scores)
    if loss == "qwem":
        return scores / 2 - 1, scores / 2 + 1
    if loss == "sgns":
        return -_sigmoid(-scores, xp), _sigmoid(scores, xp)
    raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")


def symmetric_parts(positive, negative):
    """(A+ + A-)/2 and (A+ - A-)/2, the weights the loss and gradient read: with them G is one
    elementwise function of S times the first, minus a multiple of the second (gradient_factor)."""
    return (positive + negative) / 2, (positive - negative) / 2


def expected_loss(scores, mean, contrast, loss: str) -> float:
    """The loss at the matrix of scores S = W W^T, from the symmetric_parts of A+ and A-:
    sum A+ l+ + A- l- = sum mean (l+ + l-) + contrast (l+ - l-), and l+ - l- is -s (sgns) or
    -2s (qwem)."""
    xp = array_namespace(scores, mean, contrast)
    loss_plus, loss_minus = _pair_losses(scores, loss)
    slope = 1 if loss == "sgns" else 2
    return float(xp.sum(mean * (loss_plus + loss_minus)) - slope * xp.sum(contrast * scores))


def gradient_factor(scores, mean, contrast, loss: str):
    """G = dLoss/dS at S = W W^T (overwriting `scores`), from the symmetric_parts of A+ and A-;
    the gradient with respect to W is 2 G W.

    G = A+ l+'(s) + A- l-'(s) is tanh(s/2) mean - contrast for sgns (l+' = sigma - 1,
    l-' = sigma) and s mean - 2 contrast for qwem: one tanh and two in-place passes, the bulk of
    a full-batch SGNS step.
    """
    xp = array_namespace(scores, mean, contrast)
    if loss == "sgns":
        scores /= 2
        factor = xp.tanh(scores)
        factor *= mean
        factor -= contrast
    elif loss == "qwem":
        factor = scores
        factor *= mean
        factor -= 2 * contrast
    else:
        raise ValueError(f"unknown loss {loss!r}; use one of {', '.join(LOSSES)}")
    return factor


def linearized_target(positive, negative, loss: str):
    """T with W <- W + eta T W the gradient step near W = 0, where the theory's small modes live.

    T = -2 G(S = 0): 2 (A+ - A-) for qwem, A+ - A- for sgns (l'(0) = -+1/2). For qwem with the
    Setting 3.1 weights this is M*, so the closed form of theory.py applies with T's eigenvalues;
    for the other losses and weights it predicts when modes rise, not where they saturate.
    """
    slope_plus, slope_minus = _pair_loss_derivatives(np.zeros(1), loss)
    return -2 * (float(slope_plus[0]) * positive + float(slope_minus[0]) * negative)


def quartic_distance(positive, negative, loss: str) -> bool:
    """Whether the loss is (1/4)||W W^T - M*||^2 up to a constant, M* = 2 (A+ - A-): the qwem
    loss with A+ + A- = 1 everywhere (Setting 3.1 with psi = 1), to np.allclose's tolerance."""
    if loss != "qwem":
        return False
    xp = array_namespace(positive, negative)
    return bool(xp.all(xp.abs(positive + negative - 1.0) <= 1e-8 + 1e-5))


class PairSampler:
    """Minibatches of the expected loss, as the authors' SGD ran it: positive pairs drawn from
    P(i,j), negative pairs from P(i)P(j), each weighted so that the batch gradient is an unbiased
    estimate of the full-batch one (weights A+/P(i,j) and A-/(P(i)P(j)), with P renormalized to
    the words at hand, e.g. a run's top_words). Numpy on the host, whatever the training backend:
    a batch is a few index arrays, copied to the device by minibatch_gradient."""

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


def minibatch_gradient(w, sampler: PairSampler, loss: str):
    """An unbiased estimate of 2 G W from one batch of positive and one of negative pairs: each
    pair (i, j) with coefficient c pushes w_i along c w_j and w_j along c w_i (tied weights),
    that is the gradient is (C + C^T) W with C the sparse matrix of the batch's coefficients:
    scipy's sparse product for numpy, sorted cumulative sums for another library
    (_sparse_symmetric_product)."""
    xp = array_namespace(w)
    device = array_api_compat.device(w)
    rows, columns, coefficients = [], [], []
    for kind, (i, j, weight) in enumerate((sampler.positives(), sampler.negatives())):
        left = xp.take(w, xp.asarray(i, device=device), axis=0)
        right = xp.take(w, xp.asarray(j, device=device), axis=0)
        derivative = _pair_loss_derivatives(xp.vecdot(left, right, axis=-1), loss)[kind]
        rows.append(i)
        columns.append(j)
        coefficients.append(
            xp.asarray(weight / sampler.batch_size, dtype=w.dtype, device=device) * derivative
        )
    rows, columns, coefficients = (
        np.concatenate(rows),
        np.concatenate(columns),
        xp.concat(coefficients),
    )
    if array_api_compat.is_numpy_array(w):
        batch = scipy.sparse.csr_matrix((coefficients, (rows, columns)), shape=(len(w), len(w)))
        return batch @ w + batch.T @ w
    return _sparse_symmetric_product(w, rows, columns, coefficients)


def _sparse_symmetric_product(w, rows: np.ndarray, columns: np.ndarray, coefficients):
    """(C + C^T) W for C with `coefficients` at (rows, columns), in the array API standard, which
    has neither sparse matrices nor a scatter-add: the terms c w_j are sorted by the row i they go
    to (on the host, where the pairs are drawn), and each row's sum is the difference of the
    cumulative sums at the ends of its run (rounding: about 1e-12 of the batch's largest sum)."""
    xp = array_namespace(w, coefficients)
    device = array_api_compat.device(w)
    targets, sources = np.concatenate([rows, columns]), np.concatenate([columns, rows])
    order = np.argsort(targets, kind="stable")
    ends = xp.asarray(np.searchsorted(targets[order], np.arange(w.shape[0] + 1)), device=device)
    terms = xp.take(xp.concat([coefficients, coefficients]), xp.asarray(order, device=device))
    terms = terms[:, None] * xp.take(w, xp.asarray(sources[order], device=device), axis=0)
    sums = xp.cumulative_sum(terms, axis=0, include_initial=True)
    return xp.take(sums, ends[1:], axis=0) - xp.take(sums, ends[:-1], axis=0)


# Side of the square tiles of S = W W^T formed at a time for the loss and gradient: memory
# O(TILE^2) beside the weights instead of several V x V temporaries.
TILE = 1024


def blockwise_loss_and_gradient(
    w, mean, contrast, loss: str, value: bool = True, gradient: bool = True
) -> tuple[float | None, Any]:
    """The loss and its gradient 2 G W (each if asked), from the symmetric_parts of A+ and A-,
    a tile of S at a time. S, G and the weights are symmetric, so only the tiles on and above
    the diagonal are formed, tile (I, J) giving rows J of the gradient through its transpose:
    half the elementwise work, which is most of a step."""
    xp = array_namespace(w, mean, contrast)
    size = w.shape[0]
    total = 0.0 if value else None
    grad = xp.zeros_like(w) if gradient else None
    for start in range(0, size, TILE):
        rows = slice(start, min(start + TILE, size))
        for column_start in range(start, size, TILE):
            columns = slice(column_start, min(column_start + TILE, size))
            scores = w[rows, :] @ w[columns, :].T
            if value:
                tile_loss = expected_loss(
                    scores, mean[rows, columns], contrast[rows, columns], loss
                )
                total += tile_loss if column_start == start else 2 * tile_loss
            if gradient:
                factor = gradient_factor(scores, mean[rows, columns], contrast[rows, columns], loss)
                grad[rows, :] += factor @ w[columns, :]
                if column_start != start:
                    grad[columns, :] += factor.T @ w[rows, :]
    if gradient:
        grad *= 2
    return total, grad


def expected_losses(embeddings, positive, negative, loss: str) -> np.ndarray:
    """The expected loss of each embedding (V x d) in `embeddings` under the pair weights A+ and
    A-: a stream-trained model's snapshots on the scale of the full-batch runs' recorded loss."""
    mean, contrast = symmetric_parts(positive, negative)
    return np.array(
        [
            blockwise_loss_and_gradient(
                np.asarray(w, dtype=mean.dtype), mean, contrast, loss, gradient=False
            )[0]
            for w in embeddings
        ]
    )


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
        """A trajectory, in numpy, from what a training loop collected, step by step, in lists
        (spectra, checkpoints and final in the loop's array library)."""
        final = to_numpy(final)
        return cls(
            steps=np.array(steps),
            loss=np.array(losses),
            singular_values=np.array([to_numpy(spectrum) for spectrum in spectra]),
            checkpoint_steps=np.array(sorted(checkpoint_steps)),
            checkpoints=np.array([to_numpy(checkpoint) for checkpoint in checkpoints])
            if checkpoints
            else np.zeros((0, *final.shape)),
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
    positive,
    negative,
    loss: str,
    w0,
    learning_rate: float,
    n_steps: int,
    record_steps: np.ndarray,
    checkpoint_steps: Sequence[int] = (),
    sampler: PairSampler | None = None,
    progress_every: int = 1000,
) -> Trajectory:
    """Gradient descent W <- W - eta 2 G W: full batch (deterministic, dense BLAS) by default, or
    minibatch SGD on pairs drawn by `sampler`. The loss is always the exact expected loss.
    The arrays' library (numpy, PyTorch, CuPy: array API) runs the steps."""
    xp = array_namespace(positive, negative, w0)
    # a numpy scalar would turn another library's arrays into numpy
    learning_rate = float(learning_rate)
    w = xp.asarray(w0, copy=True)
    record = set(int(s) for s in record_steps)
    keep = set(int(s) for s in checkpoint_steps if s <= n_steps)
    # 2 G W = W (W^T W) - M* W when the loss is a distance to M* (quartic_distance)
    mean, contrast = symmetric_parts(positive, negative)  # contrast = M*/4 when quartic
    full_gradient = sampler is None and not quartic_distance(positive, negative, loss)
    steps, losses, spectra, saved = [], [], [], []
    for step in range(n_steps + 1):
        recording = step in record
        if recording and not bool(xp.all(xp.isfinite(w))):
            raise FloatingPointError(
                f"gradient descent diverged: W is not finite at step {step}; lower the learning rate"
            )
        if recording or full_gradient:
            value, gradient = blockwise_loss_and_gradient(
                w, mean, contrast, loss, value=recording, gradient=full_gradient
            )
        if recording:
            steps.append(step)
            losses.append(value)
            spectra.append(xp.linalg.svdvals(w))
        if step in keep:
            saved.append(xp.asarray(w, copy=True))
        if step % progress_every == 0:
            log.info("step %d/%d", step, n_steps)
        if step == n_steps:
            break
        if sampler is not None:
            w = w - learning_rate * minibatch_gradient(w, sampler, loss)
        elif full_gradient:
            w = w - learning_rate * gradient
        else:
            w = w - learning_rate * (w @ (w.T @ w) - 4 * (contrast @ w))
    return Trajectory.from_records(steps, losses, spectra, keep, saved, w)


def train_in_eigenbasis(
    eigenvalues,
    eigenvectors,
    w0,
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
    if (
        eigenvectors.shape[1] != eigenvectors.shape[0]
        or eigenvalues.shape[0] != eigenvectors.shape[0]
    ):
        raise ValueError(
            f"train_in_eigenbasis needs every eigenpair of M*, got {eigenvalues.shape[0]} of {eigenvectors.shape[0]}"
        )
    xp = array_namespace(eigenvalues, eigenvectors, w0)
    # a numpy scalar would turn another library's arrays into numpy
    learning_rate = float(learning_rate)
    w = eigenvectors.T @ w0
    growth = (1.0 + learning_rate * eigenvalues)[:, None]
    record = set(int(s) for s in record_steps)
    keep = set(int(s) for s in checkpoint_steps if s <= n_steps)
    steps, losses, spectra, saved = [], [], [], []
    for step in range(n_steps + 1):
        gram = w.T @ w
        if step in record:
            if not bool(xp.all(xp.isfinite(gram))):
                raise FloatingPointError(
                    f"gradient descent diverged: W is not finite at step {step}; lower the learning rate"
                )
            steps.append(step)
            losses.append(
                float(xp.sum(gram**2) - 2 * xp.sum(eigenvalues * xp.vecdot(w, w, axis=-1))) / 4
            )
            spectra.append(xp.linalg.svdvals(w))
        if step in keep:
            saved.append(eigenvectors @ w)
        if step % progress_every == 0:
            log.info("step %d/%d", step, n_steps)
        if step == n_steps:
            break
        w = growth * w - learning_rate * (w @ gram)
    return Trajectory.from_records(steps, losses, spectra, keep, saved, eigenvectors @ w)


@dataclass
class DynamicsRun:
    """One configured run: its trajectory beside the closed-form theory of its modes."""

    trajectory: Trajectory
    eigenvalues: np.ndarray  # the theory's modes: top d eigenvalues of the step's linearization
    u0: np.ndarray  # the theory's initial value of each mode: the initialization's energy along it
    learning_rate: float
    tau1: float  # the theory's characteristic time, in steps
    theory_squared: np.ndarray  # (recorded steps, d): the theory's s_k^2
    modes: pd.DataFrame  # each mode measured against the theory (theory.mode_agreement)
    subspace_overlap: float  # of the final W's column space with the top d eigenvectors of M*
    snapshot_steps: np.ndarray  # the steps of snapshot_times that the run reached
    snapshots: np.ndarray  # (snapshots, V, d) float32: W at those steps


def _linearization_eigenpairs(
    positive: np.ndarray,
    negative: np.ndarray,
    loss: str,
    dim: int,
    every: bool,
    mstar_eigenpairs: tuple[np.ndarray, np.ndarray] | None,
    backend: Backend,
) -> tuple[Any, Any]:
    """Eigenpairs of the step's linearization at W = 0, on the backend: all of them when `every`
    (training in the eigenbasis, where the linearization is M*: the given ones of M* when they
    are all there), else the top dim."""
    if every and mstar_eigenpairs is not None and len(mstar_eigenpairs[0]) == positive.shape[0]:
        values, vectors = mstar_eigenpairs
        log.info("all %d eigenpairs of M* given", len(values))
        return backend.asarray(values), backend.asarray(vectors)
    linearized = backend.asarray(linearized_target(positive, negative, loss))
    if not every:
        return top_eigenpairs(linearized, dim)
    start = time.perf_counter()
    values, vectors = all_eigenpairs(linearized)
    log.info("all %d eigenpairs of M* in %.1f s", values.shape[0], time.perf_counter() - start)
    return values, vectors


def run_dynamics(
    p_joint: np.ndarray,
    p_word: np.ndarray,
    run: Mapping[str, Any],
    settings: Mapping[str, Any],
    dim: int,
    subsample: float,
    mstar_eigenpairs: tuple[np.ndarray, np.ndarray] | None = None,
    backend: Backend | None = None,
    name: str = "run",
    snapshot_times: Sequence[float] = (),
) -> DynamicsRun:
    """Trains one run of config `dynamics` (`run`: loss, reweighting, init, optional top_words and
    overrides of the shared `settings`) on the statistics P(i,j), P(i) in dim dimensions, and
    sets the closed-form theory beside it.

    The learning rate is settings' learning_rate over the top eigenvalue of the step's
    linearization at W = 0 (M* for QWEM under Setting 3.1), whose top dim eigenpairs are the
    theory's modes; the run lasts t_max_over_tau1 times the theory's tau_1, with checkpoints at
    1.1, 1.4 and 4 tau_1 (one mode learned, a few, all) and W kept at snapshot_times (in
    units of tau_1; float32, for learning curves). Full-batch QWEM under Setting 3.1 trains
    in M*'s eigenbasis (train_in_eigenbasis), which needs every eigenpair of M*: those of
    `mstar_eigenpairs` (M* of these statistics, decreasing) when it holds all of them, else they
    are computed; its top dim also serve the subspace overlap. The dense work runs on `backend`
    (default: numpy, float64).
    """
    backend = backend or resolve_backend()
    settings = {**settings, **{key: value for key, value in run.items() if key in settings}}
    words = min(run.get("top_words", len(p_word)), len(p_word))
    if words < len(p_word):  # the top words' statistics: a cheaper run, with the same M* entries
        p_joint, p_word, mstar_eigenpairs = p_joint[:words, :words], p_word[:words], None
    loss, batch_size = run["loss"], settings["batch_size"]
    positive, negative = pair_weights(
        p_joint, p_word, run["reweighting"], psi=settings["psi"], subsample=subsample
    )
    in_eigenbasis = batch_size is None and quartic_distance(positive, negative, loss)
    pairs = _linearization_eigenpairs(
        positive, negative, loss, dim, in_eigenbasis, mstar_eigenpairs, backend
    )
    eigenvalues = np.asarray(to_numpy(pairs[0][:dim]), dtype=np.float64)
    eigenvectors = to_numpy(pairs[1][:, :dim])
    if mstar_eigenpairs is not None:
        mstar_vectors = mstar_eigenpairs[1][:, :dim]
    elif in_eigenbasis:  # the linearization is M* itself
        mstar_vectors = eigenvectors
    else:
        mstar_vectors = to_numpy(top_eigenpairs(backend.asarray(m_star(p_joint, p_word)), dim)[1])

    learning_rate = settings["learning_rate"] / float(eigenvalues[0])
    w0 = initial_embeddings(words, dim, run["init"], settings["seed"])
    u0 = np.sum((eigenvectors.T @ w0) ** 2, axis=1)
    tau1 = tau_1(eigenvalues[0], learning_rate, run["init"] ** 2)
    if not tau1 > 0:
        raise ValueError(
            f"dynamics run {name}: init {run['init']} is not small next to lambda_1 = {eigenvalues[0]:.4g}"
        )
    n_steps = int(np.ceil(settings["t_max_over_tau1"] * tau1))
    record_steps = log_spaced_steps(n_steps, settings["n_records"])
    checkpoints = np.unique(np.round(tau1 * np.array([1.1, 1.4, 4.0])).astype(int))
    snapshot_steps = np.unique(np.round(tau1 * np.asarray(snapshot_times, dtype=float)).astype(int))
    snapshot_steps = snapshot_steps[snapshot_steps <= n_steps]
    sampler = (
        None
        if batch_size is None
        else PairSampler(p_joint, p_word, positive, negative, batch_size, settings["seed"])
    )
    log.info(
        "%s: %s loss, %s weights, %d words, init %g, eta = %.3g / lambda_1, tau_1 = %.1f steps,"
        " %d steps, %s, %s; %s",
        name,
        loss,
        # word2vec's: with the subsampling threshold the run was given (the figures print it)
        f"word2vec (sample {subsample:g})"
        if run["reweighting"] == "word2vec"
        else run["reweighting"],
        words,
        run["init"],
        settings["learning_rate"],
        tau1,
        n_steps,
        "full batch"
        if sampler is None
        else f"minibatches of {batch_size} positive and {batch_size} negative pairs",
        "in M*'s eigenbasis" if in_eigenbasis else "in the word basis",
        backend,
    )
    start = time.perf_counter()
    progress_every = max(1, n_steps // 20)
    try:
        if in_eigenbasis:
            trajectory = train_in_eigenbasis(
                *pairs,
                backend.asarray(w0),
                learning_rate,
                n_steps,
                record_steps,
                np.union1d(checkpoints, snapshot_steps),
                progress_every=progress_every,
            )
        else:
            trajectory = train(
                backend.asarray(positive),
                backend.asarray(negative),
                loss,
                backend.asarray(w0),
                learning_rate,
                n_steps,
                record_steps,
                np.union1d(checkpoints, snapshot_steps),
                sampler,
                progress_every=progress_every,
            )
    except FloatingPointError as error:
        raise FloatingPointError(
            f"dynamics run {name} (learning_rate {settings['learning_rate']}): {error}"
        ) from None
    log.info("%d steps in %.1f s", n_steps, time.perf_counter() - start)
    kept = trajectory.checkpoint_steps
    snapshots = trajectory.checkpoints[np.isin(kept, snapshot_steps)].astype(np.float32)
    figure_checkpoints = np.isin(kept, checkpoints)
    trajectory.checkpoint_steps = kept[figure_checkpoints]
    trajectory.checkpoints = trajectory.checkpoints[figure_checkpoints]

    overlap = subspace_overlap(trajectory.final, mstar_vectors)
    modes = mode_agreement(
        trajectory.steps, trajectory.singular_values**2, eigenvalues, learning_rate, u0
    )
    top = modes.head(10)
    log.info(
        "modes 1-10: half-times within %.1f%% of theory (worst); curves within %.1f%% (worst median;"
        " the theory's height is exact only for QWEM under Setting 3.1)",
        100 * top["half_time_relative_error"].abs().max(),
        100 * top["curve_median_relative_error"].max(),
    )
    log.info(
        "final loss %.6g; overlap of the learned column space with the top-%d eigenvectors of M*: %.4f",
        trajectory.loss[-1],
        dim,
        overlap,
    )
    return DynamicsRun(
        trajectory=trajectory,
        eigenvalues=eigenvalues,
        u0=u0,
        learning_rate=learning_rate,
        tau1=tau1,
        theory_squared=squared_singular_values(trajectory.steps, eigenvalues, learning_rate, u0),
        modes=modes,
        subspace_overlap=overlap,
        snapshot_steps=snapshot_steps,
        snapshots=snapshots,
    )


def subspace_overlap(w: np.ndarray, eigenvectors: np.ndarray) -> float:
    """||U^T Q||_F^2 / d: 1 when the column space of W is spanned by the d eigenvectors U."""
    q, _ = np.linalg.qr(w)
    d = eigenvectors.shape[1]
    return float(np.sum((eigenvectors.T @ q) ** 2) / d)
