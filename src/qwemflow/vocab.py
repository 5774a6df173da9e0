"""Vocabulary: the V most frequent words, and the corpus as compact integer arrays."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np


def read_word_counts(path: str | Path) -> Counter:
    """word <tab> count lines (a vocabulary or a per-part count file)."""
    counts: Counter = Counter()
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            word, sep, count = line.rstrip("\n").partition("\t")
            if not sep or not count.isdigit():
                raise ValueError(
                    f"{path}:{number}: expected 'word<TAB>count', got {line.strip()[:80]!r}"
                )
            counts[word] += int(count)
    return counts


def write_word_counts(counts: Iterable[tuple[str, int]], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as sink:
        for word, count in counts:
            sink.write(f"{word}\t{count}\n")


def top_words(counts: Mapping[str, int], vocab_size: int) -> list[tuple[str, int]]:
    """The vocab_size most frequent words, most frequent first, ties in alphabetical order."""
    if len(counts) < vocab_size:
        raise ValueError(
            f"the corpus has only {len(counts)} distinct words, fewer than vocab_size={vocab_size}; "
            "lower vocab_size or use a larger corpus"
        )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:vocab_size]


def _names(paths: list[str], shown: int = 3) -> str:
    names = ", ".join(paths[:shown])
    return names if len(paths) <= shown else f"{names}, ... ({len(paths)} in all)"


def build_vocabulary(
    paths: Iterable[str | Path], vocab_size: int, filter_note: str = ""
) -> tuple[Counter, list[tuple[str, int]]]:
    """The word counts summed over per-part count files, and their top vocab_size words.

    Fewer distinct words than vocab_size is an error naming the files (those that hold no word
    at all first: their extraction kept no article) and filter_note, the filter that dropped
    articles at extraction (corpus.min_article_words), so that an empty corpus or a filter that
    removes every article is told apart from a corpus that is merely small."""
    paths = [str(path) for path in paths]
    totals: Counter = Counter()
    empty = []
    for path in paths:
        counts = read_word_counts(path)
        if not counts:
            empty.append(path)
        totals.update(counts)
    if len(totals) < vocab_size:
        problem = f"the corpus has only {len(totals)} distinct words, fewer than vocab_size={vocab_size}, in "
        problem += f"{len(paths)} word-count file(s) ({_names(paths)})"
        if empty:
            problem += f"; {len(empty)} of them hold no word at all ({_names(empty)}): their extraction kept no article"
        if filter_note:
            problem += f"; {filter_note}"
        raise ValueError(f"{problem}; lower vocab_size, relax the filter or use a larger corpus")
    return totals, top_words(totals, vocab_size)


def id_dtype(vocab_size: int) -> np.dtype:
    """Smallest unsigned integer type holding every word id and one spare value (the counting
    kernel's article separator)."""
    return np.dtype(np.uint16) if vocab_size <= np.iinfo(np.uint16).max else np.dtype(np.uint32)


def encode_articles(
    articles: Iterable[list[str]], vocab: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Word ids of all articles concatenated (out-of-vocabulary words dropped) and article offsets.

    Article a spans ids[offsets[a]:offsets[a + 1]]; articles left empty are kept (zero length) so
    that offsets line up with the text file's lines.
    """
    index = {word: i for i, word in enumerate(vocab)}
    chunks: list[np.ndarray] = []
    offsets = [0]
    dtype = id_dtype(len(vocab))
    for tokens in articles:
        ids = np.fromiter((index[w] for w in tokens if w in index), dtype=dtype)
        chunks.append(ids)
        offsets.append(offsets[-1] + len(ids))
    ids = np.concatenate(chunks) if chunks else np.zeros(0, dtype=dtype)
    return ids, np.asarray(offsets, dtype=np.int64)
