"""The workflow's cost model, its one home: for every rule of the DAG, the wall time a job is
expected to take (no safety factor) and the memory it holds, from what it does: the tokens of its
part or corpus, V, L, d, epochs, negatives, a dynamics run's steps, the threads it is given.

The rates are this project's measurements on its 2-core VM (Intel Xeon, 23 GiB; bench/README.md,
"Forecast"): Snakemake's benchmark files of the default DAG and of the paper preset on the 32M-word
Wikipedia extract, and the stage benchmarks of bench/. gensim's speed-up on many workers is not
measured here: it is gensim 3.6.0's published corpus_file benchmark (12x at 16 workers, 20x at 32).

The same numbers serve two readers: the rules' cluster requests (SLURM's --time and --mem, from the
sizes of a job's input files: `request_minutes`, `mem_mb`), and `snakemake forecast`
(qwemflow.forecast), which gives them the sizes it expects before any input exists. A request is
the expected time x SAFETY x attempt (a retry after a timeout asks for more), plus a floor.

`sizes` is a mapping with what is known of a job's data, each key optional:
  part_tokens        words of the job's part (extraction and tokenization: all of them)
  part_vocab_tokens  in-vocabulary tokens of the job's part (counting)
  parts              parts of the corpus (the vocabulary, the merge, the summary)
  tokens             words of the whole corpus
  counts             the vocabulary's counts, most frequent first (gensim's subsampling)
  vocab_tokens       in-vocabulary tokens of the corpus, where counts is not known
  max_part_vocab_tokens  in-vocabulary tokens of the largest part (gensim's memory)
  wordcounts_mb      MB of the parts' word count files (the vocabulary's memory)
  source_bytes       bytes of the files a part is extracted from
  parsed_words       words in them, short articles included (extraction reads them all)
  mediawiki          whether those are MediaWiki XML (wiki markup to strip) or plain text
A missing size counts as 0 (a job of that size costs its fixed part: the floor).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import numpy as np

from qwemflow.backend import runs_on_numpy
from qwemflow.eigensolver import few_enough_for_lanczos

SAFETY = 2.0
FLOOR_MINUTES = 10
MACHINE = "2-core VM (Intel Xeon, 23 GiB): the rates' reference"

# A job's own start: a new Python process, Snakemake's script wrapper, numpy and qwemflow imported
# (the default DAG's shortest jobs, e.g. benchmark_table, provenance: 1 to 2 s of CPU)
START_SECONDS = 2.0
# matplotlib imported, one figure drawn and saved as PDF and PNG (the default DAG's plots: 2 to 4 s
# of CPU)
PLOT_SECONDS = 1.5
# extraction, words a second on one core: wiki markup stripped by gensim's filter_wiki (the bundled
# dump: 250k words a second of CPU, its text written), or WikiExtractor/plain text (the extract's
# parts of 14M to 18M words: 571k to 797k a job; bench/stage_throughput.py)
EXTRACT_MEDIAWIKI_WORDS_PER_SECOND = 250e3
EXTRACT_TEXT_WORDS_PER_SECOND = 600e3
# source bytes a word: the bundled bz2 MediaWiki dump (1.7 MB for 519k words of articles of >= 50
# words); plain text about 6 (a word and a space), compressed (bz2, zip) about 2 (the extract's
# bz2 WikiExtractor files: 58 MB for 34.6M words of the articles kept); the extracted text,
# gzipped (the sample: 1.1 MB for 519k words)
MEDIAWIKI_BZ2_BYTES_PER_WORD = 3.3
MEDIAWIKI_BYTES_PER_WORD = 12.0
TEXT_BYTES_PER_WORD = 6.0
COMPRESSED_TEXT_BYTES_PER_WORD = 2.0
GZIP_TEXT_BYTES_PER_WORD = 2.15
# the downloads: not measured (they depend on the mirror); dumps.wikimedia.org serves a few MB/s
DOWNLOAD_BYTES_PER_SECOND = 5e6
# generated text, a prefix cut from a corpus's text: not measured (guesses, a scale study's jobs)
SYNTHETIC_WORDS_PER_SECOND = 1.0e6
PREFIX_WORDS_PER_SECOND = 1.0e6
# tokenization: the extract's parts of 14M to 18M words in 3.7 to 5.8 s a part
TOKENIZE_WORDS_PER_SECOND = 4.5e6
# the counting kernel, in-vocabulary tokens a second on one thread (45M/s on 2 threads), and the
# V x V matrix it fills, symmetrizes and saves (the extract: 20 and 4 s a part at V = 10,000)
COUNT_TOKENS_PER_THREAD_SECOND = 22e6
COUNT_SECONDS_PER_VV = 4e-8
# merging: the merged V x V matrices written, and each shard read and added (the extract at
# V = 10,000: 7 to 8 s for 1, 2 or 4 shards)
MERGE_SECONDS_PER_VV = 5e-8
MERGE_SHARD_SECONDS_PER_VV = 1e-8
# the targets and their spectra: a full eigh (all 10,000 eigenpairs of M*: 100 s idle, 3.5 min in
# the preset's DAG beside gensim), block Lanczos for the top k (k = 400: 38 to 51 s)
TARGET_SECONDS_PER_VV = 5e-8
EIGH_SECONDS_PER_VVV = 1.7e-10
LANCZOS_SECONDS_PER_VVK = 7e-10
# gensim skip-gram, one worker: seconds a (kept word, context, sample) pair, a + b d (each kept
# word has L + 1 contexts on average, gensim's reduced windows, and 1 + negative samples each).
# Fitted to CPU times: the preset's two gensim jobs on the 32M-word extract (d = 200: 14.0 and 9.7
# min, 2.1e-7 s a pair) and the default DAG's (d = 50: 88 and 20 s, 1.2e-7 s a pair)
GENSIM_SECONDS_PER_PAIR = 8.5e-8
GENSIM_SECONDS_PER_PAIR_DIM = 6.1e-10
# gensim's corpus_file training on w threads runs w / (1 + SERIAL (w - 1)) times as fast as on one:
# its release notes (3.6.0) measured 12x at 16 workers and 20x at 32 on English Wikipedia
GENSIM_SERIAL_FRACTION = 0.021
# the trajectory: singular values of the V x d word vectors at 200 points (an SVD each)
WORD2VEC_RECORDS = 200
SVD_SECONDS_PER_VDD = 4e-10
# the tied model's expected loss at each snapshot: a V x V x d product and the loss's terms (the
# extract: 26 at V = 10,000, d = 200 in 73 s of CPU)
LOSS_SECONDS_PER_VVD = 1.4e-10
# one full-batch step on numpy: 0.78 s for V^2 d = 2e10 (tied SGNS at V = 10,000, d = 200)
FULL_BATCH_SECONDS_PER_VVD = 3.9e-11
# ... and numpy's own cost of a step's dozen calls (the default DAG's ablation runs on 500 words:
# 1,650 steps in 3 to 5 s of CPU)
FULL_BATCH_STEP_SECONDS = 1e-3
# every dynamics run reads the V x V counts and M*'s spectrum and builds its targets (the preset's
# 500-word ablation runs at V = 10,000: 14 s and more, against 3 to 5 s at V = 2,000)
DYNAMICS_SETUP_SECONDS_PER_VV = 1e-7
# a run in M*'s eigenbasis first turns its V x V targets into that basis (the preset's init-0.1
# QWEM run, 1,940 steps: 1.9 min)
EIGENBASIS_SETUP_SECONDS_PER_VVV = 4e-11
# one step in M*'s eigenbasis: 9,920 QWEM steps of V d^2 = 4e8 in 7.5 min of CPU (the preset's
# QWEM run on the extract)
EIGENBASIS_SECONDS_PER_VDD = 9.5e-11
# one minibatch step: its sampled pairs, a + b d each, with the sparse products around them (the
# SGD run, 1,650 steps of 2 x 20,000 pairs: 26 s of CPU at d = 50 in the default DAG, 59 s at
# d = 200 in the preset's)
MINIBATCH_SECONDS_PER_PAIR = 2.3e-7
MINIBATCH_SECONDS_PER_PAIR_DIM = 3.3e-9
# the tied word2vec's modes on the theory's clock: the subsampled stream's pair counts (a pass over
# the tokens, like counting) and the linearizations' top eigenpairs (the extract at V = 10,000,
# d = 200: 15 s of CPU; the default DAG at V = 2,000: 3 s)
WORD2VEC_MODES_SECONDS_PER_VV = 1.2e-7
# dense numerics on more threads (BLAS): an Amdahl serial share (not measured: a guess)
BLAS_SERIAL_FRACTION = 0.3
# an analogy evaluation of a V x d embedding (Google analogies, both protocols, and similarities)
EVALUATE_SECONDS_PER_VD = 2e-6
# the learning curve's Google-analogy evaluations (the extract: 75 of V = 10,000, d = 200 in 75 s)
LEARNING_CURVE_SECONDS_PER_VD = 5e-7
# the eigen-embeddings of Figure 4: V x dims scores for each family and each of its dimensions
FIG4_SECONDS_PER_V_DIM = 1e-6
# the largest eigenvalue of M* over V, before M* is known (V = 2,000 on the sample: 0.21; 10,000
# on the extract: 0.24), for a dynamics run's tau_1
MSTAR_TOP_EIGENVALUE_PER_WORD = 0.22
# the share of tokens outside the V most frequent words: 23% at V = 2,000 on the sample, 10.4% at
# 10,000 on the extract: OOV_SCALE V^-OOV_EXPONENT
OOV_SCALE = 9.75
OOV_EXPONENT = 0.49


def gensim_speedup(threads: int) -> float:
    """How many times faster gensim trains on `threads` workers than on one."""
    return threads / (1 + GENSIM_SERIAL_FRACTION * (threads - 1))


def blas_speedup(threads: int) -> float:
    """How many times faster the dense numerics run on `threads` BLAS threads than on one."""
    return threads / (1 + BLAS_SERIAL_FRACTION * (threads - 1))


def vocab_share(vocab_size: int) -> float:
    """The share of a corpus's tokens in its V most frequent words, before the vocabulary is
    known."""
    return max(0.0, 1.0 - OOV_SCALE * vocab_size**-OOV_EXPONENT)


def zipf_counts(vocab_tokens: float, vocab_size: int) -> np.ndarray:
    """Counts of the V words of a vocabulary holding vocab_tokens tokens, Zipf's law (count ~ 1 /
    rank), for gensim's subsampling before the vocabulary is known."""
    ranks = np.arange(1, vocab_size + 1, dtype=float)
    return vocab_tokens / ranks / np.sum(1 / ranks)


