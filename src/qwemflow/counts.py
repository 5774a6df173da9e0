"""Windowed co-occurrence counts and the probabilities built from them (docs/science.md,
"Co-occurrence statistics").

For every position i and offset j = 1..L inside one article, the pair (w_i, w_{i+j}) gets weight
L + 1 - j, added to both (w, v) and (v, w). N_pairs counts the same ordered pairs without weights
and follows from the article lengths alone.

Why the kernel is shaped as it is (bench/cooccurrence.py: 20M Zipf tokens, V=10000, L=16):
- only forward pairs (w_i, w_{i+j}) are counted (F); the symmetric counts are F + F^T;
- positions are grouped by centre word (stable counting sort), so one word's row is accumulated
  at a time in a small per-thread uint32 row that stays in cache, then written once,
  sequentially, into the output (no random writes into the V x V matrix, no zeroing);
- the window `_LOOKAHEAD` occurrences ahead is prefetched, its first and last token (a window
  straddles two cache lines half the time): the random reads of windows were half the cost;
- the window is a compile-time constant (one kernel per window), so the j loop unrolls fully;
- threads take words (most frequent first) and matrix tiles from a shared atomic counter, so the
  work balances itself even when another process slows one core down;
- large scratch arrays are allocated by numpy, outside numba, so they get transparent hugepages.
Counts are float64: exact integers up to 2^53.
"""

from __future__ import annotations

import functools

import numba
import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from .files import load_npz

# How far ahead (in occurrences) the window is prefetched; 16-32 measured best, 8 and 4 worse.
_LOOKAHEAD = 16
# Words of rank >= this are taken 16 at a time (they are cheap; fewer atomic operations).
_BATCH_FROM = 512
# Corpus slices per thread for the counting sort (taken dynamically).
_PIECES_PER_THREAD = 16


def _item_pointer(context, builder, aryty, ary_value, index):
    ary = context.make_array(aryty)(context, builder, ary_value)
    return cgutils.get_item_pointer2(
        context,
        builder,
        ary.data,
        cgutils.unpack_tuple(builder, ary.shape),
        cgutils.unpack_tuple(builder, ary.strides),
        aryty.layout,
        [index],
    )


