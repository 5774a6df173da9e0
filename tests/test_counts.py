import gc
import weakref

import numpy as np
import pytest

from qwemflow.counts import (
    cooccurrence_counts,
    count_pairs,
    joint_probabilities,
    merge_count_shards,
    unigram_probabilities,
)

# the counting kernels these tests call, compiled once at session start (conftest.count_kernels)
pytestmark = pytest.mark.usefixtures("count_kernels")


def naive_counts(ids, offsets, vocab_size, window):
    """docs/science.md's definition, pair by pair: both (w, v) and (v, w) get L + 1 - j."""
    weighted = np.zeros((vocab_size, vocab_size))
    n_pairs = 0
    for a in range(len(offsets) - 1):
        article = ids[offsets[a] : offsets[a + 1]]
        for i in range(len(article)):
            for j in range(1, window + 1):
                if i + j < len(article):
                    w, v = article[i], article[i + j]
                    weighted[w, v] += window + 1 - j
                    weighted[v, w] += window + 1 - j
                    n_pairs += 2
    return weighted, n_pairs


def random_corpus(seed, vocab_size, n_articles, max_length, dtype=np.uint16):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, max_length, size=n_articles)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    zipf = 1 / np.arange(1, vocab_size + 1)
    ids = rng.choice(vocab_size, size=offsets[-1], p=zipf / zipf.sum()).astype(dtype)
    return ids, offsets


@pytest.mark.parametrize("window", [1, 2, 5, 16])
@pytest.mark.parametrize("threads", [1, 2])
def test_counts_equal_naive_reference(window, threads):
    ids, offsets = random_corpus(window * 10 + threads, vocab_size=37, n_articles=25, max_length=60)
    expected, n_pairs = naive_counts(ids, offsets, 37, window)
    counts = cooccurrence_counts(ids, offsets, 37, window, threads=threads)
    assert counts.dtype == np.float64
    np.testing.assert_array_equal(counts, expected)
    assert count_pairs(np.diff(offsets), window) == n_pairs


def test_windows_do_not_cross_articles():
    ids = np.array([0, 1, 2, 3], dtype=np.uint16)
    counts = cooccurrence_counts(ids, np.array([0, 2, 2, 4]), 4, window=5)
    assert counts[1, 2] == counts[0, 2] == 0
    assert counts[0, 1] == counts[1, 0] == counts[2, 3] == 5
    assert count_pairs(np.array([2, 0, 2]), 5) == 4


def test_uint32_ids_and_repeated_words():
    ids = np.array([3, 3, 3], dtype=np.uint32)
    counts = cooccurrence_counts(ids, np.array([0, 3]), 4, window=2)
    # pairs (0,1) and (1,2) at offset 1 (weight 2) and (0,2) at offset 2 (weight 1), both directions
    assert counts[3, 3] == 2 * (2 + 2 + 1)
    assert counts.sum() == counts[3, 3]


def test_probabilities_are_normalized():
    ids, offsets = random_corpus(7, vocab_size=20, n_articles=3, max_length=5000)
    window = 5
    counts = cooccurrence_counts(ids, offsets, 20, window)
    p_joint = joint_probabilities(counts, count_pairs(np.diff(offsets), window), window)
    assert np.allclose(p_joint, p_joint.T)
    assert p_joint.sum() == pytest.approx(1.0, rel=1e-3)  # edges of articles lose a little weight
    p_word = unigram_probabilities(np.bincount(ids, minlength=20))
    assert p_word.sum() == pytest.approx(1.0)


def test_bad_inputs_are_refused():
    ids = np.array([0, 5], dtype=np.uint16)
    with pytest.raises(ValueError, match="lie in"):
        cooccurrence_counts(ids, np.array([0, 2]), 5, 2)
    with pytest.raises(ValueError, match="offsets"):
        cooccurrence_counts(ids, np.array([0, 1]), 6, 2)
    with pytest.raises(ValueError, match="unsigned"):
        cooccurrence_counts(ids.astype(np.int32), np.array([0, 2]), 6, 2)


@pytest.mark.parametrize("flush_every", [1, 7])
def test_partial_flushes_of_the_scratch_row_stay_exact(flush_every):
    """Rows of words with more occurrences than fit a uint32 row are added in several flushes."""
    ids, offsets = random_corpus(11, vocab_size=23, n_articles=12, max_length=80)
    expected, _ = naive_counts(ids, offsets, 23, 5)
    np.testing.assert_array_equal(
        cooccurrence_counts(ids, offsets, 23, 5, threads=2, flush_every=flush_every), expected
    )


def test_truncated_shard_is_named_with_the_rule_that_rebuilds_it(tmp_path):
    shards = []
    for part in range(2):
        shards.append(tmp_path / f"00{part}.npz")
        np.savez(shards[-1], counts=np.ones((3, 3)), word_counts=np.ones(3), n_pairs=6)
    counts, word_counts, n_pairs = merge_count_shards(shards)
    assert counts.sum() == 18 and n_pairs == 12
    shards[1].write_bytes(shards[1].read_bytes()[:-30])
    with pytest.raises(ValueError, match=r"001.npz: cannot be read as .npz .*-R count_part"):
        merge_count_shards(shards)


def test_counts_are_freed_when_dropped_without_the_cycle_collector():
    """No reference cycle holds the V x V output: it goes with its last reference, so repeated
    calls in one process do not pile up matrices until the next gc.collect()."""
    ids, offsets = random_corpus(5, vocab_size=40, n_articles=4, max_length=200)
    cooccurrence_counts(ids, offsets, 40, 16, threads=2)  # compiled (or loaded) outside the check
    gc.disable()
    try:
        counts = cooccurrence_counts(ids, offsets, 40, 16, threads=2)
        result = weakref.ref(counts)
        del counts
        assert result() is None
    finally:
        gc.enable()
