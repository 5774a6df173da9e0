from collections import Counter

import numpy as np
import pytest

from qwemflow.vocab import (
    build_vocabulary,
    encode_articles,
    id_dtype,
    read_word_counts,
    top_words,
    write_word_counts,
)


def test_top_words_ties_alphabetical():
    counts = Counter({"b": 3, "a": 3, "c": 5, "d": 1})
    assert top_words(counts, 3) == [("c", 5), ("a", 3), ("b", 3)]


def test_too_few_words_is_a_clear_error():
    with pytest.raises(ValueError, match="only 2 distinct words.*vocab_size=3"):
        top_words(Counter({"a": 1, "b": 1}), 3)


def test_word_counts_round_trip_and_bad_line(tmp_path):
    path = tmp_path / "v.tsv"
    write_word_counts([("the", 10), ("of", 7)], path)
    assert read_word_counts(path) == Counter({"the": 10, "of": 7})
    path.write_text("the\t10\nbroken line\n")
    with pytest.raises(ValueError, match=r"v.tsv:2"):
        read_word_counts(path)


def test_encode_drops_oov_and_keeps_article_offsets():
    ids, offsets = encode_articles([["a", "x", "b"], ["x"], ["b", "b"]], ["b", "a"])
    assert ids.dtype == np.uint16
    assert ids.tolist() == [1, 0, 0, 0]
    assert offsets.tolist() == [0, 2, 2, 4]
    assert id_dtype(70000) == np.uint32


def test_too_few_words_names_the_files_and_the_filter(tmp_path):
    full, empty = tmp_path / "000.wordcounts.tsv", tmp_path / "001.wordcounts.tsv"
    write_word_counts([("the", 10), ("of", 7)], full)
    empty.write_text("")
    totals, vocab = build_vocabulary([full, empty], 2)
    assert vocab == [("the", 10), ("of", 7)] and sum(totals.values()) == 17
    note = "articles of fewer than 500 words were dropped (corpus.min_article_words)"
    with pytest.raises(ValueError) as error:
        build_vocabulary([full, empty], 3, note)
    message = str(error.value)
    assert "only 2 distinct words" in message and "vocab_size=3" in message
    assert f"({full}, {empty})" in message
    assert f"1 of them hold no word at all ({empty})" in message and note in message