def kept_tokens(counts, sample: float) -> float:
    """Tokens gensim trains on in one epoch after its subsampling (gensim's own formula: a word of
    count v is kept with probability (sqrt(v / t) + 1) t / v, t = sample x all tokens)."""
    counts = np.asarray(counts, dtype=float)
    if counts.size == 0 or not sample:
        return float(counts.sum())
    threshold = sample * counts.sum()
    keep = np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)
    return float(np.sum(counts * keep))


def vocab_counts(sizes: Mapping, vocab_size: int) -> np.ndarray:
    """The vocabulary's counts: known, or Zipf's law over the expected in-vocabulary tokens."""
    if sizes.get("counts") is not None:
        return np.asarray(sizes["counts"], dtype=float)
    tokens = sizes.get("vocab_tokens")
    if tokens is None:
        tokens = vocab_share(vocab_size) * sizes.get("tokens", 0)
    return zipf_counts(tokens, vocab_size)


def gensim_seconds(
    counts, sample: float, epochs: int, window: int, negative: int, dim: int, threads: int = 1
) -> float:
    """A gensim skip-gram run: each kept word of each epoch updates L + 1 context words on
    average with 1 + negative samples, each an update of d floats, on `threads` workers; and
    the trajectory's SVDs."""
    pairs = kept_tokens(counts, sample) * epochs * (window + 1) * (negative + 1)
    seconds = pairs * (GENSIM_SECONDS_PER_PAIR + GENSIM_SECONDS_PER_PAIR_DIM * dim)
    record = WORD2VEC_RECORDS * len(counts) * dim**2 * SVD_SECONDS_PER_VDD
    return seconds / gensim_speedup(threads) + record


