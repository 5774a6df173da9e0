"""Embedding benchmarks: Google analogies (the paper's protocol and the classic one) and word
similarity (Spearman rho against human scores).

Embeddings are (words, vectors): a list of n words and an (n, d) array, row i embedding words[i].
Word lookups are case-insensitive (the first of several case variants wins), as in gensim.
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

from qwemflow.download import ChecksumMismatch, DownloadError, download

CATEGORY_NAMES: dict[str, str] = {
    "capital-common-countries": "country-capital",
    "capital-world": "country-capital-2",
    "currency": "country-currency",
    "city-in-state": "city-state",
    "family": "male-female",
    "gram1-adjective-to-adverb": "adj-adverb",
    "gram2-opposite": "adj-antonym",
    "gram3-comparative": "adj-comparative",
    "gram4-superlative": "adj-superlative",
    "gram5-present-participle": "verb-participle",
    "gram6-nationality-adjective": "country-nationality",
    "gram7-past-tense": "verb-past-tense",
    "gram8-plural": "noun-plural",
    "gram9-plural-verbs": "verb-plural",
}

# gensim's evaluate_word_analogies default: only the first 300,000 words are known or answered.
GENSIM_RESTRICT_VOCAB = 300_000

# MEN's lemma form tags words with their part of speech: sun-n, bright-j, eat-v.
_POS_SUFFIX = re.compile(r"-[njv]$")


def _display(section: str) -> str:
    return CATEGORY_NAMES.get(section, section)


def word_index(words) -> dict[str, int]:
    """Lowercased word -> row; reversed so that the first case variant overwrites the others."""
    return {word.lower(): row for row, word in reversed(list(enumerate(words)))}


def unit_rows(vectors) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero, so their cosine to anything is 0)."""
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def nearest_words(
    unit: np.ndarray, queries: np.ndarray, excluded, batch_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per query vector: the row of `unit` with the largest dot product to it, never one of that
    query's rows in `excluded` (index arrays, one entry per query each), and that dot product.
    Batched because the paper protocol has quadratically many questions."""
    nearest = np.empty(len(queries), dtype=np.intp)
    largest = np.empty(len(queries))
    for start in range(0, len(queries), batch_size):
        rows = slice(start, start + batch_size)
        scores = queries[rows] @ unit.T
        question = np.arange(scores.shape[0])
        for words in excluded:
            scores[question, words[rows]] = -np.inf
        nearest[rows] = scores.argmax(axis=1)
        largest[rows] = scores[question, nearest[rows]]
    return nearest, largest


def solve_analogies(unit: np.ndarray, a, b, c, batch_size: int) -> np.ndarray:
    """3CosAdd answer to a:b :: c:? for index arrays a, b, c: the row of `unit` with the largest
    cosine to b - a + c, never a, b or c. The query's own norm does not change the argmax, so it
    is left unnormalized. The queries are formed a batch at a time: the paper protocol has
    quadratically many questions."""
    answers = np.empty(len(a), dtype=np.intp)
    for start in range(0, len(a), batch_size):
        rows = slice(start, start + batch_size)
        queries = unit[b[rows]] - unit[a[rows]] + unit[c[rows]]
        excluded = (a[rows], b[rows], c[rows])
        answers[rows] = nearest_words(unit, queries, excluded, batch_size)[0]
    return answers


def read_analogy_sections(path) -> dict[str, list[tuple[str, str, str, str]]]:
    """questions-words.txt sections (lowercased words), keyed by section name without ': '."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    questions = None
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.startswith(":"):
                questions = sections.setdefault(line.lstrip(": ").strip(), [])
                continue
            fields = line.lower().split()
            if not fields:
                continue
            if questions is None or len(fields) != 4:
                raise ValueError(
                    f"{path}:{number}: expected 4 words after a ': section' line, got {line.strip()[:80]!r}"
                )
            questions.append(tuple(fields))
    return sections


def protocol_pairs(index: dict[str, int], questions) -> np.ndarray:
    """The paper protocol's pairs of one category: its distinct (a, b) word pairs from both halves
    of every question, both words in the vocabulary, as an (n, 2) array of rows of `index`."""
    halves = (half for question in questions for half in (question[:2], question[2:]))
    pairs = dict.fromkeys((index[x], index[y]) for x, y in halves if x in index and y in index)
    return np.array(list(pairs), dtype=np.intp).reshape(-1, 2)


def paper_protocol_analogies(words, vectors, sections, batch_size=1024) -> pd.DataFrame:
    """The paper protocol (docs/science.md, "Analogies: the paper protocol"): per category, every
    ordered couple of distinct in-vocabulary pairs (a, b), (a2, b2) taken from both halves of its
    questions is one question a:b :: a2:?, correct if b2 is the nearest word (cosine,
    unit-normalized embeddings) to b - a + a2 other than a, b, a2. One row per category plus
    'full' (all questions pooled); accuracy is nan without questions."""
    index = word_index(words)
    unit = unit_rows(vectors)
    rows = []
    for section, questions in sections.items():
        pairs = protocol_pairs(index, questions)
        first, second = np.nonzero(~np.eye(len(pairs), dtype=bool))
        answers = solve_analogies(
            unit, pairs[first, 0], pairs[first, 1], pairs[second, 0], batch_size
        )
        n_correct = int(np.count_nonzero(answers == pairs[second, 1]))
        rows.append(
            {
                "category": _display(section),
                "n_questions": len(first),
                "n_correct": n_correct,
                "n_pairs": len(pairs),
            }
        )
    table = pd.DataFrame(rows, columns=["category", "n_questions", "n_correct", "n_pairs"])
    full = {
        "category": "full",
        **table[["n_questions", "n_correct", "n_pairs"]].sum().astype(int).to_dict(),
    }
    table = pd.concat([table, pd.DataFrame([full])], ignore_index=True)
    table["accuracy"] = [
        _ratio(c, q) for c, q in zip(table["n_correct"], table["n_questions"], strict=True)
    ]
    return table[["category", "n_questions", "n_correct", "accuracy", "n_pairs"]]


def classic_protocol_analogies(words, vectors, path, batch_size=1024) -> pd.DataFrame:
    """The questions as listed, 3CosAdd, out-of-vocabulary questions skipped: the counts of gensim's
    KeyedVectors.evaluate_word_analogies(path) (case-insensitive, restrict_vocab=300000, the three
    question words never answered). 'full' pools all sections like gensim's 'Total accuracy',
    but an empty section or total has accuracy nan where gensim reports 0."""
    index = word_index(words[:GENSIM_RESTRICT_VOCAB])
    unit = unit_rows(np.asarray(vectors)[:GENSIM_RESTRICT_VOCAB])
    rows = []
    for section, questions in read_analogy_sections(path).items():
        known = [
            [index[word] for word in question]
            for question in questions
            if all(word in index for word in question)
        ]
        known = np.array(known, dtype=np.intp).reshape(-1, 4)
        answers = solve_analogies(unit, known[:, 0], known[:, 1], known[:, 2], batch_size)
        n_correct = int(np.count_nonzero(answers == known[:, 3]))
        rows.append(
            {
                "category": _display(section),
                "n_questions": len(known),
                "n_correct": n_correct,
                "n_listed": len(questions),
            }
        )
    table = pd.DataFrame(rows, columns=["category", "n_questions", "n_correct", "n_listed"])
    full = {
        "category": "full",
        **table[["n_questions", "n_correct", "n_listed"]].sum().astype(int).to_dict(),
    }
    table = pd.concat([table, pd.DataFrame([full])], ignore_index=True)
    table["accuracy"] = [
        _ratio(c, q) for c, q in zip(table["n_correct"], table["n_questions"], strict=True)
    ]
    table["coverage"] = [
        _ratio(q, n) for q, n in zip(table["n_questions"], table["n_listed"], strict=True)
    ]
    return table[["category", "n_questions", "n_correct", "accuracy", "coverage"]]


def read_similarity_pairs(path) -> list[tuple[str, str, float]]:
    """(word1, word2, human score) with lowercased words, from gensim's wordsim353.tsv and
    simlex999.txt, the original SimLex-999.txt (score in its 'SimLex999' column) and MEN
    ('word1 word2 score', lemma-form POS suffixes such as 'sun-n' stripped). Lines starting with
    '#' are comments; non-numeric lines before the first pair are headers."""
    pairs: list[tuple[str, str, float]] = []
    score_column = 2
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = [
                field.strip() for field in (line.split("\t") if "\t" in line else line.split())
            ]
            try:
                score = float(fields[score_column])
            except (IndexError, ValueError):
                if pairs:
                    raise ValueError(
                        f"{path}:{number}: expected 'word1 word2 score', got {line.strip()[:80]!r}"
                    ) from None
                names = [field.lower() for field in fields]
                if "simlex999" in names:
                    score_column = names.index("simlex999")
                continue
            word1, word2 = (_POS_SUFFIX.sub("", word.lower()) for word in fields[:2])
            pairs.append((word1, word2, score))
    return pairs


def similarity_spearman(words, vectors, pairs) -> dict:
    """Spearman rho between the cosine of the two words and the human score, over the pairs with
    both words in the vocabulary; rho is nan with fewer than 3 such pairs."""
    # imported here: scipy.stats takes about a second to import, paid by every figure job otherwise
    from scipy.stats import spearmanr

    index = word_index(words)
    known = [(index[x], index[y], score) for x, y, score in pairs if x in index and y in index]
    rho = float("nan")
    if len(known) >= 3:
        first, second, scores = (np.array(column) for column in zip(*known, strict=True))
        vectors = np.asarray(vectors)
        cosine = np.einsum("ij,ij->i", unit_rows(vectors[first]), unit_rows(vectors[second]))
        rho = float(spearmanr(cosine, scores).statistic)
    return {"rho": rho, "n_pairs": len(known), "coverage": _ratio(len(known), len(pairs))}


def _all_pairs(questions) -> int:
    """Distinct (a, b) pairs of a section if every word were in the vocabulary."""
    return len(
        dict.fromkeys(half for question in questions for half in (question[:2], question[2:]))
    )


def benchmark_table(
    model: str, words, vectors, questions_path, similarity: dict[str, list | None]
) -> pd.DataFrame:
    """Every benchmark of one embedding as tidy rows: model, benchmark, category, score,
    n_questions, coverage. similarity maps a benchmark name to its pairs (None: unavailable,
    left out). Paper-protocol coverage is the share of a category's distinct pairs that are in
    the vocabulary."""
    sections = read_analogy_sections(questions_path)
    paper = paper_protocol_analogies(words, vectors, sections)
    possible = {_display(name): _all_pairs(questions) for name, questions in sections.items()}
    possible["full"] = sum(possible.values())
    paper["coverage"] = [
        _ratio(n_pairs, possible[category])
        for category, n_pairs in zip(paper["category"], paper["n_pairs"], strict=True)
    ]
    paper["benchmark"] = "analogy-paper"
    classic = classic_protocol_analogies(words, vectors, questions_path)
    classic["benchmark"] = "analogy-classic"
    tables = [table.rename(columns={"accuracy": "score"}) for table in (paper, classic)]
    for name, pairs in similarity.items():
        if pairs is None:
            continue
        result = similarity_spearman(words, vectors, pairs)
        tables.append(
            pd.DataFrame(
                [
                    {
                        "benchmark": name,
                        "category": "all",
                        "score": result["rho"],
                        "n_questions": result["n_pairs"],
                        "coverage": result["coverage"],
                    }
                ]
            )
        )
    table = pd.concat(tables, ignore_index=True)
    table.insert(0, "model", model)
    return table[["model", "benchmark", "category", "score", "n_questions", "coverage"]]


def optional_similarity_pairs(
    url: str, sha1: str, member: str, scratch: Path, log, **download_options
) -> tuple[list[tuple[str, str, float]], str]:
    """The word pairs of a similarity benchmark published as a tar archive (MEN), or none and why:
    an optional benchmark is skipped, with the reason, on any failure to obtain it (no network, an
    HTTP error, a damaged archive, a missing member). A file that arrived but does not match its
    published checksum is an error (ChecksumMismatch), not a reason to skip."""
    archive = Path(scratch) / "archive.tar.gz"
    try:
        download(
            url, archive, checksums={"sha1": sha1} if sha1 else None, log=log, **download_options
        )
        with tarfile.open(archive) as tar:
            tar.extract(member, scratch, filter="data")
        pairs = read_similarity_pairs(Path(scratch) / member)
    except ChecksumMismatch:
        raise
    except (DownloadError, tarfile.TarError, EOFError, KeyError, OSError, ValueError) as error:
        message = str(error) if url in str(error) else f"{url}: {error}"
        return [], f"{message} ({type(error).__name__})"
    if not pairs:
        return [], f"{url}: {member} holds no word pairs"
    return pairs, ""
