"""Analogy and similarity benchmarks: hand-made embeddings with known answers, and gensim as the
reference for the classic analogy protocol."""

from __future__ import annotations

import math
from pathlib import Path

import gensim
import numpy as np
import pytest
from gensim.models import KeyedVectors

from qwemflow.evaluate import (
    CATEGORY_NAMES,
    classic_protocol_analogies,
    paper_protocol_analogies,
    read_analogy_sections,
    read_similarity_pairs,
    similarity_spearman,
)

TEST_DATA = Path(gensim.__file__).parent / "test" / "test_data"
QUESTIONS = TEST_DATA / "questions-words.txt"


def offset_embeddings(p: int) -> tuple[list[str], np.ndarray]:
    """Words a0..a{p-1} = one-hot e_k and b_k = e_k + o (o a shared offset direction), so that
    b - a + a2 equals b2 exactly and every paper-protocol question has the right answer."""
    words = [f"a{k}" for k in range(p)] + [f"b{k}" for k in range(p)] + ["x0", "y0"]
    vectors = np.zeros((len(words), p + 4))
    vectors[:p, :p] = np.eye(p)
    vectors[p : 2 * p, :p] = np.eye(p)
    vectors[p : 2 * p, p] = 1.0
    vectors[2 * p :, p + 2 : p + 4] = np.eye(2)
    return words, vectors


def write_questions(path: Path, p: int) -> Path:
    """Four sections: capital-common-countries holds pairs (a_k, b_k), k < p, plus one pair with an
    out-of-vocabulary word; family has one in-vocabulary pair; gram2-opposite has none."""
    lines = [": capital-common-countries"]
    lines += [f"A{k} b{k} a{(k + 1) % p} B{(k + 1) % p}" for k in range(p)]
    lines += ["zz b0 a0 b0", ": family", "x0 y0 zz ww", ": gram2-opposite", "qq rr ss tt"]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_read_analogy_sections_lowercases_and_keeps_sections(tmp_path):
    sections = read_analogy_sections(write_questions(tmp_path / "q.txt", 3))
    assert list(sections) == ["capital-common-countries", "family", "gram2-opposite"]
    assert sections["capital-common-countries"][0] == ("a0", "b0", "a1", "b1")
    assert len(sections["capital-common-countries"]) == 4


def test_paper_protocol_exact_offsets_all_correct(tmp_path):
    p = 4
    words, vectors = offset_embeddings(p)
    sections = read_analogy_sections(write_questions(tmp_path / "q.txt", p))
    table = paper_protocol_analogies(words, vectors, sections, batch_size=5).set_index("category")
    assert list(table.index) == ["country-capital", "male-female", "adj-antonym", "full"]
    row = table.loc["country-capital"]
    assert (row.n_pairs, row.n_questions, row.n_correct, row.accuracy) == (
        p,
        p * (p - 1),
        p * (p - 1),
        1.0,
    )
    for empty, n_pairs in (("male-female", 1), ("adj-antonym", 0)):
        assert (table.loc[empty, "n_pairs"], table.loc[empty, "n_questions"]) == (n_pairs, 0)
        assert math.isnan(table.loc[empty, "accuracy"])
    full = table.loc["full"]
    assert (full.n_pairs, full.n_questions, full.n_correct, full.accuracy) == (
        p + 1,
        p * (p - 1),
        p * (p - 1),
        1.0,
    )


def test_paper_protocol_perturbed_pair_fails_as_its_target(tmp_path):
    """b3 = e3 + o + 5f: asked as the answer (a_i:b_i :: a3:?) it loses to any other b_m (unit
    vectors; dot with the query (1 + 1/sqrt 2)/sqrt 27 = 0.33 against 1/2), so p - 1 questions
    fail; as the source pair (a3:b3 :: a_j:?) it still gives b_j."""
    p = 4
    words, vectors = offset_embeddings(p)
    vectors[words.index("b3"), p + 1] = 5.0
    sections = read_analogy_sections(write_questions(tmp_path / "q.txt", p))
    table = paper_protocol_analogies(words, vectors, sections).set_index("category")
    row = table.loc["country-capital"]
    assert (row.n_questions, row.n_correct) == (p * (p - 1), p * (p - 1) - (p - 1))
    assert row.accuracy == pytest.approx(1 - 1 / p)
    assert table.loc["full", "n_correct"] == p * (p - 1) - (p - 1)