def tau1_expected(vocab_size: int, init: float, learning_rate: float) -> float:
    """tau_1 in steps with M*'s expected top eigenvalue (MSTAR_TOP_EIGENVALUE_PER_WORD x V)."""
    top = MSTAR_TOP_EIGENVALUE_PER_WORD * vocab_size
    return math.log(max(top / init**2, math.e)) / (2 * math.log1p(learning_rate))


def dynamics_seconds(
    words: int,
    dim: int,
    init: float,
    learning_rate: float,
    t_max_over_tau1: float,
    batch_size: int | None,
    in_eigenbasis: bool,
    n_records: int = 300,
    threads: int = 1,
    vocab_size: int | None = None,
) -> float:
    """A dynamics run of t_max_over_tau1 times tau_1 steps on `words` words: O(V d^2) a step in
    M*'s eigenbasis (after one full eigendecomposition), O(batch d) by minibatches, O(V^2 d)
    for a full-batch step otherwise; plus the recorded spectra and losses, and reading the V x V
    statistics of the whole vocabulary (vocab_size, default `words`)."""
    vocab_size = words if vocab_size is None else vocab_size
    steps = t_max_over_tau1 * tau1_expected(words, init, learning_rate)
    seconds = vocab_size**2 * DYNAMICS_SETUP_SECONDS_PER_VV
    if in_eigenbasis:
        seconds += words**3 * EIGENBASIS_SETUP_SECONDS_PER_VVV
        seconds += steps * words * dim**2 * EIGENBASIS_SECONDS_PER_VDD
    elif batch_size is not None:
        pairs = steps * 2 * batch_size
        seconds += pairs * (MINIBATCH_SECONDS_PER_PAIR + MINIBATCH_SECONDS_PER_PAIR_DIM * dim)
        seconds += n_records * words**2 * dim * FULL_BATCH_SECONDS_PER_VVD  # the exact losses
    else:
        seconds += steps * (words**2 * dim * FULL_BATCH_SECONDS_PER_VVD + FULL_BATCH_STEP_SECONDS)
    return seconds / blas_speedup(threads)


