"""gensim's word2vec on our tokens: one worker thread gives bit-identical reruns (word2vec.workers)."""

import numpy as np

from qwemflow.word2vec import train_sgns, vectors_in_order


def test_one_worker_is_bit_reproducible(small_corpus):
    corpus, word_counts, vocab = small_corpus

    def train():
        model = train_sgns(
            corpus, word_counts, dim=20, window=5, sample=1e-3, epochs=2, seed=3, workers=1
        )
        return vectors_in_order(model, vocab)

    first, again = train(), train()
    assert np.abs(first).max() > 0.01  # it trained
    np.testing.assert_array_equal(first, again)
