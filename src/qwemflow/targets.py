"""Target matrices built from the corpus statistics (docs/science.md, "Target matrices").

All are V x V and symmetric. Zero co-occurrence counts are handled as docs/science.md defines them:
M* is -2 there (its lower bound), PMI is log(1e-25) (about -57.6), PPMI is 0. Nothing is NaN
or infinite because every vocabulary word has P(i) > 0.
"""

from __future__ import annotations

import numpy as np

PMI_FLOOR = 1e-25


def _outer(p_word: np.ndarray) -> np.ndarray:
    p_word = np.asarray(p_word, dtype=np.float64)
    if np.any(p_word <= 0):
        raise ValueError("every vocabulary word needs P(i) > 0")
    return np.outer(p_word, p_word)


def m_star(p_joint: np.ndarray, p_word: np.ndarray) -> np.ndarray:
    """M*(i,j) = (P(i,j) - P(i)P(j)) / ((P(i,j) + P(i)P(j)) / 2), bounded in [-2, 2]."""
    independent = _outer(p_word)
    return 2 * (p_joint - independent) / (p_joint + independent)


def pmi(p_joint: np.ndarray, p_word: np.ndarray) -> np.ndarray:
    """PMI(i,j) = log(P(i,j) / (P(i)P(j)) + 1e-25)."""
    return np.log(p_joint / _outer(p_word) + PMI_FLOOR)


def ppmi(p_joint: np.ndarray, p_word: np.ndarray) -> np.ndarray:
    """max(PMI, 0)."""
    return np.maximum(pmi(p_joint, p_word), 0.0)


def ppmi_smoothed(p_joint: np.ndarray, word_counts: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """PPMI with context-distribution smoothing (Levy, Goldberg & Dagan 2015): the context side's
    unigram is count^alpha renormalized. That makes the matrix asymmetric; its symmetric part is
    returned so that it has real eigenvectors like the others."""
    counts = np.asarray(word_counts, dtype=np.float64)
    p_word = counts / counts.sum()
    p_context = counts**alpha / (counts**alpha).sum()
    smoothed = np.maximum(np.log(p_joint / np.outer(p_word, p_context) + PMI_FLOOR), 0.0)
    return (smoothed + smoothed.T) / 2


def g_matrix(p_joint: np.ndarray, p_word: np.ndarray) -> np.ndarray:
    """G(i,j) = P(i,j) / (P(i)P(j)) + 1 (the appendix's spectrum comparison)."""
    return p_joint / _outer(p_word) + 1.0


TARGETS = {
    "mstar": lambda stats: m_star(stats["p_joint"], stats["p_word"]),
    "pmi": lambda stats: pmi(stats["p_joint"], stats["p_word"]),
    "ppmi": lambda stats: ppmi(stats["p_joint"], stats["p_word"]),
    "ppmi-cds": lambda stats: ppmi_smoothed(stats["p_joint"], stats["word_counts"]),
    "g": lambda stats: g_matrix(stats["p_joint"], stats["p_word"]),
}