def test_paper_protocol_never_answers_a_question_word():
    """b - a is tiny, so a2 itself is the nearest word to b - a + a2; only b2 may be answered."""
    words = ["a0", "b0", "a1", "b1"]
    eps = 0.05
    vectors = np.array([[1, 0, 0, 0], [1, 0, eps, 0], [0, 1, 0, 0], [0, 1, 0, eps]], dtype=float)
    sections = {"family": [("a0", "b0", "a1", "b1")]}
    table = paper_protocol_analogies(words, vectors, sections).set_index("category")
    assert (table.loc["male-female", "n_questions"], table.loc["male-female", "n_correct"]) == (
        2,
        2,
    )


def test_classic_protocol_matches_gensim():
    """Random vectors for 80% of the question words (a few in title case) among filler words:
    per-section and total correct/incorrect counts must equal gensim's exactly."""
    rng = np.random.default_rng(7)
    question_words = sorted(
        {
            word
            for questions in read_analogy_sections(QUESTIONS).values()
            for q in questions
            for word in q
        }
    )
    kept = [word for word in question_words if rng.random() < 0.8]
    kept = [word.title() if rng.random() < 0.05 else word for word in kept]
    words = kept + [f"filler{k}" for k in range(3000 - len(kept))]
    words = [words[k] for k in rng.permutation(len(words))]
    vectors = rng.standard_normal((len(words), 32)).astype(np.float32)

    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(words, vectors)
    total_score, gensim_sections = kv.evaluate_word_analogies(str(QUESTIONS))

    table = classic_protocol_analogies(words, vectors, QUESTIONS).set_index("category")
    listed = {
        section: len(questions) for section, questions in read_analogy_sections(QUESTIONS).items()
    }
    for section in gensim_sections:
        name = (
            "full" if section["section"] == "Total accuracy" else CATEGORY_NAMES[section["section"]]
        )
        n_correct, n_incorrect = len(section["correct"]), len(section["incorrect"])
        assert (table.loc[name, "n_correct"], table.loc[name, "n_questions"]) == (
            n_correct,
            n_correct + n_incorrect,
        ), name
        if name != "full":
            assert table.loc[name, "coverage"] == pytest.approx(
                (n_correct + n_incorrect) / listed[section["section"]]
            )
    assert table.loc["full", "accuracy"] == pytest.approx(total_score)
    assert 0 < table.loc["full", "coverage"] < 1
    assert table.loc["full", "n_correct"] > 0


def test_read_similarity_pairs_bundled_files():
    wordsim = read_similarity_pairs(TEST_DATA / "wordsim353.tsv")
    simlex = read_similarity_pairs(TEST_DATA / "simlex999.txt")
    assert len(wordsim) == 353 and wordsim[0] == ("love", "sex", 6.77)
    assert len(simlex) == 999 and simlex[0] == ("old", "new", 1.58)


def test_read_similarity_pairs_men_and_original_simlex(tmp_path):
    men = tmp_path / "MEN_dataset_lemma_form_full"
    men.write_text(
        "sun-n sunlight-n 50.000000\nautomobile-n car-n 50.000000\nBright-j eat-v 2.000000\n"
    )
    assert read_similarity_pairs(men) == [
        ("sun", "sunlight", 50.0),
        ("automobile", "car", 50.0),
        ("bright", "eat", 2.0),
    ]
    simlex = tmp_path / "SimLex-999.txt"
    simlex.write_text(
        "word1\tword2\tPOS\tSimLex999\tconc(w1)\nold\tnew\tA\t1.58\t2.72\nsmart\tintelligent\tA\t9.2\t1.75\n"
    )
    assert read_similarity_pairs(simlex) == [("old", "new", 1.58), ("smart", "intelligent", 9.2)]


def test_similarity_spearman_monotone_cosine_and_coverage():
    """Word k sits at angle 10k degrees from the anchor; scores fall with the angle, so rho = 1."""
    angles = np.radians(10 * np.arange(6))
    words = ["anchor"] + [f"w{k}" for k in range(6)]
    vectors = np.vstack([[2.0, 0.0], 3 * np.column_stack([np.cos(angles), np.sin(angles)])])
    pairs = [("anchor", f"w{k}", 10.0 - k) for k in range(6)] + [
        ("anchor", "missing", 5.0),
        ("nope", "w1", 1.0),
    ]
    result = similarity_spearman(words, vectors, pairs)
    assert result["rho"] == pytest.approx(1.0)
    assert (result["n_pairs"], result["coverage"]) == (6, pytest.approx(6 / 8))
    few = similarity_spearman(words, vectors, pairs[:2] + pairs[-2:])
    assert math.isnan(few["rho"]) and few["n_pairs"] == 2


def test_category_names_cover_bundled_sections():
    sections = read_analogy_sections(QUESTIONS)
    assert set(sections) == set(CATEGORY_NAMES) and len(CATEGORY_NAMES) == 14
    assert len(set(CATEGORY_NAMES.values())) == 14
    assert sum(len(questions) for questions in sections.values()) == 19544
