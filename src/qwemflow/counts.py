"""Windowed co-occurrence counts as PAPER.md defines them, and the probabilities built from them.

For every position i and offset j = 1..L inside one article, the pair (w_i, w_{i+j}) gets weight
L + 1 - j, added to both (w, v) and (v, w). N_pairs counts the same ordered pairs without weights.

Why the kernel is shaped as it is: the straightforward loop increments four cells of two dense
V x V matrices per pair at random places, so it waits on memory. Here
- only (w_i, w_{i+j}) is counted ("forward" counts F); the symmetric counts are F + F^T;
- N_pairs follows from the article lengths alone, so no unweighted matrix is needed;
- positions are grouped by their centre word, so each thread fills one row at a time while it
  stays in cache, and rows are split between threads (no two threads write the same row);
- each thread reads the window a few occurrences ahead, so memory latency overlaps with work.
Counts are float64: exact integers up to 2^53, far beyond all of Wikipedia.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

# How far ahead (in occurrences) the kernel reads the next window, so that its cache miss
# overlaps with the current row updates.
_LOOKAHEAD = 8


def count_pairs(article_lengths: np.ndarray, window: int) -> int:
    """N_pairs: ordered pairs (both directions) within `window` inside articles, unweighted."""
    lengths = np.asarray(article_lengths, dtype=np.int64)
    offsets = np.arange(1, window + 1, dtype=np.int64)
    return int(2 * np.maximum(lengths[:, None] - offsets[None, :], 0).sum())


@njit(parallel=True, cache=True)
def _pad_articles(ids, offsets, window, sentinel):
    """Articles concatenated with `window` sentinels after each, so windows never cross articles."""
    n_articles = len(offsets) - 1
    padded = np.empty(offsets[-1] + window * (n_articles + 1), ids.dtype)
    padded[offsets[-1] + window * n_articles :] = sentinel
    for a in prange(n_articles):
        base = offsets[a] + window * a
        for i in range(offsets[a], offsets[a + 1]):
            padded[base + i - offsets[a]] = ids[i]
        padded[base + offsets[a + 1] - offsets[a] : base + offsets[a + 1] - offsets[a] + window] = sentinel
    return padded


@njit(parallel=True, cache=True)
def _group_by_word(padded, vocab_size, n_threads, sentinel):
    """Positions of `padded` sorted by the word there: a parallel, stable counting sort."""
    n = len(padded)
    histograms = np.zeros((n_threads, vocab_size), np.int64)
    for t in prange(n_threads):
        for p in range(t * n // n_threads, (t + 1) * n // n_threads):
            if padded[p] != sentinel:
                histograms[t, padded[p]] += 1
    starts = np.zeros(vocab_size + 1, np.int64)
    starts[1:] = np.cumsum(histograms.sum(axis=0))
    fills = np.empty((n_threads, vocab_size), np.int64)
    for w in range(vocab_size):
        position = starts[w]
        for t in range(n_threads):
            fills[t, w] = position
            position += histograms[t, w]
    order = np.empty(starts[-1], np.int64)
    for t in prange(n_threads):
        fill = fills[t]
        for p in range(t * n // n_threads, (t + 1) * n // n_threads):
            w = padded[p]
            if w != sentinel:
                order[fill[w]] = p
                fill[w] += 1
    return order, starts


@njit(parallel=True, cache=True)
def _add_forward_counts(padded, order, starts, window, n_threads, sentinel, forward):
    """forward[w, v] += L + 1 - j for each v found j places after an occurrence of w."""
    vocab_size = len(starts) - 1
    n = len(order)
    lookahead_sums = np.zeros(n_threads, np.int64)
    for t in prange(n_threads):
        lookahead_sum = 0
        for w in range(t, vocab_size, n_threads):
            row = forward[w]
            for q in range(starts[w], starts[w + 1]):
                if q + _LOOKAHEAD < n:
                    lookahead_sum += padded[order[q + _LOOKAHEAD] + 1]
                p = order[q]
                for j in range(1, window + 1):
                    v = padded[p + j]
                    if v == sentinel:
                        break
                    row[v] += window + 1 - j
        lookahead_sums[t] = lookahead_sum
    return lookahead_sums.sum()


@njit(parallel=True, cache=True)
def _symmetrize_in_place(matrix, block=64):
    """matrix <- matrix + matrix^T, tile by tile so both reads stay in cache."""
    size = matrix.shape[0]
    n_blocks = (size + block - 1) // block
    for bi in prange(n_blocks):
        for bj in range(bi, n_blocks):
            for i in range(bi * block, min(size, (bi + 1) * block)):
                j_start = i if bi == bj else bj * block
                for j in range(j_start, min(size, (bj + 1) * block)):
                    total = matrix[i, j] + matrix[j, i]
                    matrix[i, j] = total
                    matrix[j, i] = total


def cooccurrence_counts(
    ids: np.ndarray, offsets: np.ndarray, vocab_size: int, window: int, threads: int = 1
) -> np.ndarray:
    """Weighted symmetric co-occurrence counts (V x V float64, exact integers) of one token array.

    ids: word ids in [0, vocab_size) (unsigned); offsets: article boundaries (article a is
    ids[offsets[a]:offsets[a+1]]). Memory: the output plus O(len(ids)).
    """
    ids = np.asarray(ids)
    offsets = np.asarray(offsets, dtype=np.int64)
    if len(offsets) == 0 or offsets[0] != 0 or offsets[-1] != len(ids) or np.any(np.diff(offsets) < 0):
        raise ValueError("offsets must rise from 0 to len(ids)")
    if ids.dtype.kind != "u":
        raise ValueError(f"word ids must be unsigned integers, got {ids.dtype}")
    sentinel = np.iinfo(ids.dtype).max
    if vocab_size > sentinel:
        raise ValueError(f"vocab_size {vocab_size} needs word ids wider than {ids.dtype}")
    if len(ids) and int(ids.max()) >= vocab_size:
        raise ValueError(f"word ids must lie in [0, {vocab_size})")
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    n_threads = max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(n_threads)
    sentinel = ids.dtype.type(sentinel)
    padded = _pad_articles(ids, offsets, window, sentinel)
    order, starts = _group_by_word(padded, vocab_size, n_threads, sentinel)
    counts = np.zeros((vocab_size, vocab_size), dtype=np.float64)
    _add_forward_counts(padded, order, starts, window, n_threads, sentinel, counts)
    _symmetrize_in_place(counts)
    return counts


def joint_probabilities(counts: np.ndarray, n_pairs: int, window: int) -> np.ndarray:
    """P(i, j) = C_weighted(i, j) / (N_pairs (L + 1) / 2)."""
    return counts / (n_pairs * (window + 1) / 2)


def unigram_probabilities(word_counts: np.ndarray) -> np.ndarray:
    """P(i) = count(i) / sum of vocabulary counts."""
    word_counts = np.asarray(word_counts, dtype=np.float64)
    return word_counts / word_counts.sum()
