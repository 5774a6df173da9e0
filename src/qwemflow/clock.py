"""One clock for every trainer: the time t of the theory's gradient flow dW/dt = T W near W = 0
(T = dynamics.linearized_target of the model's loss and weights), whatever performs the descent
(docs/science.md, "One clock").

- Full batch and minibatch SGD on the expected loss: a step moves W by eta T W in expectation (a
  minibatch gradient is an unbiased estimate of the full one), so t = eta x steps.
- word2vec's stream (gensim, tied): each word fed, kept by subsampling, is the centre of pairs
  with the contexts its dynamic window reaches; each pair at W = 0 moves the two rows by
  alpha/2 toward each other, and each of its negatives by alpha/2 apart. In expectation a word fed
  moves W by alpha R T W, where R is the number of (centre, context) pairs the window draws per
  word, before subsampling: T's positive part A+ = P(i,j) a_i a_j counts pairs per pair drawn.
  So t = R x (the integral of alpha over the words fed), with R = L + 1 for long articles (each
  offset j <= L reached with probability (L + 1 - j) / L on both sides), exactly
  N_pairs (L + 1) / (2 L N_words) from the counts.

No constant is fitted to any trajectory: R, alpha's schedule and T come from the corpus and the
settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from qwemflow.counts import cooccurrence_counts
from qwemflow.dynamics import linearized_target, pair_weights
from qwemflow.eigensolver import top_eigenpairs
from qwemflow.theory import half_time, mode_agreement, tau_1
from qwemflow.word2vec import MIN_ALPHA


def pairs_per_word(n_pairs: int, window: int, n_words: int) -> float:
    """R: (centre, context) pairs gensim's dynamic window draws per word fed (article edges
    included), from the counts' N_pairs (ordered pairs within L, unweighted) and word count."""
    return n_pairs * (window + 1) / (2 * window * n_words)


def stream_time(
    words: np.ndarray, total_words: int, alpha: float, min_alpha: float, pairs: float
) -> np.ndarray:
    """t after `words` words of a stream whose rate falls linearly from alpha to min_alpha over
    total_words: pairs x the integral of the rate."""
    n = np.asarray(words, dtype=np.float64)
    return pairs * (alpha * n - (alpha - min_alpha) * n**2 / (2 * total_words))


def step_time(steps: np.ndarray, learning_rate: float) -> np.ndarray:
    """t after `steps` steps of full-batch or minibatch descent at this learning rate."""
    return learning_rate * np.asarray(steps, dtype=np.float64)


def subsampled_pair_counts(
    token_chunks: Iterable[tuple[np.ndarray, np.ndarray]],
    keep: np.ndarray,
    vocab_size: int,
    window: int,
    seed: int = 0,
) -> tuple[np.ndarray, int]:
    """The pairs word2vec's stream actually trains: each word kept with probability keep[word]
    (one draw), then the dynamic window over the kept words of each article, so that it reaches
    further in the raw text than L. Returns the weighted counts (as the counts stage's, weight
    L + 1 - j at kept offset j) and the raw words read. chunks: (ids, article offsets)."""
    rng = np.random.default_rng(seed)
    counts, words = np.zeros((vocab_size, vocab_size)), 0
    for ids, offsets in token_chunks:
        kept = rng.random(len(ids)) < keep[ids]
        position = np.concatenate([[0], np.cumsum(kept)])
        counts += cooccurrence_counts(ids[kept], position[offsets], vocab_size, window)
        words += len(ids)
    return counts, words


def stream_weights(
    stream_counts: np.ndarray, words: int, window: int, pairs: float, p_word, negative: int
) -> tuple[np.ndarray, np.ndarray]:
    """A+ and A- of the stream per unit of the clock's time: the subsampled pairs trained per word
    fed (each count of weight L + 1 - j is drawn with probability (L + 1 - j) / L) over R, the
    pairs the window draws per word (pairs_per_word), and `negative` noise words ~ P^0.75 for
    each, symmetrized as dynamics.pair_weights does."""
    positive = stream_counts / (window * words) / pairs
    noise = p_word**0.75 / (p_word**0.75).sum()
    sampled = negative * np.outer(positive.sum(axis=1), noise)
    return positive, (sampled + sampled.T) / 2


