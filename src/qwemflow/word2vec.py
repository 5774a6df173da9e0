"""word2vec through gensim's skip-gram with negative sampling, on exactly our vocabulary: the
baseline practitioners use (two matrices, words and contexts) and the paper's own word2vec (tied:
one matrix serves as both, so S = W W^T as in the theory; docs/science.md, "The paper's word2vec").

gensim sees the same tokenized corpus as every other model (out-of-vocabulary words already
dropped, article boundaries kept) and a vocabulary fixed to our V words, so its embeddings are
comparable row by row with the spectral ones. gensim's dynamic window (each window size 1..L
equally likely) weights offset j by (L + 1 - j) / L, the same weighting as our counts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from gensim.models import Word2Vec
from gensim.models.callbacks import CallbackAny2Vec

log = logging.getLogger(__name__)

# gensim truncates longer sentences (MAX_WORDS_IN_BATCH); articles are cut into pieces this long.
MAX_SENTENCE = 10_000


class TokenArticles:
    """Re-iterable stream of articles (as word lists) from tokens/*.npz files, one file at a time."""

    def __init__(self, token_files: Iterable[str | Path], vocab: list[str]):
        self.token_files = list(token_files)
        self.vocab = np.asarray(vocab, dtype=object)

    def __iter__(self) -> Iterator[list[str]]:
        for path in self.token_files:
            with np.load(path) as tokens:
                ids, offsets = tokens["ids"], tokens["offsets"]
            for a in range(len(offsets) - 1):
                for start in range(offsets[a], offsets[a + 1], MAX_SENTENCE):
                    yield self.vocab[
                        ids[start : min(start + MAX_SENTENCE, offsets[a + 1])]
                    ].tolist()


class _EpochLogger(CallbackAny2Vec):
    def __init__(self):
        self.epoch = 0

    def on_epoch_end(self, model):
        self.epoch += 1
        log.info("epoch %d/%d done", self.epoch, model.epochs)


class SpectrumRecorder(CallbackAny2Vec):
    """The real word2vec trajectory: singular values of the word vectors at log-spaced counts of
    words fed to training, and the vectors themselves at a few requested counts.

    gensim calls no per-batch callback, so the recorder is itself the corpus (it wraps the
    articles) and records as words stream out; the training threads lag the stream by a few
    10,000-word jobs.
    """

    def __init__(self, articles, record_words, snapshot_words=()):
        self.articles = articles
        self.record = sorted(int(n) for n in record_words)
        self.snapshot = sorted(int(n) for n in snapshot_words)
        self.model = None
        self.words = 0
        self.recorded_words, self.singular_values, self.snapshot_words, self.snapshots = (
            [],
            [],
            [],
            [],
        )

    def _observe(self, final=False):
        vectors = self.model.wv.vectors
        while self.record and (self.record[0] <= self.words or final):
            self.record.pop(0)
            if not self.recorded_words or self.recorded_words[-1] != self.words:
                self.recorded_words.append(self.words)
                self.singular_values.append(np.linalg.svd(vectors, compute_uv=False))
        while self.snapshot and self.snapshot[0] <= self.words:
            self.snapshot.pop(0)
            self.snapshot_words.append(self.words)
            self.snapshots.append(vectors.copy())

    def __iter__(self) -> Iterator[list[str]]:
        for sentence in self.articles:
            yield sentence
            self.words += len(sentence)
            if self.model is not None and (
                (self.record and self.record[0] <= self.words)
                or (self.snapshot and self.snapshot[0] <= self.words)
            ):
                self._observe()

    def on_train_begin(self, model):
        self.model = model
        self._observe()

    def on_train_end(self, model):
        """The final state is always recorded."""
        self.record = [self.words]
        self._observe(final=True)


def train_sgns(
    articles: Iterable[list[str]],
    word_counts: dict[str, int],
    *,
    dim: int,
    window: int,
    negative: int = 5,
    sample: float = 1e-5,
    epochs: int = 5,
    alpha: float = 0.025,
    ns_exponent: float = 0.75,
    seed: int = 0,
    workers: int = 1,
    init_scale: float | None = None,
    tied: bool = False,
    callbacks: tuple = (),
) -> Word2Vec:
    """Skip-gram with negative sampling with the vocabulary fixed to `word_counts` (in its order).

    init_scale: None keeps gensim's initialization (input vectors uniform in +-1/(2d), output
    vectors 0); a number draws every matrix from N(0, init_scale^2 / d), the small init of
    Figure 2. tied: gensim's output matrix is its input matrix, one array, so each pair's update
    is word2vec.c's with tied weights (the authors' word2vec_tied).
    """
    model = Word2Vec(
        vector_size=dim,
        window=window,
        sg=1,
        hs=0,
        negative=negative,
        sample=sample,
        alpha=alpha,
        ns_exponent=ns_exponent,
        min_count=1,
        seed=seed,
        workers=workers,
        sorted_vocab=False,
    )
    model.build_vocab_from_freq(word_counts)
    if init_scale is not None:
        rng = np.random.default_rng(seed)
        for matrix in (model.wv.vectors, model.syn1neg):
            matrix[:] = rng.normal(0.0, init_scale / np.sqrt(dim), size=matrix.shape)
    if tied:
        model.syn1neg = model.wv.vectors
    total = sum(word_counts.values())
    model.train(articles, total_words=total, epochs=epochs, callbacks=[_EpochLogger(), *callbacks])
    if tied and model.syn1neg is not model.wv.vectors:
        raise RuntimeError(
            "gensim replaced its output matrix during training: the model was not trained tied"
        )
    return model


def snapshot_words(total_words: int, n_snapshots: int) -> list[int]:
    """Word counts at which to keep the embedding during training, where a small init's
    directions are learned: n_snapshots log-spaced from 0.1% of training to its end, the end
    left out (the trained model is kept whole). With n_snapshots - 1 a multiple of 3, 1% and 10%
    are among them."""
    points = np.geomspace(total_words / 1000, total_words, n_snapshots)[:-1]
    return sorted(set(points.round().astype(int).tolist()))


def vectors_in_order(model: Word2Vec, vocab: list[str]) -> np.ndarray:
    """The trained input vectors, one row per word of `vocab`, in that order."""
    return np.stack([model.wv[word] for word in vocab])
