import numpy as np
import pytest
from gensim.models import KeyedVectors

from qwemflow.eigensolver import top_eigenpairs
from qwemflow.spectral import eigen_embeddings, eigenfeature_words, load_word2vec, save_word2vec


def symmetric(size, seed):
    a = np.random.default_rng(seed).standard_normal((size, size))
    return (a + a.T) / 2


def test_embeddings_reconstruct_the_positive_part():
    m = symmetric(80, 1)
    values, vectors = top_eigenpairs(m, 80)
    w = eigen_embeddings(values, vectors, 80)
    ref_values, ref_vectors = np.linalg.eigh(m)
    positive = (ref_vectors * np.clip(ref_values, 0, None)) @ ref_vectors.T
    np.testing.assert_allclose(w @ w.T, positive, atol=1e-10)
    with pytest.raises(ValueError, match="dim=81"):
        eigen_embeddings(values, vectors, 81)


def test_word2vec_format_round_trip(tmp_path):
    words = ["the", "of", "and"]
    vectors = np.arange(6, dtype=float).reshape(3, 2)
    save_word2vec(words, vectors, tmp_path / "e.txt")
    keyed = KeyedVectors.load_word2vec_format(str(tmp_path / "e.txt"))
    assert keyed.index_to_key == words
    np.testing.assert_allclose(keyed["of"], [2, 3])
    assert load_word2vec(tmp_path / "e.txt")[0] == words


def test_eigenfeatures_oriented_by_largest_entry():
    vectors = np.array([[0.1, -0.9], [-0.5, 0.1], [0.2, 0.3]])
    features = eigenfeature_words(vectors, ["a", "b", "c"], n_features=2, n_words=1)
    assert (
        features.loc[0, "top_words"] == "b" and features.loc[0, "bottom_words"] == "c"
    )  # -0.5 leads
    assert features.loc[1, "top_words"] == "a"  # flipped: -0.9 is the largest magnitude
