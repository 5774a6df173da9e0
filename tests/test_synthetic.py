"""The synthetic corpus: deterministic parts of exact sizes, and the ground truth it plants (topics
recovered by the top eigenvectors of M*, analogies solved by the M* eigen-embeddings), checked
on a DAG run; and the exact, one-shard-at-a-time merge of count shards."""

import tracemalloc

import numpy as np
import pytest
import yaml
from conftest import REPO

from qwemflow.corpus import read_articles
from qwemflow.counts import cooccurrence_counts, count_pairs, merge_count_shards
from qwemflow.dynamics import log_spaced_steps
from qwemflow.evaluate import paper_protocol_analogies
from qwemflow.spectral import load_word2vec
from qwemflow.synthetic import SyntheticCorpus, synthetic_manifest
from qwemflow.vocab import read_word_counts
from qwemflow.word2vec import snapshot_words

# the counting kernels these tests call, compiled once at session start (conftest.count_kernels)
pytestmark = pytest.mark.usefixtures("count_kernels")

SETTINGS = yaml.safe_load((REPO / "config.yaml").read_text())["corpus"]["synthetic"]


def small_corpus(**changes) -> SyntheticCorpus:
    return SyntheticCorpus.from_config({**SETTINGS, "n_tokens": 300_000, "parts": 3, **changes})


def test_parts_are_deterministic_exact_and_independent(tmp_path):
    corpus = small_corpus()
    assert [corpus.part_tokens(p) for p in (1, 2, 3)] == [100_000] * 3
    assert [row["size"] for row in synthetic_manifest(corpus)] == [100_000] * 3
    first = corpus.write_part(2, tmp_path / "a.txt.gz")
    again = corpus.write_part(2, tmp_path / "b.txt.gz")
    other = corpus.write_part(3, tmp_path / "c.txt.gz")
    # byte-identical files, gzip header included (no time, no file name)
    assert (tmp_path / "a.txt.gz").read_bytes() == (tmp_path / "b.txt.gz").read_bytes()
    assert first == again and first != other
    articles = list(read_articles(tmp_path / "a.txt.gz"))
    assert sum(map(len, articles)) == 100_000 and all(articles)
    assert sum(first.values()) == 100_000
    # chunked generation: a part bigger than a chunk has the same size and law
    chunked = list(corpus.iter_chunks(1, chunk_tokens=10_000))
    assert sum(len(ids) for ids, _ in chunked) == 100_000
    assert all(offsets[-1] == len(ids) for ids, offsets in chunked)


def test_word_frequencies_follow_the_generator():
    corpus = small_corpus(n_tokens=2_000_000, parts=1)
    ids = np.concatenate([ids for ids, _ in corpus.iter_chunks(1)])
    observed = np.bincount(ids, minlength=len(corpus.words)) / len(ids)
    expected = corpus.expected_frequencies()
    assert expected.sum() == pytest.approx(1.0)
    # Background words vary token by token (within 5 Poisson sigmas, plus 2% for the documents'
    # varying background share); planted words vary with the documents' topics and bits (a few
    # thousand documents), so they are compared as groups.
    n, background = len(ids), slice(0, corpus.base_words)
    deviation = np.abs(observed[background] - expected[background]) * n
    assert np.all(
        deviation <= 5 * np.sqrt(expected[background] * n) + 0.02 * expected[background] * n
    )
    groups = np.cumsum(
        [
            0,
            corpus.base_words,
            corpus.n_topics * corpus.topic_words,
            corpus.n_topics * 2**corpus.n_attributes,
        ]
    )
    for start, end in zip(groups[1:], [*groups[2:], len(expected)], strict=True):
        assert observed[start:end].sum() == pytest.approx(expected[start:end].sum(), rel=0.03)


def test_weights_must_leave_room_for_background_words():
    with pytest.raises(ValueError, match="sum to less than 1"):
        small_corpus(topics={**SETTINGS["topics"], "weight": 0.8})


@pytest.fixture(scope="module")
def synthetic_run(dag_runs):
    """The default synthetic corpus (4M tokens, 2 parts) through the DAG up to the M* embeddings
    and the paper's word2vec (conftest.synthetic_workflow_dir), started in the background when
    the session starts: its results and the corpus that planted them."""
    workdir = dag_runs["synthetic_run"].finished()
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    return workdir / "results" / "synthetic", SyntheticCorpus.from_config(
        config["corpus"]["synthetic"]
    )


@pytest.mark.workflow
def test_top_eigenvectors_of_m_star_recover_the_planted_topics(synthetic_run):
    results, corpus = synthetic_run
    vocab = list(read_word_counts(results / "vocab" / "V500.tsv"))
    index = {word: i for i, word in enumerate(vocab)}
    with np.load(results / "spectra" / "V500_L16" / "mstar.npz") as spectrum:
        top = spectrum["vectors"][:, :12]
    topics = [[index[word] for word in words] for words in corpus.topics()]
    rows = np.concatenate(topics)
    # Read on the topic words, the top eigenvectors span every topic's indicator centred on the
    # mean of all topics' (M* has no top eigenvector along the "any topic" direction; the topic
    # eigenvectors also load on the families, which co-occur with their topic's words).
    indicators = np.zeros((len(rows), len(topics)))
    for t, members in enumerate(topics):
        indicators[np.isin(rows, members), t] = 1
    centred = indicators - indicators.mean(axis=1, keepdims=True)
    basis, _ = np.linalg.qr(top[rows])
    captured = np.linalg.norm(basis.T @ centred, axis=0) / np.linalg.norm(centred, axis=0)
    assert captured.min() > 0.99, captured
    # Clustering topic words by their top-eigenvector coordinates gives back the topics: every
    # word's nearest topic word (cosine) is of its own topic.
    labels = np.repeat(np.arange(len(topics)), [len(r) for r in topics])
    unit = top[rows] / np.linalg.norm(top[rows], axis=1, keepdims=True)
    cosine = unit @ unit.T
    np.fill_diagonal(cosine, -np.inf)
    assert np.array_equal(labels[cosine.argmax(axis=1)], labels)


