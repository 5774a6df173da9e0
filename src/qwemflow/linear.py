"""Linear representations (paper Figure 4 and appendix): task vectors of analogy families in the
M* eigen-embeddings, their geometry as a rank-one spike in Marchenko-Pastur noise, and how close
the analogy guess lands to the answer.

A family's task vectors are the rows of R = W[b] - W[a] over its paper-protocol pairs (a, b);
R_d keeps the first d eigen-embedding coordinates. If every pair shared one offset mu plus noise,
R = 1 mu^T + N: the offset is a rank-one spike standing out of the noise's spectrum.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from qwemflow.dynamics import subspace_overlap
from qwemflow.evaluate import (
    CATEGORY_NAMES,
    nearest_words,
    protocol_pairs,
    solve_analogies,
    unit_rows,
    word_index,
)

log = logging.getLogger(__name__)

# A family needs two pairs to make one analogy question (a:b :: a':b').
MIN_PAIRS = 2


def family_pairs(words, sections, families) -> dict[str, np.ndarray]:
    """Display name -> (n, 2) paper-protocol pairs (rows of the embedding) for each family with at
    least MIN_PAIRS pairs in the vocabulary; the others are left out with a warning in the log."""
    section_of = {display: section for section, display in CATEGORY_NAMES.items()}
    index = word_index(words)
    kept = {}
    for family in families:
        if family not in section_of:
            raise ValueError(f"unknown analogy family {family!r}; known: {', '.join(section_of)}")
        pairs = protocol_pairs(index, sections.get(section_of[family], []))
        if len(pairs) < MIN_PAIRS:
            log.warning(
                "family %s left out: %d pair(s) in the vocabulary, %d needed",
                family,
                len(pairs),
                MIN_PAIRS,
            )
            continue
        kept[family] = pairs
    return kept


def task_vectors(embeddings: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """R = W[b] - W[a], one row per pair."""
    return embeddings[pairs[:, 1]] - embeddings[pairs[:, 0]]


def log_spaced_dims(low: int, high: int, count: int) -> np.ndarray:
    """About `count` distinct integer dimensions from low to high, evenly spaced in log d."""
    if not 1 <= low <= high:
        raise ValueError(f"dimensions from {low} to {high}: need 1 <= low <= high")
    return np.unique(np.round(np.geomspace(low, high, count)).astype(int))


def marchenko_pastur_edges(variance: float, ratio: float) -> tuple[float, float]:
    """Support [lower, upper] of the Marchenko-Pastur law of X X^T / d (X: n x d, entries of
    `variance`, ratio = n / d)."""
    return variance * (1 - np.sqrt(ratio)) ** 2, variance * (1 + np.sqrt(ratio)) ** 2


def marchenko_pastur_density(x, variance: float, ratio: float) -> np.ndarray:
    """Limiting eigenvalue density of X X^T / d for an n x d matrix X of independent entries with
    mean 0 and `variance`, n / d -> ratio. For ratio > 1 this is the continuous part only (mass
    1 / ratio; the rest sits at 0)."""
    x = np.asarray(x, dtype=np.float64)
    lower, upper = marchenko_pastur_edges(variance, ratio)
    density = np.zeros_like(x)
    inside = (x > lower) & (x < upper)
    density[inside] = np.sqrt((upper - x[inside]) * (x[inside] - lower)) / (
        2 * np.pi * variance * ratio * x[inside]
    )
    return density


@dataclass
class SpikedFit:
    """A rank-one spike in Marchenko-Pastur noise fitted to the spectrum of R R^T / d.

    noise_variance: per-entry variance of the noise; effective_dim: the number of equally strong
    noise coordinates that spreads the bulk as much as the data does (d itself for white noise);
    spike: the eigenvalue n |mu|^2 / d that the shared offset mu alone would give; outlier: the
    largest observed eigenvalue; bulk_ratio: (n - 1) / effective_dim, the ratio of the bulk's law.
    """

    n_vectors: int
    dim: int
    noise_variance: float
    effective_dim: float
    bulk_ratio: float
    spike: float
    outlier: float
    bulk_upper_edge: float


def fit_spiked_marchenko_pastur(task: np.ndarray) -> SpikedFit:
    """Moment estimates of the noise and the spike of R = 1 mu^T + N (n x d, n >= 3).

    Removing the mean row leaves the noise alone, projected on n - 1 dimensions: its n - 1
    nonzero eigenvalues of C = R_c R_c^T / d have mean m1 = sigma^2 (the noise variance), and
    for p = n - 1 rows of noise with per-coordinate variances s_k,
    E Tr C^2 / p = m1^2 (1 + (p + 1) / d_eff) with d_eff = (sum s_k)^2 / sum s_k^2, so
    d_eff = n / (m2 / m1^2 - 1). The mean row's squared norm overshoots |mu|^2 by d sigma^2 / n,
    so the spike is n |mean|^2 / d - sigma^2. With few vectors the d_eff estimate is noisy; it
    is capped at d, which a participation ratio cannot exceed.
    """
    n, dim = task.shape
    if n < 3:
        raise ValueError(f"a spiked Marchenko-Pastur fit needs at least 3 task vectors, got {n}")
    mean = task.mean(axis=0)
    centred = task - mean
    gram = centred @ centred.T / dim
    bulk = n - 1
    noise_variance = float(np.trace(gram) / bulk)
    second_moment = float(np.sum(gram * gram) / bulk)
    ratio = max(second_moment / noise_variance**2 - 1, 1e-12)
    effective_dim = min(n / ratio, dim)
    bulk_ratio = bulk / effective_dim
    return SpikedFit(
        n_vectors=n,
        dim=dim,
        noise_variance=noise_variance,
        effective_dim=effective_dim,
        bulk_ratio=bulk_ratio,
        spike=float(n * mean @ mean / dim - noise_variance),
        outlier=float(np.linalg.eigvalsh(task @ task.T / dim)[-1]),
        bulk_upper_edge=float(marchenko_pastur_edges(noise_variance, bulk_ratio)[1]),
    )


def fit_table(fits: list[SpikedFit]) -> pd.DataFrame:
    return pd.DataFrame([asdict(fit) for fit in fits])


def spike_snr(task: np.ndarray) -> float:
    """SNR = lambda_max(R R^T) / (Tr(R R^T) / rank R): about 1 when no direction stands out."""
    values = np.linalg.eigvalsh(task @ task.T)
    rank = np.linalg.matrix_rank(task)
    return float(values[-1] / (values.sum() / rank)) if rank else float("nan")


def mean_power(task: np.ndarray) -> np.ndarray:
    """Share of the mean task vector's squared norm on each coordinate (eigenfeature)."""
    power = task.mean(axis=0) ** 2
    return power / power.sum()


