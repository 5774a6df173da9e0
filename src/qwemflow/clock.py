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

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from qwemflow.dynamics import linearized_target, pair_weights
from qwemflow.eigensolver import top_eigenpairs
from qwemflow.theory import mode_agreement
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


def stream_modes(
    p_joint: np.ndarray,
    p_word: np.ndarray,
    n_pairs: int,
    n_words: int,
    window: int,
    settings: Mapping[str, Any],
    trajectory: Mapping[str, np.ndarray],
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The tied word2vec's recorded modes on the theory's clock, against the linearization of its
    own loss and weights (sgns, word2vec's subsampling and `negative` negatives: A+ - A-): when
    s_k^2 crossed lambda_k / 2, against the logistic half-time from the initial energy u0_k along
    eigenvector k, in continuous time (the columns of theory.mode_agreement). n_pairs, n_words:
    the counts' ordered pairs and words. Returns the modes, the recorded words' times, the
    eigenvalues and u0."""
    initial = np.asarray(trajectory["initial"], dtype=np.float64)
    positive, negative = pair_weights(
        p_joint, p_word, "word2vec", psi=settings["negative"], subsample=settings["sample"]
    )
    values, vectors = top_eigenpairs(
        linearized_target(positive, negative, "sgns"), initial.shape[1]
    )
    values, vectors = np.asarray(values, dtype=np.float64), np.asarray(vectors)
    u0 = np.sum((vectors.T @ initial) ** 2, axis=1)
    words = np.asarray(trajectory["words"])
    pairs = pairs_per_word(n_pairs, window, n_words)
    times = stream_time(words, int(words[-1]), settings["alpha"], MIN_ALPHA, pairs)
    modes = mode_agreement(times, np.asarray(trajectory["singular_values"]) ** 2, values, None, u0)
    return modes, times, values, u0


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
