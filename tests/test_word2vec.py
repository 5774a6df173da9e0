"""gensim's word2vec on our tokens: one worker thread gives bit-identical reruns (word2vec.workers)."""

import numpy as np

from qwemflow.corpus import iter_tokenized_articles
from qwemflow.word2vec import train_sgns, vectors_in_order


def test_one_worker_is_bit_reproducible(bundled_dump):
    articles = list(iter_tokenized_articles(bundled_dump, min_words=50))[:30]
    counts = {}
    for article in articles:
        for word in article:
            counts[word] = counts.get(word, 0) + 1
    vocab = sorted(counts, key=lambda w: (-counts[w], w))[:500]
    kept = set(vocab)
    corpus = [[w for w in article if w in kept] for article in articles]
    word_counts = {w: counts[w] for w in vocab}

    def train():
        model = train_sgns(
            corpus, word_counts, dim=20, window=5, sample=1e-3, epochs=2, seed=3, workers=1
        )
        return vectors_in_order(model, vocab)

    first, again = train(), train()
    assert np.abs(first).max() > 0.01  # it trained
    np.testing.assert_array_equal(first, again)