@intrinsic
def _prefetch(typingctx, arr, index):
    """Software prefetch of arr[index] into all cache levels (llvm.prefetch: read, locality 3)."""

    def codegen(context, builder, signature, args):
        pointer = _item_pointer(context, builder, signature.args[0], args[0], args[1])
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0"
        )
        builder.call(function, [builder.bitcast(pointer, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(arr, index), codegen


@intrinsic
def _fetch_add(typingctx, arr, index, value):
    """Atomically arr[index] += value; returns the old value (a work counter shared by threads)."""

    def codegen(context, builder, signature, args):
        pointer = _item_pointer(context, builder, signature.args[0], args[0], args[1])
        increment = context.cast(builder, args[2], signature.args[2], signature.args[0].dtype)
        return builder.atomic_rmw("add", pointer, increment, "seq_cst")

    return arr.dtype(arr, index, value), codegen


def count_pairs(article_lengths: np.ndarray, window: int) -> int:
    """N_pairs: ordered pairs (both directions) within `window` inside articles, unweighted."""
    lengths = np.asarray(article_lengths, dtype=np.int64)
    offsets = np.arange(1, window + 1, dtype=np.int64)
    return int(2 * np.maximum(lengths[:, None] - offsets[None, :], 0).sum())


@njit(parallel=True, cache=True)
def _pad_articles(ids, offsets, window, sentinel, padded):
    """Articles concatenated with `window` sentinels after each, so windows never cross articles."""
    n_articles = len(offsets) - 1
    padded[offsets[-1] + window * n_articles :] = sentinel
    for a in prange(n_articles):
        base = offsets[a] + window * a
        for i in range(offsets[a], offsets[a + 1]):
            padded[base + i - offsets[a]] = ids[i]
        padded[base + offsets[a + 1] - offsets[a] : base + offsets[a + 1] - offsets[a] + window] = (
            sentinel
        )


@njit(parallel=True, cache=True)
def _group_by_word(padded, vocab_size, n_threads, n_pieces, order):
    """Fill `order` with the positions of `padded` grouped by word, words by decreasing frequency.

    A stable counting sort over `n_pieces` slices of the corpus, which threads take dynamically.
    Returns starts (order[starts[k]:starts[k+1]] are the positions of the word of rank k) and
    words (rank -> word id). The sentinel equals vocab_size and is left out."""
    n = len(padded)
    histograms = np.zeros((n_pieces, vocab_size + 1), np.int64)
    counter = np.zeros(1, np.int64)
    for _ in prange(n_threads):
        while True:
            c = _fetch_add(counter, 0, 1)
            if c >= n_pieces:
                break
            histogram = histograms[c]
            for p in range(c * n // n_pieces, (c + 1) * n // n_pieces):
                histogram[padded[p]] += 1
    totals = histograms[:, :vocab_size].sum(axis=0)
    words = np.argsort(-totals, kind="mergesort")
    starts = np.zeros(vocab_size + 1, np.int64)
    starts[1:] = np.cumsum(totals[words])
    fills = np.empty((n_pieces, vocab_size + 1), np.int64)
    for k in range(vocab_size):
        w = words[k]
        position = starts[k]
        for c in range(n_pieces):
            fills[c, w] = position
            position += histograms[c, w]
    counter[0] = 0
    for _ in prange(n_threads):
        while True:
            c = _fetch_add(counter, 0, 1)
            if c >= n_pieces:
                break
            fill = fills[c]
            for p in range(c * n // n_pieces, (c + 1) * n // n_pieces):
                w = padded[p]
                if w != vocab_size:
                    order[fill[w]] = p
                    fill[w] += 1
    return starts, words


@functools.cache
def _forward_rows_kernel(window: int):
    """The row kernel compiled for one window, which it holds as a constant so that the j loop
    unrolls fully. A constant of the closure rather than a numba.literally argument: a literal
    argument sends every call through numba's compiler, whose ForceLiteralArg traceback keeps the
    call's frames, and with them the V x V output, in a reference cycle until gc.collect()."""

    @njit(parallel=True, cache=True)
    def forward_rows(padded, order, starts, words, n_threads, flush_every, out):
        """out[w, :] = F[w, :], F[w, v] = sum of L + 1 - j over v found j places after an
        occurrence of w.

        Each thread accumulates one row in a uint32 scratch row (index vocab_size absorbs the
        sentinel, so the j loop needs no branch), then converts it into the output row in one
        sequential pass. uint32 stays exact: one occurrence adds at most L(L+1)/2 to a cell, and
        a row is flushed at least every `flush_every` = (2^32 - 1) // (L(L+1)/2) occurrences
        (31.6M for L=16)."""
        vocab_size = len(starts) - 1
        n = len(order)
        counter = np.zeros(1, np.int64)
        for _ in prange(n_threads):
            acc = np.zeros(vocab_size + 1, np.uint32)
            while True:
                step = 1 if counter[0] < _BATCH_FROM else 16
                k0 = _fetch_add(counter, 0, step)
                if k0 >= vocab_size:
                    break
                for k in range(k0, min(vocab_size, k0 + step)):
                    row = out[words[k]]
                    first = True
                    q0 = starts[k]
                    end = starts[k + 1]
                    while True:
                        q1 = min(end, q0 + flush_every)
                        for q in range(q0, q1):
                            if q + _LOOKAHEAD < n:
                                # the first and last token of the window ahead: it may
                                # span two cache lines
                                ahead = order[q + _LOOKAHEAD]
                                _prefetch(padded, ahead + 1)
                                _prefetch(padded, ahead + window)
                            # unsigned: no negative-index checks
                            p = np.uint64(order[q]) + np.uint64(1)
                            for j in range(window):
                                acc[padded[p + np.uint64(j)]] += window - j
                        if first:
                            for v in range(vocab_size):
                                row[v] = acc[v]
                                acc[v] = 0
                        else:
                            for v in range(vocab_size):
                                row[v] += acc[v]
                                acc[v] = 0
                        acc[vocab_size] = 0
                        first = False
                        q0 = q1
                        if q0 >= end:
                            break

    return forward_rows


@njit(parallel=True, cache=True)
def _symmetrize_in_place(matrix, n_threads, block):
    """matrix <- matrix + matrix^T, tile by tile so both reads stay in cache; rows of tiles are
    taken dynamically, largest first."""
    size = matrix.shape[0]
    n_blocks = (size + block - 1) // block
    counter = np.zeros(1, np.int64)
    for _ in prange(n_threads):
        while True:
            bi = _fetch_add(counter, 0, 1)
            if bi >= n_blocks:
                break
            for bj in range(bi, n_blocks):
                for i in range(bi * block, min(size, (bi + 1) * block)):
                    j_start = i if bi == bj else bj * block
                    for j in range(j_start, min(size, (bj + 1) * block)):
                        total = matrix[i, j] + matrix[j, i]
                        matrix[i, j] = total
                        matrix[j, i] = total


def cooccurrence_counts(
    ids: np.ndarray,
    offsets: np.ndarray,
    vocab_size: int,
    window: int,
    threads: int = 1,
    flush_every: int | None = None,
) -> np.ndarray:
    """Weighted symmetric co-occurrence counts (V x V float64, exact integers) of one token array.

    ids: word ids in [0, vocab_size) (unsigned); offsets: article boundaries (article a is
    ids[offsets[a]:offsets[a+1]]). Memory: the output plus O(len(ids)) plus one V-row per thread.
    flush_every: occurrences accumulated in the uint32 scratch row before it is added to the
    output; the default is the most that stays exact (tests lower it to exercise the flushes).
    """
    ids = np.asarray(ids)
    offsets = np.asarray(offsets, dtype=np.int64)
    if (
        len(offsets) == 0
        or offsets[0] != 0
        or offsets[-1] != len(ids)
        or np.any(np.diff(offsets) < 0)
    ):
        raise ValueError("offsets must rise from 0 to len(ids)")
    if ids.dtype.kind != "u":
        raise ValueError(f"word ids must be unsigned integers, got {ids.dtype}")
    if vocab_size > np.iinfo(ids.dtype).max:
        raise ValueError(f"vocab_size {vocab_size} needs word ids wider than {ids.dtype}")
    if len(ids) and int(ids.max()) >= vocab_size:
        raise ValueError(f"word ids must lie in [0, {vocab_size})")
    window = int(window)
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    n_threads = max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(n_threads)
    sentinel = ids.dtype.type(vocab_size)  # one past the last word: a spare cell of the scratch row
    padded = np.empty(len(ids) + window * len(offsets), ids.dtype)  # numpy allocation: hugepages
    _pad_articles(ids, offsets, window, sentinel, padded)
    order = np.empty(
        len(ids), np.int32 if len(padded) < 2**31 else np.int64
    )  # int32 halves its traffic
    starts, words = _group_by_word(
        padded, vocab_size, n_threads, _PIECES_PER_THREAD * n_threads, order
    )
    if flush_every is None:
        flush_every = (2**32 - 1) // (window * (window + 1) // 2)
    counts = np.empty((vocab_size, vocab_size), dtype=np.float64)  # every row is written in full
    _forward_rows_kernel(window)(padded, order, starts, words, n_threads, flush_every, counts)
    _symmetrize_in_place(counts, n_threads, 64)
    return counts


def merge_count_shards(paths) -> tuple[np.ndarray, np.ndarray, int]:
    """Sum the per-part (counts, word_counts, n_pairs) of count shards (.npz), reading one shard
    at a time: memory is one V x V accumulator plus one shard, whatever the number of parts.
    Exact: the counts are integers held in float64, exact up to 2^53. A shard that cannot be read
    is an error naming it (qwemflow.files.load_npz)."""
    counts = word_counts = None
    n_pairs = 0
    for path in paths:
        with load_npz(path, "count_part") as shard:
            shard_counts = shard["counts"]
            if counts is None:
                counts, word_counts = shard_counts, shard["word_counts"]
            elif shard_counts.shape != counts.shape:
                raise ValueError(
                    f"{path}: counts of shape {shard_counts.shape}, the shards before it have {counts.shape}"
                )
            else:
                counts += shard_counts
                word_counts += shard["word_counts"]
            n_pairs += int(shard["n_pairs"])
        del shard_counts  # freed before the next shard is read
    if counts is None:
        raise ValueError("no count shards to merge")
    return counts, word_counts, n_pairs


def joint_probabilities(counts: np.ndarray, n_pairs: int, window: int) -> np.ndarray:
    """P(i, j) = C_weighted(i, j) / (N_pairs (L + 1) / 2)."""
    return counts / (n_pairs * (window + 1) / 2)


def unigram_probabilities(word_counts: np.ndarray) -> np.ndarray:
    """P(i) = count(i) / sum of vocabulary counts."""
    word_counts = np.asarray(word_counts, dtype=np.float64)
    return word_counts / word_counts.sum()