def trains_in_mstar_eigenbasis(config: Mapping, run: Mapping, vocab_size: int) -> bool:
    """Whether a dynamics run descends in M*'s own eigenbasis: full-batch QWEM under Setting 3.1
    with psi = 1 on the whole vocabulary (top_words trains on another matrix)."""
    settings = {**config["dynamics"], **run}
    return (
        run["loss"] == "qwem"
        and run["reweighting"] == "setting-3.1"
        and settings["psi"] == 1
        and settings["batch_size"] is None
        and run.get("top_words", vocab_size) >= vocab_size
    )


def spectrum_eigenpairs(config: Mapping, target: str, vocab_size: int) -> int:
    """Eigenpairs a spectrum job computes (the rules' n_eigenpairs; common.smk says why)."""
    wanted = config["spectral"]["n_eigenpairs"]
    if target in ("mstar", "pmi", "ppmi", "g"):
        wanted = max(wanted, config["figures"]["appendix"]["spectra_rank"])
    if target == "mstar":
        wanted = max(wanted, config["figures"]["fig4"]["max_dim"])
        if any(
            trains_in_mstar_eigenbasis(config, run, vocab_size)
            for run in config["dynamics"]["runs"].values()
            if run is not None
        ):
            wanted = vocab_size
    return min(wanted, vocab_size)


def _int(wildcards: Mapping, key: str, default: int) -> int:
    return int(wildcards[key]) if key in wildcards else default