def aligned_words(vectors: np.ndarray, words, feature: int, sign: float, n_words: int) -> list[str]:
    """Words furthest along eigenfeature `feature` on the side `sign` (where the mean task vector
    points), the words that the family's offset moves towards."""
    order = np.argsort(-np.sign(sign) * vectors[:, feature])
    return [words[i] for i in order[:n_words]]


def analogy_cosines(
    embeddings: np.ndarray, pairs: np.ndarray, batch_size: int = 512
) -> pd.DataFrame:
    """Every paper-protocol question a:b :: a':b' of one family (ordered couples of distinct
    pairs), answered by the paper protocol's solver (evaluate.solve_analogies: unit embeddings,
    largest cosine to b - a + a', question words excluded). Per question: correct;
    answer_cosine, the cosine of the guess vector x = b - a + a' to the answer b';
    competitor_cosine, the largest cosine of b' to any other word but a, b, a' (how close the
    nearest rival sits to the answer)."""
    unit = unit_rows(embeddings)
    first, second = np.nonzero(~np.eye(len(pairs), dtype=bool))
    a, b, a2, b2 = pairs[first, 0], pairs[first, 1], pairs[second, 0], pairs[second, 1]
    guesses = unit_rows(unit[b] - unit[a] + unit[a2])
    _, competitor_cosine = nearest_words(unit, unit[b2], (a, b, a2, b2), batch_size)
    return pd.DataFrame(
        {
            "correct": solve_analogies(unit, a, b, a2, batch_size) == b2,
            "answer_cosine": np.einsum("ij,ij->i", guesses, unit[b2]),
            "competitor_cosine": competitor_cosine,
        }
    )


def top_left_singular_vectors(embedding: np.ndarray, k: int) -> np.ndarray:
    """The k word-space directions an embedding uses most (orthonormal columns)."""
    return np.linalg.svd(embedding, full_matrices=False)[0][:, :k]


def singular_vector_overlap(first: np.ndarray, second: np.ndarray, n_vectors: int) -> np.ndarray:
    """(u_i . u~_j)^2 between the top left singular vectors (word space) of two embedding
    matrices with the same rows; 1 on the diagonal when both learned the same directions."""
    left = [top_left_singular_vectors(matrix, n_vectors) for matrix in (first, second)]
    return (left[0].T @ left[1]) ** 2


def top_singular_overlap(embedding: np.ndarray, eigenvectors: np.ndarray, k: int) -> float:
    """Overlap of an embedding's top-k left singular subspace with the top-k eigenvectors of M*."""
    return subspace_overlap(top_left_singular_vectors(embedding, k), eigenvectors[:, :k])


def rows_in_order(words, vectors: np.ndarray, order) -> np.ndarray:
    """Rows of `vectors` rearranged to the word order `order` (every word must be present)."""
    index = {word: row for row, word in enumerate(words)}
    missing = [word for word in order if word not in index]
    if missing:
        raise ValueError(f"{len(missing)} words have no embedding, e.g. {missing[:5]}")
    return np.asarray(vectors)[[index[word] for word in order]]
