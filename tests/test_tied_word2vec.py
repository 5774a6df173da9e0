"""The paper's word2vec: gensim's skip-gram with its output matrix tied to its input matrix, its
snapshots and their expected loss, and its place in the default DAG's table and figures."""

import gc

import numpy as np
import pandas as pd
import pytest

from qwemflow.dynamics import expected_losses, pair_weights
from qwemflow.spectral import load_word2vec
from qwemflow.word2vec import TokenStream, snapshot_words, train_sgns

SETTING = "V2000_L16_d50"


def train_from_small_init(small_corpus, tied=True, on_stop=None):
    sentences, word_counts, vocab = small_corpus
    index = {word: i for i, word in enumerate(vocab)}
    return train_sgns(
        TokenStream.from_sentences([[index[w] for w in s] for s in sentences]),
        [word_counts[w] for w in vocab],
        dim=20,
        window=5,
        negative=1,
        sample=1e-3,
        epochs=3,
        init_scale=1e-12,
        tied=tied,
        on_stop=on_stop,
    )


def test_tied_model_trains_one_matrix_as_words_and_contexts(small_corpus):
    """Tied, the output matrix is the word vectors throughout: the vectors grow from init
    1e-12. Untied from the same init, gensim's output matrix is another array."""
    vectors = train_from_small_init(small_corpus)
    assert np.abs(vectors).max() > 0.1
    untied = train_from_small_init(small_corpus, tied=False)
    assert np.abs(untied).max() > 1e-3  # grown by 9 orders of magnitude, slower untied
    assert not np.allclose(vectors, untied, atol=1e-3)


def test_an_output_matrix_replaced_during_training_is_an_error(small_corpus):
    """A reallocation of gensim's output matrix (as a change inside gensim would make), injected
    into the model's attributes at the first stop, stops the run: it would no longer be tied."""

    def replace_output_matrix(vectors, words):
        for attributes in gc.get_referrers(vectors):
            if isinstance(attributes, dict) and attributes.get("syn1neg") is vectors:
                attributes["syn1neg"] = vectors.copy()

    with pytest.raises(RuntimeError, match="not trained tied"):
        train_from_small_init(small_corpus, on_stop=replace_output_matrix)


def test_snapshots_are_log_spaced_before_the_end():
    words = snapshot_words(12_000_000, 25)
    assert len(words) == 24 and words == sorted(words) and words[-1] < 12_000_000
    assert words[0] == 12_000 and words[8] == 120_000 and words[16] == 1_200_000
    assert snapshot_words(100, 1) == []


def test_expected_losses_are_the_definition():
    rng = np.random.default_rng(0)
    p_joint = rng.random((30, 30))
    p_joint = (p_joint + p_joint.T) / (2 * (p_joint + p_joint.T).sum() / 2)
    p_word = p_joint.sum(axis=1)
    positive, negative = pair_weights(p_joint, p_word, "word2vec", psi=1, subsample=1e-2)
    snapshots = rng.normal(0, 0.5, size=(3, 30, 4)).astype(np.float32)
    expected = [
        np.sum(positive * np.logaddexp(0, -(w @ w.T)) + negative * np.logaddexp(0, w @ w.T))
        for w in snapshots.astype(np.float64)
    ]
    np.testing.assert_allclose(
        expected_losses(snapshots, positive, negative, "sgns"), expected, rtol=1e-12
    )


@pytest.mark.workflow
def test_tied_word2vec_is_the_papers_row_and_figures_word2vec(default_run):
    base = default_run / "results/enwiki-sample"
    with np.load(base / f"dynamics/{SETTING}/word2vec-tied.npz") as run:
        run = dict(run)
    assert run["tied"]
    words, vectors = load_word2vec(base / f"embeddings/{SETTING}/sgns-tied.txt")
    np.testing.assert_allclose(vectors, run["snapshots"][-1], rtol=1e-6)
    # from init 1e-12 the top direction grows by orders of magnitude
    assert run["singular_values"][0, 0] < 1e-9 and run["singular_values"][-1, 0] > 1
    # the table's row for the paper's word2vec is this model's score
    scores = pd.read_csv(base / f"eval/{SETTING}/models/sgns-tied.csv").set_index(
        ["benchmark", "category"]
    )["score"]
    table = pd.read_csv(base / f"eval/{SETTING}/table.csv").set_index("model")
    assert table.loc["word2vec (paper: tied SGNS)", "Google analogies"] == pytest.approx(
        scores[("analogy-paper", "full")]
    )
    assert table.loc["word2vec (paper: tied SGNS)", "paper: Google analogies"] == 0.68
    # Figure 2's small-init word2vec panel is its recorded s_k^2
    fig2 = pd.read_csv(base / f"figures/{SETTING}/fig2.csv", dtype={"init": str})
    small = fig2[(fig2["row"] == "word2vec") & (fig2["init"] == "1e-12")]
    top = small[small["mode"] == 1]["s2"].to_numpy()
    np.testing.assert_allclose(top, run["singular_values"][:, 0] ** 2, rtol=1e-6)
    # Figure 1's word2vec row: its expected loss at every snapshot, falling as it learns
    loss = pd.read_csv(base / f"dynamics/{SETTING}/word2vec-tied-loss.csv")
    np.testing.assert_array_equal(loss["words"], run["snapshot_words"])
    assert loss["loss"].iloc[-1] < 0.95 * loss["loss"].iloc[0]
    curves = pd.read_csv(base / f"figures/{SETTING}/fig1_curves.csv")
    drawn = curves[(curves["row"] == "word2vec") & (curves["kind"] == "loss")]
    np.testing.assert_allclose(drawn["value"], loss["loss"])
    points = pd.read_csv(base / f"figures/{SETTING}/fig1_points.csv", keep_default_na=False)
    assert list(dict.fromkeys(points[points["row"] == "word2vec"]["snapshot"])) == [
        "word2vec 1%",
        "word2vec 10%",
        "word2vec end",
    ]