def expected_seconds(
    rule: str, wildcards: Mapping, config: Mapping, sizes: Mapping, threads: int = 1
) -> float:
    """Expected wall time of one job of `rule` on the reference machine (no safety factor)."""
    vocab_size = _int(wildcards, "V", config["vocab_size"])
    window = _int(wildcards, "L", config["window"])
    dim = _int(wildcards, "d", config["dim"])
    part_tokens = sizes.get("part_tokens", 0) or 0
    parts = sizes.get("parts", 1) or 1
    if rule in ("all", "counts", "table", "figures", "linear", "scale_study", "forecast"):
        return 0.0  # named targets: no job of their own (forecast: the forecast_files job)
    if rule == "download_part":
        return START_SECONDS + (sizes.get("source_bytes", 0) or 0) / DOWNLOAD_BYTES_PER_SECOND
    if rule == "extract_text":
        rate = (
            EXTRACT_MEDIAWIKI_WORDS_PER_SECOND
            if sizes.get("mediawiki", True)
            else EXTRACT_TEXT_WORDS_PER_SECOND
        )
        return START_SECONDS + max(part_tokens, sizes.get("parsed_words", 0) or 0) / rate
    if rule == "synthesize_text":
        return START_SECONDS + part_tokens / SYNTHETIC_WORDS_PER_SECOND
    if rule == "prefix_text":
        return START_SECONDS + _int(wildcards, "words", 0) / PREFIX_WORDS_PER_SECOND
    if rule == "vocabulary":
        return START_SECONDS + 0.5 * parts
    if rule == "tokenize":
        return START_SECONDS + part_tokens / TOKENIZE_WORDS_PER_SECOND
    if rule == "count_part":
        tokens = sizes.get("part_vocab_tokens", 0) or 0
        return (
            START_SECONDS
            + tokens / (COUNT_TOKENS_PER_THREAD_SECOND * threads)
            + vocab_size**2 * COUNT_SECONDS_PER_VV
        )
    if rule == "merge_counts":
        return START_SECONDS + vocab_size**2 * (
            MERGE_SECONDS_PER_VV + parts * MERGE_SHARD_SECONDS_PER_VV
        )
    if rule == "spectrum":
        k = spectrum_eigenpairs(config, wildcards.get("target", "mstar"), vocab_size)
        if few_enough_for_lanczos(vocab_size, k):
            eigen = vocab_size**2 * (k + 100) * LANCZOS_SECONDS_PER_VVK
        else:
            eigen = vocab_size**3 * EIGH_SECONDS_PER_VVV
        build = vocab_size**2 * TARGET_SECONDS_PER_VV
        return START_SECONDS + build + eigen / blas_speedup(threads)
    if rule in ("word2vec", "tied_word2vec"):
        settings = config[rule]
        return START_SECONDS + gensim_seconds(
            vocab_counts(sizes, vocab_size),
            settings["sample"],
            settings["epochs"],
            window,
            settings["negative"],
            dim,
            threads,
        )
    if rule == "word2vec_modes":
        tokens = sizes.get("vocab_tokens", 0) or 0
        return (
            START_SECONDS
            + tokens / COUNT_TOKENS_PER_THREAD_SECOND
            + vocab_size**2 * WORD2VEC_MODES_SECONDS_PER_VV
        )
    if rule == "tied_word2vec_loss":
        snapshots = config["tied_word2vec"]["snapshots"] + 1
        return START_SECONDS + snapshots * vocab_size**2 * dim * LOSS_SECONDS_PER_VVD
    if rule == "dynamics":
        run = config["dynamics"]["runs"][wildcards["run"]]
        settings = {**config["dynamics"], **run}
        words = min(run.get("top_words", vocab_size), vocab_size)
        return START_SECONDS + dynamics_seconds(
            words,
            dim,
            run["init"],
            settings["learning_rate"],
            settings["t_max_over_tau1"],
            settings["batch_size"],
            trains_in_mstar_eigenbasis(config, run, vocab_size),
            settings["n_records"],
            threads,
            vocab_size,
        )
    if rule == "evaluate_model":
        return START_SECONDS + vocab_size * dim * EVALUATE_SECONDS_PER_VD
    if rule == "fig4_data":
        dims = min(config["figures"]["fig4"]["max_dim"], vocab_size)
        return START_SECONDS + vocab_size * dims * FIG4_SECONDS_PER_V_DIM / threads
    if rule == "learning_curve_data":
        evaluations = 2 * config["learning_curve"]["times"] + config["tied_word2vec"]["snapshots"]
        return START_SECONDS + evaluations * vocab_size * dim * LEARNING_CURVE_SECONDS_PER_VD
    if rule in PLOTS:
        return START_SECONDS + PLOT_SECONDS
    if rule == "results_summary":
        return START_SECONDS + 0.5 * parts + vocab_size**2 * 1e-8
    if rule == "forecast_files":
        return START_SECONDS + 6.0  # the dry run that lists the jobs (a Snakemake process)
    return START_SECONDS


PLOTS = {
    "fig1",
    "fig2",
    "fig4",
    "top1_figure",
    "target_spectra",
    "embedding_overlap",
    "table_figure",
    "eigenfeatures_figure",
    "ablation",
    "learning_curve",
    "rise_times",
    "scale_study_figure",
    "performance",
}


def dense_mb(vocab_size: int, copies: int) -> int:
    """Memory of a job holding a few dense V x V float64 matrices."""
    return 1000 + int(copies * 8 * vocab_size**2 / 1e6)


def snapshots_mb(vocab_size: int, dim: int, snapshots: int) -> int:
    """A trajectory's snapshots: V x d float32 each, twice (kept, then saved)."""
    return int(2 * snapshots * 4 * vocab_size * dim / 1e6)


