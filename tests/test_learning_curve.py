"""The learning curve the closed form predicts: the theory's embedding at time t, its analogy
answers against QWEM's trained W, and the curves, figure and summary line of the default DAG."""

import numpy as np
import pandas as pd
import pytest
from conftest import drawn_png

from qwemflow.evaluate import protocol_pairs, read_analogy_sections, solve_analogies, unit_rows
from qwemflow.learning_curve import largest_gap, modes_learned
from qwemflow.sources import gensim_test_data
from qwemflow.spectral import eigen_embeddings
from qwemflow.theory import embedding_at, squared_singular_values
from qwemflow.vocab import read_word_counts

SETTING = "V2000_L16_d50"


def test_theory_embedding_tends_to_the_mstar_eigen_embedding():
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(40, 40)))
    values = np.sort(rng.uniform(1, 5, size=40))[::-1]
    dim = 6
    squared = squared_singular_values([0, 10**6], values[:dim], 0.05, 1e-24)
    late = embedding_at(basis[:, :dim], squared[-1])
    np.testing.assert_allclose(late, eigen_embeddings(values, basis, dim), rtol=1e-12)
    # at t = 0 it is the init's share of each mode: the top mode barely ahead of the rest
    assert np.abs(embedding_at(basis[:, :dim], squared[0])).max() < 1e-11


def test_modes_learned_and_largest_gap():
    assert modes_learned([5.0, 2.0, 0.4], [6.0, 3.0, 1.0]) == 2
    curves = pd.DataFrame(
        {
            "curve": ["theory", "theory", "qwem", "qwem", "word2vec"],
            "t_over_tau1": [1.0, 2.0, 1.0, 2.0, 3.0],
            "accuracy": [0.1, 0.3, 0.12, 0.25, 0.9],
        }
    )
    assert largest_gap(curves, "theory", "qwem") == pytest.approx((0.05, 2.0))


def _answers(words, embedding, sections):
    """Each paper-protocol question's answer and the right answer, all categories in order."""
    index = {word: i for i, word in enumerate(words)}
    unit = unit_rows(embedding)
    answers, truth = [], []
    for questions in sections.values():
        pairs = protocol_pairs(index, questions)
        first, second = np.nonzero(~np.eye(len(pairs), dtype=bool))
        answers.append(
            solve_analogies(unit, pairs[first, 0], pairs[first, 1], pairs[second, 0], 1024)
        )
        truth.append(pairs[second, 1])
    return np.concatenate(answers), np.concatenate(truth)


@pytest.mark.workflow
def test_theory_embedding_answers_as_the_trained_qwem_does(default_run):
    """At each time QWEM kept its W, the closed form's embedding (from M*'s eigenvectors and the
    theory's s_k(t) alone) gets nearly the same analogies right."""
    base = default_run / "results/enwiki-sample"
    words = list(read_word_counts(base / "vocab/V2000.tsv"))
    sections = read_analogy_sections(gensim_test_data("questions-words.txt"))
    with np.load(base / f"dynamics/{SETTING}/qwem.npz") as run:
        run = dict(run)
    with np.load(base / "spectra/V2000_L16/mstar.npz") as spectrum:
        vectors = spectrum["vectors"][:, :50]
    assert len(run["snapshots"]) == 25
    squared = squared_singular_values(
        run["snapshot_steps"], run["eigenvalues"], float(run["learning_rate"]), run["u0"]
    )
    for trained, predicted in zip(run["snapshots"], squared, strict=True):
        ours, truth = _answers(words, trained.astype(np.float64), sections)
        theirs, _ = _answers(words, embedding_at(vectors, predicted), sections)
        right, right_too = ours == truth, theirs == truth
        assert abs(right.mean() - right_too.mean()) < 0.025
        # where enough are right to compare, mostly the same questions
        if (right | right_too).sum() >= 20:
            assert (right & right_too).sum() >= 0.75 * (right | right_too).sum()


@pytest.mark.workflow
def test_learning_curve_in_the_dag(default_run):
    base = default_run / "results/enwiki-sample"
    curves = pd.read_csv(base / f"figures/{SETTING}/learning_curve.csv")
    counts = curves.groupby("curve").size()
    assert counts["qwem"] == 25 and counts["word2vec"] == 25 and counts["theory"] >= 25
    assert curves["n_questions"].nunique() == 1
    final = curves.sort_values("t_over_tau1").groupby("curve").last()
    table = pd.read_csv(base / f"eval/{SETTING}/table.csv").set_index("model")["Google analogies"]
    # the curves end at the table's numbers: the trained models' final embeddings and M*'s
    assert final.loc["qwem", "accuracy"] == pytest.approx(table["QWEM"], abs=0.005)
    assert final.loc["word2vec", "accuracy"] == pytest.approx(table["word2vec (paper: tied SGNS)"])
    assert final.loc["theory", "accuracy"] == pytest.approx(table["M* (closed form)"])
    assert final["modes_learned"].eq(50).all()
    assert largest_gap(curves, "theory", "qwem")[0] < 0.05
    drawn_png(base / f"figures/{SETTING}/learning_curve.png", dpi=150)  # figures.style.dpi
    assert (base / f"figures/{SETTING}/learning_curve.pdf").read_bytes().startswith(b"%PDF")
    summary = (base / f"summary/{SETTING}/summary.md").read_text()
    assert "the largest gap from the theory is QWEM" in summary
