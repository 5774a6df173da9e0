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


def test_word2vec_format_is_gensims_both_ways(tmp_path):
    """What gensim writes loads here to the same float32 arrays, and what is written here loads
    in gensim to the same arrays, for any float32 values and non-ASCII words."""
    rng = np.random.default_rng(0)
    words = ["the", "café", "naïve", "x"]
    vectors = (rng.standard_normal((4, 7)) * 10.0 ** rng.integers(-30, 30, (4, 7))).astype(
        np.float32
    )
    keyed = KeyedVectors(vector_size=7, dtype=np.float32)
    keyed.add_vectors(words, vectors)
    keyed.save_word2vec_format(str(tmp_path / "gensim.txt"), binary=False)
    read_words, read_vectors = load_word2vec(tmp_path / "gensim.txt")
    assert read_words == words and read_vectors.dtype == np.float32
    np.testing.assert_array_equal(read_vectors, vectors)
    save_word2vec(words, vectors, tmp_path / "ours.txt")
    loaded = KeyedVectors.load_word2vec_format(str(tmp_path / "ours.txt"))
    assert loaded.index_to_key == words
    np.testing.assert_array_equal(loaded.vectors, vectors)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 two\n", "line 1 is not a word2vec header"),
        ("2 2\nthe 1 2\nof 3\n", "line 3: 1 values, not 2"),
        ("3 2\nthe 1 2\nof 3 4\n", "announces 3 vectors, the file has 2"),
    ],
)
def test_word2vec_file_that_does_not_fit_is_named(tmp_path, text, message):
    (tmp_path / "bad.txt").write_text(text)
    with pytest.raises(ValueError, match=f"bad.txt.*{message}"):
        load_word2vec(tmp_path / "bad.txt")


def test_eigenfeatures_oriented_by_largest_entry():
    vectors = np.array([[0.1, -0.9], [-0.5, 0.1], [0.2, 0.3]])
    features = eigenfeature_words(vectors, ["a", "b", "c"], n_features=2, n_words=1)
    assert (
        features.loc[0, "top_words"] == "b" and features.loc[0, "bottom_words"] == "c"
    )  # -0.5 leads
    assert features.loc[1, "top_words"] == "a"  # flipped: -0.9 is the largest magnitude