@pytest.mark.workflow
def test_m_star_embeddings_solve_the_planted_analogies(synthetic_run):
    results, corpus = synthetic_run
    words, vectors = load_word2vec(results / "embeddings" / "V500_L16_d12" / "mstar.txt")
    table = paper_protocol_analogies(words, vectors, corpus.analogy_sections()).set_index(
        "category"
    )
    pairs_per_attribute = corpus.n_topics * 2 ** (corpus.n_attributes - 1)
    assert (
        table.loc["full", "n_pairs"] == corpus.n_attributes * pairs_per_attribute
    )  # all planted words are in the vocabulary
    assert table.loc["full", "accuracy"] > 0.97, table


@pytest.mark.workflow
def test_tied_word2vec_in_the_dag_solves_the_planted_analogies(synthetic_run):
    """The paper's word2vec (gensim's skip-gram, one matrix for words and contexts, from init
    1e-12) learns the planted structure from the token stream, on the rule's 2 threads, and
    records its states at exactly the word counts one worker would."""
    results, corpus = synthetic_run
    words, vectors = load_word2vec(results / "embeddings" / "V500_L16_d12" / "sgns-tied.txt")
    total = 3 * sum(read_word_counts(results / "vocab" / "V500.tsv").values())
    with np.load(results / "dynamics" / "V500_L16_d12" / "word2vec-tied.npz") as run:
        assert run["tied"] and run["singular_values"][0, 0] < 1e-9
        np.testing.assert_allclose(vectors, run["snapshots"][-1], rtol=1e-6)
        np.testing.assert_array_equal(run["words"], log_spaced_steps(total, 200))
        assert list(run["snapshot_words"]) == [*snapshot_words(total, 25), total]
    log = (
        results.parent.parent / "logs/synthetic/embeddings/V500_L16_d12/sgns-tied.log"
    ).read_text()
    assert f"tied on 2 threads: {total} words trained" in log
    table = paper_protocol_analogies(words, vectors, corpus.analogy_sections()).set_index(
        "category"
    )
    assert table.loc["full", "accuracy"] > 0.9, table


@pytest.mark.workflow
def test_full_batch_tied_sgns_run_in_the_dag_solves_the_planted_analogies(synthetic_run):
    """The cross-check of the paper's word2vec (tied weights, word2vec's subsampling and
    negatives, small init, full-batch gradient descent on the expected loss to 30 tau_1) becomes
    an embedding in word2vec format that learns the planted structure."""
    results, corpus = synthetic_run
    run = np.load(results / "dynamics" / "V500_L16_d12" / "sgns-tied-gd.npz")
    assert run["steps"][-1] >= 30 * float(run["tau1"])
    assert np.all(np.diff(run["loss"]) <= 1e-12) and run["loss"][-1] < 0.95 * run["loss"][0]
    words, vectors = load_word2vec(results / "embeddings" / "V500_L16_d12" / "sgns-tied-gd.txt")
    np.testing.assert_allclose(vectors, run["final"], rtol=1e-6)
    table = paper_protocol_analogies(words, vectors, corpus.analogy_sections()).set_index(
        "category"
    )
    assert table.loc["full", "accuracy"] > 0.9, table


def test_merging_count_shards_is_exact_and_holds_one_shard_at_a_time(tmp_path):
    corpus = small_corpus(n_tokens=600_000, parts=6)
    vocab_size, window = len(corpus.words), 5
    shards = []
    for part in range(1, 7):
        ids, offsets = next(corpus.iter_chunks(part, chunk_tokens=200_000))
        ids = ids.astype(np.uint16)
        counts = cooccurrence_counts(ids, offsets, vocab_size, window)
        path = tmp_path / f"{part}.npz"
        np.savez(
            path,
            counts=counts,
            n_pairs=count_pairs(np.diff(offsets), window),
            word_counts=np.bincount(ids, minlength=vocab_size),
        )
        shards.append(path)
    all_ids = [next(corpus.iter_chunks(part, chunk_tokens=200_000)) for part in range(1, 7)]
    ids = np.concatenate([i for i, _ in all_ids]).astype(np.uint16)
    offsets = np.concatenate([[0], np.cumsum(np.concatenate([np.diff(o) for _, o in all_ids]))])
    total = cooccurrence_counts(ids, offsets, vocab_size, window)

    shard_bytes = vocab_size**2 * 8
    tracemalloc.start()
    counts, word_counts, n_pairs = merge_count_shards(shards)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert np.array_equal(counts, total)
    assert np.array_equal(word_counts, np.bincount(ids, minlength=vocab_size))
    assert n_pairs == count_pairs(np.diff(offsets), window)
    assert peak < 2.5 * shard_bytes  # the accumulator and one shard, not six

    np.savez(tmp_path / "other.npz", counts=np.zeros((3, 3)), n_pairs=0, word_counts=np.zeros(3))
    with pytest.raises(ValueError, match="other.npz"):
        merge_count_shards([shards[0], tmp_path / "other.npz"])