def mem_mb(rule: str, wildcards: Mapping, config: Mapping, sizes: Mapping) -> int:
    """Memory a job of `rule` holds at its peak, in MB (the rules' mem_mb request)."""
    vocab_size = _int(wildcards, "V", config["vocab_size"])
    dim = _int(wildcards, "d", config["dim"])
    max_document_mb = config["corpus"]["max_document_mb"]
    if rule in ("corpus_manifest", "download_part", "men_dataset", "provenance", "benchmark_table"):
        return 500
    if rule == "synthesize_text":
        return 1500  # generated and written a chunk at a time
    if rule == "extract_text":
        # a document at a time, each at most corpus.max_document_mb: measured 18x its size
        return 1000 + int(20 * max_document_mb)
    if rule == "prefix_text":
        return 1000 + int(5 * max_document_mb)
    if rule == "vocabulary":
        # the parts' word counts, merged in one dict (twice their files' size)
        return 1000 + int(2 * (sizes.get("wordcounts_mb", 0) or 0))
    if rule == "tokenize":
        # all ids of the part, plus one article split into interned tokens (measured 4.3x its
        # size): 8 times the part's gzipped text, 17 bytes a word
        return 1000 + int(17 * (sizes.get("part_tokens", 0) or 0) / 1e6 + 5 * max_document_mb)
    if rule == "count_part":
        # one V x V float64 matrix and its uint32 twin, the ids padded and their positions
        tokens = sizes.get("part_vocab_tokens", 0) or 0
        return 500 + int(2 * 8 * vocab_size**2 / 1e6) + int(60 * tokens / 1e6)
    if rule == "merge_counts":
        return dense_mb(vocab_size, 4)
    if rule == "spectrum":
        k = spectrum_eigenpairs(config, wildcards.get("target", "mstar"), vocab_size)
        # off numpy (config compute) every target is diagonalized whole
        full = not runs_on_numpy(config["compute"]) or not few_enough_for_lanczos(vocab_size, k)
        return dense_mb(vocab_size, 6 if full else 4)
    if rule in ("word2vec", "tied_word2vec"):
        # one part's ids at a time and one slice of the stream, gensim's two V x d matrices
        from qwemflow.word2vec import SLICE_WORDS

        held = (
            1500
            + int(8 * (sizes.get("max_part_vocab_tokens", 0) or 0) / 1e6)
            + int(SLICE_WORDS * 24 / 1e6)
            + int(6 * 8 * vocab_size * dim / 1e6)
        )
        if rule == "tied_word2vec":
            held += snapshots_mb(vocab_size, dim, config["tied_word2vec"]["snapshots"])
        return held
    if rule == "word2vec_modes":
        # the stream's pair counts and the linearizations beside the statistics (the extract at
        # V = 10,000: 4.9 GB), one part's ids at a time
        return dense_mb(vocab_size, 6) + int(8 * (sizes.get("max_part_vocab_tokens", 0) or 0) / 1e6)
    if rule == "tied_word2vec_loss":
        return dense_mb(vocab_size, 6) + snapshots_mb(
            vocab_size, dim, config["tied_word2vec"]["snapshots"]
        )
    if rule == "dynamics":
        run = wildcards.get("run")
        times = len(learning_curve_times(config, run)) if run is not None else 0
        return dense_mb(vocab_size, 9) + 3 * snapshots_mb(vocab_size, dim, times)
    if rule in ("eigen_embedding", "eigenfeatures"):
        return dense_mb(vocab_size, 1)
    if rule == "evaluate_model":
        return 1500 + int(8 * 8 * vocab_size * 1024 / 1e6)
    if rule == "fig4_data":
        dims = min(config["figures"]["fig4"]["max_dim"], vocab_size)
        k = spectrum_eigenpairs(config, "mstar", vocab_size)
        return 1000 + int(8 * vocab_size * (k + 3 * dims) / 1e6)
    if rule == "embedding_overlap_data":
        return 1000 + int(8 * 8 * vocab_size * dim / 1e6)
    if rule == "fig1_data":
        return 1000 + int(6 * 8 * vocab_size * dim / 1e6)
    if rule == "ablation_data":
        return 1000 + int(4 * 8 * vocab_size * dim / 1e6)
    if rule == "learning_curve_data":
        return (
            1500
            + 2 * snapshots_mb(vocab_size, dim, config["learning_curve"]["times"])
            + 2 * snapshots_mb(vocab_size, dim, config["tied_word2vec"]["snapshots"])
        )
    if rule == "results_summary":
        # M*'s eigenvectors read whole (up to V x V); each part's article offsets (8 bytes an
        # article of about 1,000 words) and one part's word counts at a time (a Python dict: about
        # 15 times its file)
        tokens = sizes.get("tokens", 0) or 0
        part_tokens = tokens / (sizes.get("parts", 1) or 1)
        return (
            dense_mb(vocab_size, 1) + 200 + int(8 * tokens / 1e9 + 15 * wordcounts_mb(part_tokens))
        )
    return 1000


