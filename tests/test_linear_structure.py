import numpy as np
import pandas as pd
import pytest

from qwemflow.linear_structure import linear_structure_tables

N_PAIRS, N_WORDS, RANK = 8, 300, 40


def questions(pairs):
    """Every question a:b :: a':b' over distinct pairs, as in questions-words.txt."""
    return [(*first, *second) for first in pairs for second in pairs if first != second]


@pytest.fixture(scope="module")
def planted():
    """Eigenpairs of M = E E^T for a rank-40 embedding E of 300 words in which male-female pairs
    differ by one shared offset (and a little noise), past-tense pairs by independent random
    offsets, and adj-antonym has a single pair; with the sections of their analogy questions."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(N_WORDS)]
    embedding = rng.standard_normal((N_WORDS, RANK))
    shared = 4 * rng.standard_normal(RANK)
    male_female = [(2 * i, 2 * i + 1) for i in range(N_PAIRS)]
    past_tense = [(100 + 2 * i, 100 + 2 * i + 1) for i in range(N_PAIRS)]
    for a, b in male_female:
        embedding[b] = embedding[a] + shared + 0.5 * rng.standard_normal(RANK)
    for a, b in past_tense:
        embedding[b] = embedding[a] + 4 * rng.standard_normal(RANK)
    values, vectors = np.linalg.eigh(embedding @ embedding.T)
    sections = {
        "family": questions([(words[a], words[b]) for a, b in male_female]),
        "gram7-past-tense": questions([(words[a], words[b]) for a, b in past_tense]),
        "gram2-opposite": [("w200", "w201", "w200", "w201")],
    }
    return values[::-1].copy(), vectors[:, ::-1].copy(), words, sections


SETTINGS = dict(
    families=["male-female", "verb-past-tense", "adj-antonym"],
    spectrum_family="male-female",
    spectrum_dims=[16, 32, 64],
    max_dim=RANK,
    min_dim=4,
    n_dims=6,
    power_features=20,
    labelled_features=3,
    n_words=4,
)


def test_a_shared_offset_gives_a_spike_and_solves_its_analogies(planted):
    tables = linear_structure_tables(*planted, **SETTINGS)
    curves = tables["snr"].merge(tables["top1"], on=["family", "d", "n_questions", "accuracy"])
    # the family with one pair has no questions and is left out
    assert set(curves["family"]) == {"male-female", "verb-past-tense"}
    assert curves["d"].min() == SETTINGS["min_dim"] and curves["d"].max() == RANK
    assert (curves["n_questions"] == N_PAIRS * (N_PAIRS - 1)).all()
    full = curves[curves["d"] == RANK].set_index("family")
    # in all 40 dimensions the eigen-embedding is E up to a rotation: b - a + a' lands on b'
    assert full.loc["male-female", "accuracy"] == 1.0
    assert (
        full.loc["male-female", "answer_cosine"] > 2 * full.loc["verb-past-tense", "answer_cosine"]
    )
    assert full.loc["verb-past-tense", "accuracy"] < 0.5
    assert full.loc["male-female", "snr"] > 3 * full.loc["verb-past-tense", "snr"]

    # panel (a): one eigenvalue per pair for each d up to the embedding's width, an outlier above
    # the noise; panel (b): shares of the mean task vector's power, the strongest labelled
    eigenvalues, fits, power = tables["eigenvalues"], tables["fit"], tables["power"]
    assert eigenvalues.groupby("d").size().to_dict() == {16: N_PAIRS, 32: N_PAIRS}
    assert fits["dim"].tolist() == [16, 32] and (fits["family"] == "male-female").all()
    assert (fits["outlier"] > fits["noise_variance"]).all()
    assert len(power) == 20 and power["power"].sum() == pytest.approx(1.0)
    labelled = power[power["words"] != ""]
    assert len(labelled) == 3 and labelled["power"].min() >= power["power"].nlargest(3).min()


def test_eigenpairs_beyond_max_dim_change_nothing(planted):
    """The shared spectrum of M* may hold all V eigenpairs; Figure 4 reads only max_dim of them."""
    values, vectors, words, sections = planted
    settings = {**SETTINGS, "max_dim": 24}
    everything = linear_structure_tables(values, vectors, words, sections, **settings)
    cut = linear_structure_tables(values[:24], vectors[:, :24], words, sections, **settings)
    assert everything.keys() == cut.keys()
    for name, table in everything.items():
        pd.testing.assert_frame_equal(table, cut[name], check_exact=False, rtol=1e-12)
    assert everything["snr"]["d"].max() == 24
