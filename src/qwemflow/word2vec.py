"""word2vec through gensim's skip-gram with negative sampling, on exactly our vocabulary: the
baseline practitioners use (two matrices, words and contexts) and the paper's own word2vec (tied:
one matrix serves as both, so S = W W^T as in the theory; docs/science.md, "The paper's word2vec").

gensim sees the same tokenized corpus as every other model (out-of-vocabulary words already
dropped, article boundaries kept) and a vocabulary fixed to our V words, so its embeddings are
comparable row by row with the spectral ones. gensim's dynamic window (each window size 1..L
equally likely) weights offset j by (L + 1 - j) / L, the same weighting as our counts.

Training runs slice by slice of the word stream (epoch after epoch of the corpus), so that the
model can be read between slices after exactly the words trained so far: a trajectory recorded at
word n is the model after n words, on any number of workers. Each slice is split into one text
file per worker, which gensim's C reader (its corpus_file mode, free of the GIL) trains on
directly. The learning rate falls linearly over the whole stream, as in one gensim run.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# gensim trains at most this many words of a batch (MAX_WORDS_IN_BATCH) and stops counting the
# batch's tokens there; articles are cut into sentences of fewer, and the corpus files keep every
# batch under it, so that every token is counted (train_slice checks the count).
MAX_SENTENCE = 10_000
SENTENCE = MAX_SENTENCE - 1
# A slice holds at most this many words, so that its files stay small (about 7 bytes a word).
SLICE_WORDS = 20_000_000
# gensim's reader fills a batch with whole lines until it holds more than MAX_SENTENCE words and
# trains only the first MAX_SENTENCE words it keeps: a line of this many out-of-vocabulary tokens
# after every block of at most SENTENCE words ends each batch exactly there.
FILLER = b"_ " * (MAX_SENTENCE - 1) + b"_\n"
# gensim's default final learning rate (Word2Vec's min_alpha)
MIN_ALPHA = 1e-4


class TokenStream:
    """The corpus as word ids, epoch after epoch: chunks of (ids, sentence starts), read again
    from `chunks()` at each epoch; `take(n)` gives the next n words of the stream."""

    def __init__(
        self, chunks: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]], words_per_epoch: int
    ):
        self.chunks = chunks
        self.words_per_epoch = words_per_epoch
        if words_per_epoch == 0:
            raise ValueError("the corpus has no in-vocabulary words to train on")
        self._epoch = iter(())
        self._ids = np.zeros(0, dtype=np.int64)
        self._starts = np.zeros(0, dtype=np.int64)
        self._at = 0

    @classmethod
    def from_token_files(cls, token_files: Iterable[str | Path]) -> TokenStream:
        """tokens/*.npz files (ids, article offsets), one file in memory at a time."""
        files = list(token_files)

        def chunks():
            for path in files:
                with np.load(path) as tokens:
                    yield tokens["ids"], sentence_starts(tokens["offsets"])

        words = 0
        for path in files:
            with np.load(path) as tokens:
                words += int(tokens["offsets"][-1])
        return cls(chunks, words)

    @classmethod
    def from_sentences(cls, sentences: Sequence[Sequence[int]]) -> TokenStream:
        """Sentences of word ids held in memory."""
        lengths = np.array([len(s) for s in sentences], dtype=np.int64)
        ids = np.concatenate([np.asarray(s, dtype=np.int64) for s in sentences])
        starts = sentence_starts(np.concatenate([[0], np.cumsum(lengths)]))
        return cls(lambda: iter([(ids, starts)]), len(ids))

    def _next_chunk(self) -> None:
        for ids, starts in self._epoch:
            if len(ids):
                self._ids, self._starts, self._at = ids, starts, 0
                return
        self._epoch = self.chunks()
        self._next_chunk()

    def take(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The next n words (ids) and where sentences start among them (0 always)."""
        ids, starts, taken = [], [], 0
        while taken < n:
            if self._at == len(self._ids):
                self._next_chunk()
            stop = min(self._at + n - taken, len(self._ids))
            lo, hi = np.searchsorted(self._starts, [self._at, stop])
            starts.append(np.concatenate([[taken], self._starts[lo:hi] - self._at + taken]))
            ids.append(self._ids[self._at : stop])
            taken += stop - self._at
            self._at = stop
        return np.concatenate(ids), np.unique(np.concatenate(starts))


def sentence_starts(offsets: np.ndarray) -> np.ndarray:
    """Where gensim's sentences start: each article's start (`offsets`, article i spanning
    offsets[i]:offsets[i+1]), and every SENTENCE words within a longer article."""
    offsets = np.asarray(offsets, dtype=np.int64)
    lengths = np.diff(offsets)
    pieces = -(-lengths // SENTENCE)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    return np.repeat(offsets[:-1], pieces) + SENTENCE * (np.arange(pieces.sum()) - first)


def word_keys(vocab_size: int) -> tuple[list[str], np.ndarray]:
    """gensim's keys for word ids 0..V-1 (fixed-width decimals, so a corpus file is written by
    indexing) and the bytes of each key followed by a space."""
    width = len(str(max(vocab_size - 1, 0)))
    keys = [f"{i:0{width}d}" for i in range(vocab_size)]
    table = np.frombuffer(("".join(k + " " for k in keys)).encode("ascii"), dtype=np.uint8)
    return keys, table.reshape(vocab_size, width + 1)


def write_corpus_file(path: Path, ids: np.ndarray, starts: np.ndarray, keys: np.ndarray) -> int:
    """ids as a gensim corpus file, one sentence a line (`starts`), a FILLER line after each block
    of whole sentences of at most SENTENCE words; returns the tokens in it, fillers included
    (gensim's raw count once it has read the file to its end)."""
    text = keys[ids]
    ends = np.append(starts[1:], len(ids)) - 1
    text[ends, -1] = ord("\n")
    text = text.reshape(-1)
    width = keys.shape[1]
    lengths = np.diff(np.append(starts, len(ids)))
    blocks, size = [0], 0
    for line, length in enumerate(lengths):
        if size + length > SENTENCE:
            blocks.append(int(starts[line]))
            size = 0
        size += length
    blocks.append(len(ids))
    with open(path, "wb") as sink:
        for begin, end in itertools.pairwise(blocks):
            sink.write(text[begin * width : end * width].tobytes())
            sink.write(FILLER)
    return len(ids) + MAX_SENTENCE * (len(blocks) - 1)


def train_slice(
    model, vocab, ids, starts, keys, workdir: Path, workers: int, alpha_from, alpha_to
) -> None:
    """One slice of the stream on `workers` threads (fewer for a slice of fewer words), each on
    its own contiguous share of the words, the learning rate falling linearly from alpha_from to
    alpha_to across every share. vocab: gensim's CythonVocab of the model's keys."""
    from gensim.models.word2vec_corpusfile import train_epoch_sg

    workers = min(workers, len(ids))
    bounds = (np.arange(workers + 1) * len(ids)) // workers
    files, tokens = [], []
    for worker, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        share = starts[(starts >= lo) & (starts < hi)] - lo
        files.append(workdir / f"share{worker}.txt")
        tokens.append(write_corpus_file(files[-1], ids[lo:hi], np.union1d([0], share), keys))
    # gensim's reader stops after tokens > expected / workers and, at each batch, sets the rate
    # to alpha - (alpha - min_alpha) * tokens_read / expected (one epoch)
    model.workers, model.epochs = workers, 1
    model.alpha = alpha_from
    model.min_alpha = alpha_from - workers * (alpha_from - alpha_to)
    read = [None] * workers

    def train_share(worker):
        work, neu1 = model._get_thread_working_mem()
        read[worker] = train_epoch_sg(
            model,
            str(files[worker]),
            0,
            vocab,
            0,
            None,
            workers * tokens[worker],
            work,
            neu1,
            False,
        )[2]

    threads = [threading.Thread(target=train_share, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if read != tokens:
        raise RuntimeError(
            f"gensim read {read} tokens of its corpus files, not {tokens}: a slice was not trained whole"
        )


def slice_ends(total_words: int, stops: Iterable[int]) -> list[int]:
    """Where slices end: at every stop (a word count where the model is read) and at least every
    SLICE_WORDS words, the last at total_words."""
    ends = set(range(SLICE_WORDS, total_words, SLICE_WORDS)) | {total_words}
    ends |= {int(n) for n in stops if 0 < n < total_words}
    return sorted(ends)


def train_sgns(
    stream: TokenStream,
    word_counts: Sequence[int],
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
    stops: Iterable[int] = (),
    on_stop: Callable[[np.ndarray, int], None] | None = None,
) -> np.ndarray:
    """Skip-gram with negative sampling on `epochs` passes of `stream`, word i of the vocabulary
    having count word_counts[i]; returns the trained word vectors (V x d, row i for word i).

    init_scale: None keeps gensim's initialization (input vectors uniform in +-1/(2d), output
    vectors 0); a number draws every matrix from N(0, init_scale^2 / d), the small init of
    Figure 2. tied: gensim's output matrix is its input matrix, one array, so each pair's update
    is word2vec.c's with tied weights (the authors' word2vec_tied). on_stop(vectors, n) is called
    with the word vectors after exactly n words, at n = 0, at each of `stops` and at the end; with
    one worker the whole run is deterministic.
    """
    # gensim imported here, not with the module: every job of the workflow reads SLICE_WORDS
    from gensim.models import Word2Vec
    from gensim.models.word2vec_corpusfile import CythonVocab

    keys, key_bytes = word_keys(len(word_counts))
    model = Word2Vec(
        vector_size=dim,
        window=window,
        sg=1,
        hs=0,
        negative=negative,
        sample=sample,
        alpha=alpha,
        min_alpha=MIN_ALPHA,
        ns_exponent=ns_exponent,
        min_count=1,
        seed=seed,
        workers=workers,
        sorted_vocab=False,
    )
    model.build_vocab_from_freq(dict(zip(keys, (int(c) for c in word_counts), strict=True)))
    if init_scale is not None:
        rng = np.random.default_rng(seed)
        for matrix in (model.wv.vectors, model.syn1neg):
            matrix[:] = rng.normal(0.0, init_scale / np.sqrt(dim), size=matrix.shape)
    if tied:
        model.syn1neg = model.wv.vectors
    total = epochs * stream.words_per_epoch
    wanted = {int(n) for n in stops}

    def rate(words):
        return alpha - (alpha - MIN_ALPHA) * words / total

    if on_stop is not None:
        on_stop(model.wv.vectors, 0)
    done, reported = 0, 0
    vocab = CythonVocab(model.wv, hs=0, fasttext=False)
    with tempfile.TemporaryDirectory(prefix="word2vec-") as workdir:
        for end in slice_ends(total, wanted):
            ids, starts = stream.take(end - done)
            train_slice(
                model, vocab, ids, starts, key_bytes, Path(workdir), workers, rate(done), rate(end)
            )
            if tied and model.syn1neg is not model.wv.vectors:
                raise RuntimeError(
                    "gensim replaced its output matrix during training: the model was not trained tied"
                )
            done = end
            if on_stop is not None and (end in wanted or end == total):
                on_stop(model.wv.vectors, end)
            if 10 * done >= (reported + 1) * total:
                reported = 10 * done // total
                log.info("%d of %d words trained (%d%%)", done, total, 100 * done // total)
    return model.wv.vectors.copy()


class Trajectory:
    """The recorded word2vec trajectory (train_sgns's on_stop): singular values of the word
    vectors at `record_words`, the vectors themselves at `snapshot_words`, both at the end, and
    the initial vectors (the theory's starting energy along each mode)."""

    def __init__(self, record_words: Iterable[int], snapshot_words: Iterable[int], total: int):
        self.record = {int(n) for n in record_words} | {total}
        self.snapshot = {int(n) for n in snapshot_words} | {total}
        self.words, self.singular_values, self.snapshot_words, self.snapshots = [], [], [], []
        self.initial = None

    def __call__(self, vectors: np.ndarray, words: int) -> None:
        if words == 0:
            self.initial = vectors.copy()
        if words in self.record:
            self.words.append(words)
            self.singular_values.append(np.linalg.svd(vectors, compute_uv=False))
        if words in self.snapshot:
            self.snapshot_words.append(words)
            self.snapshots.append(vectors.copy())

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "words": np.array(self.words),
            "singular_values": np.array(self.singular_values),
            "snapshot_words": np.array(self.snapshot_words),
            "snapshots": np.array(self.snapshots),
            "initial": self.initial,
        }


def snapshot_words(total_words: int, n_snapshots: int) -> list[int]:
    """Word counts at which to keep the embedding during training, where a small init's
    directions are learned: n_snapshots log-spaced from 0.1% of training to its end, the end
    left out (the trained model is kept whole). With n_snapshots - 1 a multiple of 3, 1% and 10%
    are among them."""
    points = np.geomspace(total_words / 1000, total_words, n_snapshots)[:-1]
    return sorted(set(points.round().astype(int).tolist()))
