"""gensim's word2vec on our tokens, trained slice by slice: a recorded state is the model after
exactly the words it is labelled with, one worker gives bit-identical runs, and several workers
train every word of every slice once."""

import numpy as np

from qwemflow.dynamics import log_spaced_steps
from qwemflow.word2vec import (
    FILLER,
    MAX_SENTENCE,
    SENTENCE,
    TokenStream,
    Trajectory,
    sentence_starts,
    train_sgns,
    word_keys,
    write_corpus_file,
)


def id_sentences(small_corpus):
    sentences, word_counts, vocab = small_corpus
    index = {word: i for i, word in enumerate(vocab)}
    return [[index[w] for w in s] for s in sentences], [word_counts[w] for w in vocab]


def train(small_corpus, workers=1, epochs=2, **settings):
    sentences, counts = id_sentences(small_corpus)
    stream = TokenStream.from_sentences(sentences)
    total = epochs * stream.words_per_epoch
    trajectory = Trajectory(log_spaced_steps(total, 40), [total // 10], total)
    vectors = train_sgns(
        stream,
        counts,
        dim=20,
        window=5,
        negative=1,
        sample=1e-3,
        epochs=epochs,
        seed=3,
        workers=workers,
        init_scale=1e-12,
        tied=True,
        stops=trajectory.record | trajectory.snapshot,
        on_stop=trajectory,
        **settings,
    )
    return vectors, trajectory.arrays(), total


def test_one_worker_is_bit_reproducible_trajectory_included(small_corpus):
    first, first_run, total = train(small_corpus)
    again, again_run, _ = train(small_corpus)
    assert np.abs(first).max() > 0.1  # it trained, from init 1e-12
    np.testing.assert_array_equal(first, again)
    for key in first_run:
        np.testing.assert_array_equal(first_run[key], again_run[key])
    # recorded from the first words on, at the requested counts, the end included
    np.testing.assert_array_equal(first_run["words"], log_spaced_steps(total, 40))
    assert list(first_run["snapshot_words"]) == [total // 10, total]
    np.testing.assert_array_equal(first_run["snapshots"][-1], first)


def test_a_recorded_state_is_the_model_after_exactly_its_words(small_corpus):
    """Training stopped at n words (a run of n words' worth, learning rate and all) leaves the
    model the full run recorded at n: nothing beyond word n had been trained when it was read."""
    sentences, counts = id_sentences(small_corpus)
    _, run, total = train(small_corpus)
    n = int(run["words"][25])
    assert 0 < n < total
    # the same schedule cut at n: the stream's first n words, the rate of a total-word run
    stream = TokenStream.from_sentences(sentences)
    states = {}
    train_sgns(
        stream,
        counts,
        dim=20,
        window=5,
        negative=1,
        sample=1e-3,
        epochs=2,
        seed=3,
        init_scale=1e-12,
        tied=True,
        stops=run["words"],
        on_stop=lambda vectors, words: states.setdefault(words, vectors.copy()),
    )
    top = np.linalg.svd(states[n], compute_uv=False)
    np.testing.assert_array_equal(top, run["singular_values"][25])


def test_several_workers_train_every_word_once(small_corpus):
    """Two threads on their own halves of each slice: gensim reads each half to its end (the
    trainer checks the tokens it read), the states come at the same word counts, and the model
    learns the top direction one worker learns (cosine 0.85 here, against 1 for two runs of one
    worker: two threads' unlocked updates change the random streams). How fast several workers
    grow a mode is tested against the theory (test_clock.py)."""
    one, one_run, _ = train(small_corpus, workers=1)
    two, two_run, _ = train(small_corpus, workers=2)
    np.testing.assert_array_equal(one_run["words"], two_run["words"])
    np.testing.assert_array_equal(one_run["snapshot_words"], two_run["snapshot_words"])
    assert not np.array_equal(one, two)
    assert two_run["singular_values"][-1, 0] > 1  # it trained, from init 1e-12
    top_one, top_two = (np.linalg.svd(v, full_matrices=False)[0][:, 0] for v in (one, two))
    assert abs(top_one @ top_two) > 0.7


def test_stream_takes_words_in_order_across_epochs():
    stream = TokenStream.from_sentences([[0, 1, 2], [3, 4]])
    assert stream.words_per_epoch == 5
    ids, starts = stream.take(4)
    assert ids.tolist() == [0, 1, 2, 3] and starts.tolist() == [0, 3]
    ids, starts = stream.take(4)  # the last word of the epoch, then the next epoch
    assert ids.tolist() == [4, 0, 1, 2] and starts.tolist() == [0, 1]


def test_sentences_start_at_articles_and_every_sentence_words():
    starts = sentence_starts(np.array([0, 5, 5, 5 + 2 * SENTENCE + 1]))
    assert starts.tolist() == [0, 5, 5 + SENTENCE, 5 + 2 * SENTENCE]


def test_corpus_file_ends_every_batch_of_gensims_reader_on_a_filler(tmp_path):
    """Blocks of whole sentences of fewer than MAX_SENTENCE words, a filler line after each:
    gensim's reader (whole lines until a batch holds more than MAX_SENTENCE words) then never
    puts MAX_SENTENCE of our words in one batch, where it would stop training and counting."""
    keys, key_bytes = word_keys(12)
    assert keys[3] == "03" and key_bytes[11].tobytes() == b"11 "
    lengths = [6_000, 3_000, 999, 1_000, SENTENCE]
    ids = np.arange(sum(lengths)) % 12
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    path = tmp_path / "share.txt"
    tokens = write_corpus_file(path, ids, starts, key_bytes)
    lines = path.read_bytes().split(b"\n")[:-1]
    filler = FILLER.rstrip(b"\n")
    assert [len(line.split()) for line in lines] == [
        6_000,
        3_000,
        999,
        MAX_SENTENCE,
        1_000,
        MAX_SENTENCE,
        SENTENCE,
        MAX_SENTENCE,
    ]
    assert lines[3] == lines[5] == lines[7] == filler
    assert tokens == sum(lengths) + 3 * MAX_SENTENCE
    words = b" ".join(line for line in lines if line != filler).split()
    assert [int(word) for word in words] == ids.tolist()