def learning_curve_times(config: Mapping, run: str | None) -> list[float]:
    """The times (t / tau_1) at which a dynamics run keeps W: learning_curve.times log-spaced from
    0.5 tau_1 to the run's end for the learning curve's run, none for the others."""
    if run != config["learning_curve"]["run"]:
        return []
    settings = {**config["dynamics"], **config["dynamics"]["runs"][run]}
    return np.geomspace(
        0.5, settings["t_max_over_tau1"], config["learning_curve"]["times"]
    ).tolist()


def disk_mb(rule: str, wildcards: Mapping, config: Mapping, sizes: Mapping) -> int:
    """Scratch disk a job of `rule` uses beside its outputs, in MB (gensim's slice files)."""
    if rule in ("word2vec", "tied_word2vec"):
        from qwemflow.word2vec import SLICE_WORDS

        width = len(str(_int(wildcards, "V", config["vocab_size"])))
        return 100 + int(SLICE_WORDS * 2 * (width + 1) / 1e6)
    return 0


def output_mb(rule: str, wildcards: Mapping, config: Mapping, sizes: Mapping) -> float:
    """MB a job of `rule` writes to results/ (the per-part counts are temporary, deleted after
    the merge: the forecast's disk, the sum over all jobs, is an upper bound of the peak)."""
    vocab_size = _int(wildcards, "V", config["vocab_size"])
    dim = _int(wildcards, "d", config["dim"])
    if rule == "download_part":
        return (sizes.get("source_bytes", 0) or 0) / 1e6
    if rule in ("extract_text", "synthesize_text", "prefix_text"):
        return 2.7 * (sizes.get("part_tokens", 0) or 0) / 1e6  # gzipped text
    if rule == "tokenize":
        return 2 * vocab_share(vocab_size) * (sizes.get("part_tokens", 0) or 0) / 1e6
    if rule == "count_part":
        return 8 * vocab_size**2 / 1e6  # temporary
    if rule == "merge_counts":
        return 16 * vocab_size**2 / 1e6  # the counts and P(i,j)
    if rule == "spectrum":
        k = spectrum_eigenpairs(config, wildcards.get("target", "mstar"), vocab_size)
        return 8 * vocab_size * k / 1e6
    if rule in ("word2vec", "tied_word2vec", "dynamics"):
        return 12 * vocab_size * dim / 1e6
    return 1.0


def request_minutes(seconds: float, attempt: int = 1) -> int:
    """SLURM's --time for a job expected to take `seconds`: SAFETY x attempt x that, plus a floor
    (a node slower than the reference, a shared one, a retry after a timeout)."""
    return FLOOR_MINUTES + math.ceil(SAFETY * attempt * seconds / 60)


def source_words(filenames, sizes) -> tuple[float, bool]:
    """Words expected in source files of these names and byte sizes, and whether they are
    MediaWiki XML (wiki markup to strip, the slow extraction) rather than plain text."""
    words, mediawiki = 0.0, False
    for name, size in zip(filenames, sizes, strict=True):
        name = str(name).lower()
        if ".xml" in name:
            mediawiki = True
            per_word = (
                MEDIAWIKI_BZ2_BYTES_PER_WORD if name.endswith(".bz2") else MEDIAWIKI_BYTES_PER_WORD
            )
        elif name.endswith((".bz2", ".zip", ".gz")):
            per_word = COMPRESSED_TEXT_BYTES_PER_WORD
        else:
            per_word = TEXT_BYTES_PER_WORD
        words += size / per_word
    return words, mediawiki


def _size(path) -> int:
    return os.path.getsize(path) if os.path.exists(path) else 0


def _ids(path, vocab_size: int) -> int:
    """Word ids in a token file (uint16 ids below 65,536 words, uint32 above), from its size."""
    return _size(path) // (2 if vocab_size < 2**16 else 4)