def stream_modes(
    p_joint: np.ndarray,
    p_word: np.ndarray,
    n_pairs: int,
    n_words: int,
    window: int,
    settings: Mapping[str, Any],
    trajectory: Mapping[str, np.ndarray],
    stream_counts: tuple[np.ndarray, int] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """The tied word2vec's recorded modes on the theory's clock, against the linearization of its
    own loss and weights (sgns, `negative` negatives: A+ - A-): when s_k^2 crossed lambda_k / 2,
    against the logistic half-time from the initial energy u0_k along eigenvector k, in
    continuous time (the columns of theory.mode_agreement). The weights are the stream's own
    (stream_weights of subsampled_pair_counts's (counts, words)) when given, and word2vec's
    subsampling as a thinning of the raw window's pairs (dynamics.pair_weights) in the column
    half_time_thinned either way. n_pairs, n_words: the counts' ordered pairs and words. Returns
    the modes, the recorded words' times and the clock (word2vec_time's: R, alpha, the run's
    words, the eigenvalues and u0)."""
    initial = np.asarray(trajectory["initial"], dtype=np.float64)
    dim = initial.shape[1]
    words = np.asarray(trajectory["words"])
    pairs = pairs_per_word(n_pairs, window, n_words)
    times = stream_time(words, int(words[-1]), settings["alpha"], MIN_ALPHA, pairs)
    squared = np.asarray(trajectory["singular_values"]) ** 2

    def modes_of(positive, negative):
        values, vectors = top_eigenpairs(linearized_target(positive, negative, "sgns"), dim)
        values, vectors = np.asarray(values, dtype=np.float64), np.asarray(vectors)
        u0 = np.sum((vectors.T @ initial) ** 2, axis=1)
        return mode_agreement(times, squared, values, None, u0), values, u0

    thinned = pair_weights(
        p_joint, p_word, "word2vec", psi=settings["negative"], subsample=settings["sample"]
    )
    thinned_modes, values, u0 = modes_of(*thinned)
    if stream_counts is not None:
        weights = stream_weights(*stream_counts, window, pairs, p_word, settings["negative"])
        modes, values, u0 = modes_of(*weights)
        modes["half_time_thinned"] = thinned_modes["half_time_theory"]
    else:
        modes = thinned_modes.assign(half_time_thinned=thinned_modes["half_time_theory"])
    clock = {
        "pairs": pairs,
        "alpha": settings["alpha"],
        "total_words": int(words[-1]),
        "eigenvalues": values,
        "u0": u0,
    }
    return modes, times, clock


def word2vec_time(trajectory: Mapping[str, Any], words) -> np.ndarray:
    """t / tau_1 after `words` words of a gensim trajectory: on the theory's clock, tau_1 its own
    linearization's, when the trajectory carries its clock (stream_modes's, as the tied model's
    does); else in words over the words at which s_1^2 first reaches half its final value, the
    untied baseline's own unit (it starts large: no rise to time)."""
    words = np.asarray(words, dtype=np.float64)
    if "pairs" in trajectory:
        times = stream_time(
            words,
            int(trajectory["total_words"]),
            float(trajectory["alpha"]),
            MIN_ALPHA,
            float(trajectory["pairs"]),
        )
        return times / word2vec_tau1(trajectory)
    s1 = trajectory["singular_values"][:, 0] ** 2
    return words / float(trajectory["words"][np.argmax(s1 >= s1[-1] / 2)])


def load_on_clock(trajectory_path, clock_path=None) -> dict[str, np.ndarray]:
    """A word2vec trajectory (or a dynamics run) as a dict, with the clock of word2vec_modes laid
    in when one is given, so that word2vec_time puts it on the theory's time."""
    with np.load(trajectory_path) as run:
        trajectory = dict(run)
    if clock_path:
        with np.load(clock_path) as clock:
            trajectory.update(clock)
    return trajectory


def word2vec_tau1(clock: Mapping[str, Any]) -> float:
    """The stream's tau_1 on the theory's clock: ln(lambda_1 / u0_1) / (2 lambda_1)."""
    return tau_1(float(clock["eigenvalues"][0]), None, float(clock["u0"][0]))


def word2vec_rise(clock: Mapping[str, Any], modes: int) -> np.ndarray:
    """The predicted half-times of the first `modes` modes, in units of word2vec_tau1."""
    values = np.asarray(clock["eigenvalues"][:modes])
    return half_time(values, None, np.asarray(clock["u0"][:modes])) / word2vec_tau1(clock)


def rise_times(modes: Mapping[str, pd.DataFrame], learning_rates: Mapping[str, float | None]):
    """Every model's measured and predicted half-times on the theory's clock (long table: model,
    mode, eigenvalue, measured, predicted, and each over its own mode 1's, which compares models
    whose T differ). modes: theory.mode_agreement tables, in steps where learning_rates gives the
    model's eta, else already in time (None)."""
    rows = []
    for model, table in modes.items():
        eta = learning_rates[model]
        scale = 1.0 if eta is None else eta
        measured = table["half_time_measured"].to_numpy() * scale
        predicted = table["half_time_theory"].to_numpy() * scale
        rows.append(
            pd.DataFrame(
                {
                    "model": model,
                    "mode": table["mode"],
                    "eigenvalue": table["eigenvalue"],
                    "measured": measured,
                    "predicted": predicted,
                    "measured_over_mode1": measured / measured[0],
                    "predicted_over_mode1": predicted / predicted[0],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
