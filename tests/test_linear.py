import itertools
import logging
import re

import numpy as np
import pandas as pd
import pytest
from conftest import drawn_png
from scipy.integrate import quad

from qwemflow.evaluate import paper_protocol_analogies, read_analogy_sections
from qwemflow.linear import (
    analogy_cosines,
    family_pairs,
    fit_spiked_marchenko_pastur,
    log_spaced_dims,
    marchenko_pastur_density,
    marchenko_pastur_edges,
    mean_power,
    rows_in_order,
    singular_vector_overlap,
    spike_snr,
    task_vectors,
    top_singular_overlap,
)
from qwemflow.linear_plots import fig4_figure
from qwemflow.plots import save_figure
from qwemflow.sources import gensim_test_data


@pytest.mark.parametrize("variance, ratio", [(1.0, 0.05), (0.3, 0.5), (2.0, 1.0)])
def test_marchenko_pastur_density_integrates_to_one_over_its_support(variance, ratio):
    lower, upper = marchenko_pastur_edges(variance, ratio)
    mass, _ = quad(
        lambda x: marchenko_pastur_density([x], variance, ratio)[0], lower, upper, limit=200
    )
    assert mass == pytest.approx(1.0, abs=1e-6)
    assert marchenko_pastur_density([lower / 2, upper * 2], variance, ratio).tolist() == [0.0, 0.0]


def test_marchenko_pastur_density_matches_white_noise_eigenvalues():
    n, dim, variance = 400, 2000, 0.7
    noise = np.sqrt(variance) * np.random.default_rng(0).standard_normal((n, dim))
    eigenvalues = np.linalg.eigvalsh(noise @ noise.T / dim)
    counts, edges = np.histogram(eigenvalues, bins=10)
    centres = (edges[:-1] + edges[1:]) / 2
    expected = n * np.diff(edges) * marchenko_pastur_density(centres, variance, n / dim)
    assert np.abs(counts - expected).max() < 0.2 * counts.max()


def spiked(n, dim, variance, spike, seed):
    """R = 1 mu^T + noise, with |mu|^2 chosen so that n |mu|^2 / dim = spike."""
    rng = np.random.default_rng(seed)
    offset = rng.standard_normal(dim)
    offset *= np.sqrt(spike * dim / n) / np.linalg.norm(offset)
    return offset + np.sqrt(variance) * rng.standard_normal((n, dim))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_recovers_noise_variance_and_spike_within_10_percent(seed):
    fit = fit_spiked_marchenko_pastur(spiked(n=30, dim=1000, variance=0.5, spike=3.0, seed=seed))
    assert fit.noise_variance == pytest.approx(0.5, rel=0.1)
    assert fit.spike == pytest.approx(3.0, rel=0.1)
    assert fit.effective_dim == pytest.approx(1000, rel=0.15)
    assert fit.outlier > fit.bulk_upper_edge


def test_effective_dimension_counts_strong_coordinates():
    """Noise on 100 strong and 900 negligible coordinates looks like 100-dimensional noise."""
    rng = np.random.default_rng(3)
    scale = np.r_[np.ones(100), np.full(900, 1e-3)]
    fit = fit_spiked_marchenko_pastur(scale * rng.standard_normal((60, 1000)))
    assert fit.effective_dim == pytest.approx(100, rel=0.15)


def test_snr_of_pure_noise_is_about_one_and_of_a_spike_large():
    rng = np.random.default_rng(4)
    assert spike_snr(rng.standard_normal((10, 20000))) == pytest.approx(1.0, abs=0.1)
    assert spike_snr(spiked(n=10, dim=20000, variance=1.0, spike=5.0, seed=5)) > 4


def test_fit_needs_three_vectors():
    with pytest.raises(ValueError, match="at least 3"):
        fit_spiked_marchenko_pastur(np.ones((2, 10)))