def input_sizes(rule: str, inputs: Mapping, vocab_size: int, part: str | None = None) -> dict:
    """The sizes of a job's data (see the module's docstring) from its input files, as far as
    they exist: `inputs` maps the rule's input names to lists of paths, "" to all of them. A
    dry run before the inputs exist gets sizes 0, and so the floor of each request."""
    files = list(inputs.get("", []))
    sizes: dict = {}
    if rule == "extract_text":
        sizes["source_bytes"] = sum(_size(path) for path in files)
        words, mediawiki = source_words(files, [_size(path) for path in files])
        sizes.update(part_tokens=words, parsed_words=words, mediawiki=mediawiki)
    elif rule == "synthesize_text" and os.path.exists(inputs["manifest"][0]):
        from qwemflow.sources import read_manifest

        rows = read_manifest(inputs["manifest"][0])
        sizes["part_tokens"] = sum(int(row["size"]) for row in rows if row["part"] == part)
    elif rule == "tokenize":
        sizes["part_tokens"] = sum(_size(p) for p in inputs["text"]) / GZIP_TEXT_BYTES_PER_WORD
    elif rule == "count_part":
        sizes["part_vocab_tokens"] = sum(_ids(path, vocab_size) for path in files)
    elif rule == "vocabulary":
        sizes["parts"] = len(files)
        sizes["wordcounts_mb"] = sum(_size(path) for path in files) / 1e6
    elif rule == "merge_counts":
        sizes["parts"] = len(files)
    elif rule in ("word2vec", "tied_word2vec"):
        from qwemflow.vocab import read_word_counts

        vocab = inputs["vocab"][0]
        counts = list(read_word_counts(vocab).values()) if os.path.exists(vocab) else []
        sizes["counts"] = np.array(counts, dtype=float)
        sizes["max_part_vocab_tokens"] = max(
            (_ids(path, vocab_size) for path in inputs["tokens"]), default=0
        )
    elif rule == "word2vec_modes":
        ids = [_ids(path, vocab_size) for path in inputs["tokens"]]
        sizes.update(vocab_tokens=sum(ids), max_part_vocab_tokens=max(ids, default=0))
    elif rule == "results_summary":
        sizes["parts"] = len(inputs["tokens"])
        vocab_tokens = sum(_ids(path, vocab_size) for path in inputs["tokens"])
        sizes["tokens"] = vocab_tokens / max(vocab_share(vocab_size), 0.5)
    return sizes


def wordcounts_mb(part_tokens: float) -> float:
    """MB of one part's word count file (a line a distinct word, about 11 bytes), its distinct
    words by Heaps' law fitted to the sample (34,218 distinct in 519,002 words)."""
    return 11 * 13 * part_tokens**0.6 / 1e6


def _wildcards(wildcards) -> dict:
    return dict(wildcards.items())


def _inputs(input) -> dict:
    """A job's input files (Snakemake's InputFiles, a mapping of names to paths, or a list of
    unnamed paths) as input_sizes takes them."""
    items = input.items() if hasattr(input, "items") else []
    named = {name: [value] if isinstance(value, str) else list(value) for name, value in items}
    if isinstance(input, Mapping):
        files = [path for paths in named.values() for path in paths]
    else:
        files = [str(path) for path in input]
    return {"": files, **named}


def job_sizes(config: Mapping, rule: str, wildcards, input) -> dict:
    """What the cost model needs of a job's data, from its input files (the rules' requests)."""
    wildcards = _wildcards(wildcards)
    vocab_size = int(wildcards.get("V", config["vocab_size"]))
    return input_sizes(rule, _inputs(input), vocab_size, wildcards.get("part"))


def time_request(config: Mapping, rule: str):
    """Resource runtime (minutes, SLURM's --time) of `rule`'s jobs, as a function of a job's
    wildcards, input, threads and attempt: its expected time on its threads, from its input
    sizes, x SAFETY x attempt, plus a floor (request_minutes)."""

    def runtime(wildcards, input, threads, attempt):
        sizes = job_sizes(config, rule, wildcards, input)
        seconds = expected_seconds(rule, _wildcards(wildcards), config, sizes, threads)
        return request_minutes(seconds, attempt)

    return runtime


def memory_request(config: Mapping, rule: str):
    """Resource mem_mb of `rule`'s jobs: what the cost model says such a job holds."""

    def memory(wildcards, input):
        sizes = job_sizes(config, rule, wildcards, input)
        return mem_mb(rule, _wildcards(wildcards), config, sizes)

    return memory


def disk_request(config: Mapping, rule: str):
    """Resource disk_mb of `rule`'s jobs: their scratch files (gensim's slices)."""

    def disk(wildcards):
        return disk_mb(rule, _wildcards(wildcards), config, {})

    return disk
