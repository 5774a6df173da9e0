import numpy as np
import pytest

from qwemflow.counts import (
    cooccurrence_counts,
    count_pairs,
    joint_probabilities,
    unigram_probabilities,
)
from qwemflow.targets import TARGETS, g_matrix, m_star, pmi, ppmi, ppmi_smoothed

# the counting kernels these tests call, compiled once at session start (conftest.count_kernels)
pytestmark = pytest.mark.usefixtures("count_kernels")


@pytest.fixture(scope="module")
def stats():
    """Statistics of a small Zipfian corpus with many zero co-occurrences."""
    rng = np.random.default_rng(3)
    vocab_size, window = 60, 2
    p = 1 / np.arange(1, vocab_size + 1)
    ids = rng.choice(vocab_size, size=3000, p=p / p.sum()).astype(np.uint16)
    offsets = np.array([0, 1000, 3000])
    counts = cooccurrence_counts(ids, offsets, vocab_size, window)
    word_counts = np.bincount(ids, minlength=vocab_size)
    assert (counts == 0).any()
    return {
        "p_joint": joint_probabilities(counts, count_pairs(np.diff(offsets), window), window),
        "p_word": unigram_probabilities(word_counts),
        "word_counts": word_counts,
    }


def test_m_star_symmetric_bounded_and_minus_two_at_zero_counts(stats):
    m = m_star(stats["p_joint"], stats["p_word"])
    np.testing.assert_allclose(m, m.T, rtol=0, atol=1e-15)
    assert m.min() >= -2 and m.max() <= 2
    np.testing.assert_array_equal(m[stats["p_joint"] == 0], -2.0)


def test_m_star_formula_entrywise(stats):
    p, q = stats["p_joint"], stats["p_word"]
    i, j = 1, 7
    expected = (p[i, j] - q[i] * q[j]) / ((p[i, j] + q[i] * q[j]) / 2)
    assert m_star(p, q)[i, j] == pytest.approx(expected)


def test_pmi_family_finite_and_as_defined(stats):
    p, q = stats["p_joint"], stats["p_word"]
    for name, build in TARGETS.items():
        matrix = build(stats)
        assert np.isfinite(matrix).all(), name
        np.testing.assert_allclose(matrix, matrix.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pmi(p, q)[p == 0], np.log(1e-25))
    assert (ppmi(p, q) >= 0).all()
    np.testing.assert_array_equal(ppmi(p, q), np.maximum(pmi(p, q), 0))
    np.testing.assert_allclose(g_matrix(p, q), p / np.outer(q, q) + 1)


def test_smoothing_with_alpha_one_is_plain_ppmi(stats):
    np.testing.assert_allclose(
        ppmi_smoothed(stats["p_joint"], stats["word_counts"], alpha=1.0),
        ppmi(stats["p_joint"], stats["p_word"]),
        atol=1e-12,
    )
    smoothed = ppmi_smoothed(stats["p_joint"], stats["word_counts"])
    assert not np.allclose(smoothed, ppmi(stats["p_joint"], stats["p_word"]))