def test_family_without_pairs_left_out_with_a_log_message(caplog):
    sections = read_analogy_sections(gensim_test_data("questions-words.txt"))
    words = ["he", "she", "man", "woman", "king", "queen", "good", "bad"]
    with caplog.at_level(logging.WARNING, logger="qwemflow.linear"):
        pairs = family_pairs(words, sections, ["male-female", "verb-past-tense", "adj-antonym"])
    assert list(pairs) == ["male-female"]
    assert {tuple(words[i] for i in pair) for pair in pairs["male-female"]} >= {
        ("he", "she"),
        ("man", "woman"),
        ("king", "queen"),
    }
    assert "verb-past-tense left out: 0 pair(s)" in caplog.text
    assert "adj-antonym left out" in caplog.text
    with pytest.raises(ValueError, match="unknown analogy family"):
        family_pairs(words, sections, ["gram7-past-tense"])


def offset_family(n_pairs, dim, noise, seed):
    """Words a_i and b_i = a_i + shared offset (+ noise), plus unrelated filler words."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((n_pairs, dim))
    offset = 3 * rng.standard_normal(dim) / np.sqrt(dim)
    vectors = np.vstack(
        [
            base,
            base + offset + noise * rng.standard_normal((n_pairs, dim)),
            rng.standard_normal((50, dim)),
        ]
    )
    pairs = np.column_stack([np.arange(n_pairs), n_pairs + np.arange(n_pairs)])
    return vectors, pairs


def test_analogy_cosines_agree_with_the_paper_protocol():
    vectors, pairs = offset_family(n_pairs=8, dim=30, noise=1.5, seed=6)
    words = [f"w{i}" for i in range(len(vectors))]
    sections = {
        "family": [
            (words[a], words[b], words[c], words[d])
            for (a, b), (c, d) in zip(pairs, np.roll(pairs, 1, axis=0), strict=True)
        ]
    }
    reference = paper_protocol_analogies(words, vectors, sections).set_index("category")
    cosines = analogy_cosines(vectors, pairs, batch_size=7)
    assert len(cosines) == reference.loc["male-female", "n_questions"] == 8 * 7
    assert cosines["correct"].sum() == reference.loc["male-female", "n_correct"]
    assert 0 < reference.loc["male-female", "accuracy"] < 1
    # right answers beat every rival for the guess; the rivals' own cosine to b' is below 1
    assert (cosines["competitor_cosine"] < 1).all() and (
        cosines["answer_cosine"] <= 1 + 1e-12
    ).all()


def test_exact_offsets_put_the_guess_on_the_answer_direction():
    vectors, pairs = offset_family(n_pairs=5, dim=20, noise=0.0, seed=7)
    task = task_vectors(vectors, pairs)
    np.testing.assert_allclose(task, np.broadcast_to(task[0], task.shape))
    assert spike_snr(task) == pytest.approx(1.0)  # rank one: the spike is all there is
    power = mean_power(task)
    assert power.sum() == pytest.approx(1.0) and power.argmax() == np.argmax(task[0] ** 2)


def test_log_spaced_dims_cover_the_range():
    dims = log_spaced_dims(4, 2000, 21)
    assert dims[0] == 4 and dims[-1] == 2000 and np.all(np.diff(dims) > 0) and len(dims) == 21
    assert log_spaced_dims(4, 6, 21).tolist() == [4, 5, 6]


def test_overlap_of_rotated_embeddings_is_the_identity():
    rng = np.random.default_rng(8)
    left, _ = np.linalg.qr(rng.standard_normal((200, 10)))
    embedding = left * np.linspace(10, 1, 10)
    rotation, _ = np.linalg.qr(rng.standard_normal((10, 10)))
    overlap = singular_vector_overlap(embedding, embedding @ rotation, 6)
    np.testing.assert_allclose(overlap, np.eye(6), atol=1e-8)


def test_top_singular_overlap_is_one_on_the_eigenvectors_and_zero_off_them():
    rng = np.random.default_rng(9)
    eigenvectors, _ = np.linalg.qr(rng.standard_normal((200, 20)))
    embedding = eigenvectors[:, :10] * np.linspace(10, 1, 10) @ rng.standard_normal((10, 10))
    assert top_singular_overlap(embedding, eigenvectors, 10) == pytest.approx(1.0)
    assert top_singular_overlap(embedding, eigenvectors[:, 10:], 10) < 1e-12


def test_rows_in_order_aligns_by_word():
    vectors = np.arange(6).reshape(3, 2)
    np.testing.assert_array_equal(
        rows_in_order(["a", "b", "c"], vectors, ["c", "a"]), [[4, 5], [0, 1]]
    )
    with pytest.raises(ValueError, match="no embedding"):
        rows_in_order(["a"], vectors[:1], ["z"])


SAMPLE = "results/enwiki-sample"


def top1_by_hand(mstar, vocab_path, d: int) -> tuple[float, float]:
    """The top-1 analysis of country-nationality in the first d coordinates of M*'s
    eigen-embedding W = U diag(sqrt(max(lambda, 0))), written out here: over every ordered couple
    of distinct in-vocabulary pairs (a, b), (a', b') of gensim's nationality section, the mean
    cosine of the guess b - a + a' (unit rows) to b', and the mean of that cosine over b''s
    largest cosine to a word other than a, b, a', b'."""
    words = [line.split("\t")[0] for line in vocab_path.read_text().splitlines()]
    index = {word: row for row, word in enumerate(words)}
    order = np.argsort(mstar["values"])[::-1][:d]
    embedding = mstar["vectors"][:, order] * np.sqrt(np.clip(mstar["values"][order], 0, None))
    unit = embedding / np.linalg.norm(embedding, axis=1, keepdims=True)
    pairs = []
    text = gensim_test_data("questions-words.txt").read_text().lower()
    section = text.split(": gram6-nationality-adjective\n")[1].split("\n:")[0]
    for line in section.splitlines():
        first, second, third, fourth = line.split()
        for pair in ((first, second), (third, fourth)):
            if all(word in index for word in pair) and pair not in pairs:
                pairs.append(pair)
    answer, normalized = [], []
    for (a, b), (a2, b2) in itertools.permutations(pairs, 2):
        guess = unit[index[b]] - unit[index[a]] + unit[index[a2]]
        cosine = guess @ unit[index[b2]] / np.linalg.norm(guess)
        others = unit @ unit[index[b2]]
        others[[index[a], index[b], index[a2], index[b2]]] = -np.inf
        answer.append(cosine)
        normalized.append(cosine / others.max())
    return float(np.mean(answer)), float(np.mean(normalized))


@pytest.mark.workflow
def test_default_run_linear_figures(default_run):
    figures = default_run / f"{SAMPLE}/figures"
    for name in (
        "V2000_L16/fig4",
        "V2000_L16/top1",
        "V2000_L16/target_spectra",
        "V2000_L16_d50/overlap",
    ):
        drawn_png(figures / f"{name}.png", dpi=150)  # config.yaml's figures.style.dpi
        assert (figures / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    # one eigendecomposition of M* for every reader: all V eigenpairs, since the qwem run trains
    # in its eigenbasis
    mstar = np.load(default_run / f"{SAMPLE}/spectra/V2000_L16/mstar.npz")
    assert mstar["values"].shape == (2000,) and mstar["vectors"].shape == (2000, 2000)

    curves = pd.read_csv(figures / "V2000_L16/fig4c_snr.csv")
    assert list(dict.fromkeys(curves["family"])) == [
        "country-nationality",
        "male-female",
        "verb-past-tense",
        "adj-adverb",
    ]
    assert (
        "adj-antonym left out: 1 pair(s)"
        in (default_run / "logs/enwiki-sample/figures/V2000_L16/fig4_data.log").read_text()
    )
    assert curves["d"].min() == 4 and curves["d"].max() == 2000
    assert (curves["snr"] >= 1 - 1e-9).all() and curves["accuracy"].between(0, 1).all()
    nationality = curves[curves["family"] == "country-nationality"]
    assert (nationality["n_questions"] == 13 * 12).all() and nationality["accuracy"].max() > 0.3

    fits = pd.read_csv(figures / "V2000_L16/fig4a_fit.csv")
    assert fits["dim"].tolist() == [128, 256, 512, 1024]
    assert (fits["noise_variance"] > 0).all() and (fits["outlier"] >= fits["noise_variance"]).all()
    eigenvalues = pd.read_csv(figures / "V2000_L16/fig4a_eigenvalues.csv")
    assert eigenvalues.groupby("d").size().tolist() == [
        5,
        5,
        5,
        5,
    ]  # verb-past-tense: 5 pairs at V = 2000
    power = pd.read_csv(figures / "V2000_L16/fig4b_power.csv", keep_default_na=False)
    assert len(power) == 100 and power["power"].sum() == pytest.approx(1.0)
    assert (power["words"] != "").sum() == 4

    top1 = pd.read_csv(figures / "V2000_L16/top1.csv").set_index(["family", "d"])
    for d in (4, 2000):
        expected = top1_by_hand(mstar, default_run / f"{SAMPLE}/vocab/V2000.tsv", d)
        # float64 both ways, summed in another order: agreement to rounding
        np.testing.assert_allclose(
            top1.loc[("country-nationality", d), ["answer_cosine", "normalized_cosine"]].to_numpy(
                dtype=float
            ),
            expected,
            rtol=1e-9,
        )

    spectra = pd.read_csv(figures / "V2000_L16/target_spectra.csv")
    assert spectra.groupby("target").size().to_dict() == {
        "g": 400,
        "mstar": 400,
        "pmi": 400,
        "ppmi": 400,
    }
    assert (spectra[spectra["rank"] == 1]["normalized"] == 1).all()

    overlaps = pd.read_csv(figures / "V2000_L16_d50/overlap.csv")
    assert len(overlaps) == 2 * 50 * 50 and overlaps["overlap"].between(0, 1 + 1e-6).all()
    # each singular vector's squared overlaps with an orthonormal set sum to at most 1
    assert overlaps.groupby(["first", "second", "i"])["overlap"].sum().max() <= 1 + 1e-4


def test_fig4_draws_when_no_family_has_enough_pairs(tmp_path):
    empty = pd.DataFrame
    figure = fig4_figure(
        empty(columns=["family", "d", "eigenvalue"]),
        empty(columns=["family", "dim"]),
        empty(columns=["family", "eigenfeature", "power", "words"]),
        empty(columns=["family", "d", "n_pairs", "n_questions", "snr", "accuracy"]),
        "verb-past-tense",
        "nothing to show",
    )
    save_figure(figure, tmp_path / "f.pdf", tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000


def test_fig4_panel_letters_are_distinct_and_in_reading_order():
    rng = np.random.default_rng(0)
    dims = [8, 16, 32, 64]
    eigenvalues = pd.DataFrame(
        [
            {"family": "verb-past-tense", "d": d, "eigenvalue": v}
            for d in dims
            for v in rng.uniform(0.1, 2, 5)
        ]
    )
    fits = pd.DataFrame(
        {
            "family": "verb-past-tense",
            "dim": dims,
            "n_vectors": 5,
            "noise_variance": 0.5,
            "bulk_ratio": 0.3,
            "effective_dim": 12.0,
            "outlier": 2.0,
        }
    )
    power = pd.DataFrame(
        {
            "family": "verb-past-tense",
            "eigenfeature": np.arange(1, 11),
            "power": rng.dirichlet(np.ones(10)),
            "words": ["went gone"] + [""] * 9,
        }
    )
    curves = pd.DataFrame(
        {
            "family": "verb-past-tense",
            "d": [4, 16, 64],
            "n_pairs": 5,
            "n_questions": 20,
            "snr": [1.5, 3.0, 6.0],
            "accuracy": [0.1, 0.3, 0.6],
        }
    )
    figure = fig4_figure(eigenvalues, fits, power, curves, "verb-past-tense", "synthetic")
    titled = [ax for ax in figure.axes if ax.get_title()]
    # reading order: top to bottom (rounded, so panels in one row tie), then left to right
    titled.sort(key=lambda ax: (-round(ax.get_position().y1, 2), ax.get_position().x0))
    letters = [re.match(r"\((\w)\)", ax.get_title()).group(1) for ax in titled]
    assert letters == ["a", "b", "c", "d"]
