"""gensim word2vec throughput: the workflow's trainer at 1, 2, ... workers, against gensim's own
iterator mode (one train() call fed by a Python iterator) at the same worker counts.

The workflow (qwemflow.word2vec.train_sgns) trains slice by slice of the word stream, each slice
written as one text file per worker that gensim's C reader trains on without the GIL, and reads
the model between slices (here the 200 log-spaced singular-value records of train_word2vec.py).
gensim's iterator mode is the reference: one Python thread feeds every worker.

    python bench/gensim_throughput.py PATH/enwiki-extract                 # ~5M tokens, 1 epoch
    python bench/gensim_throughput.py PATH/enwiki-extract --workers 1 2 --repeats 3 --csv out.csv

PATH is a WikiExtractor output (folders of wiki_NN[.bz2] files) or any corpus files qwemflow
reads. The articles are read in file order, text8-normalized as extract_text.py does (articles of
at least --min-article-words words), until --tokens tokens; the vocabulary is their --vocab most
frequent words, out-of-vocabulary words are dropped (tokenize_part.py). Settings default to
config/wikiextractor-paper.yaml's untied baseline (sample 1e-5, negative 5, L = 16, d = 200).
Prints corpus words per second (words of the corpus fed to training, before subsampling, over the
training time) of each mode and worker count, the median over --repeats, and its speed-up over
the same mode at one worker.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections import Counter
from pathlib import Path

from gensim.models import Word2Vec

from qwemflow.corpus import iter_tokenized_articles
from qwemflow.dynamics import log_spaced_steps
from qwemflow.vocab import encode_articles, top_words
from qwemflow.word2vec import TokenStream, Trajectory, sentence_starts, train_sgns

MODES = ("workflow", "workflow-unrecorded", "gensim-iterator")


def corpus_files(paths: list[Path]) -> list[Path]:
    """Files in the order given, a folder's wiki_* files (any depth) in name order."""
    files = []
    for path in paths:
        files.extend(sorted(path.rglob("wiki_*")) if path.is_dir() else [path])
    return files


def first_articles(files: list[Path], n_tokens: int, min_words: int) -> list[list[str]]:
    """Tokenized articles, in file order, until n_tokens tokens."""
    articles, total = [], 0
    for tokens in iter_tokenized_articles(files, min_words):
        articles.append(tokens)
        total += len(tokens)
        if total >= n_tokens:
            break
    return articles


def train_workflow(ids, offsets, counts, settings, workers, records=200):
    """As train_word2vec.py runs it: slices, `records` singular-value records (0: slices of
    SLICE_WORDS only, the slicing's own cost)."""
    stream = TokenStream(lambda: iter([(ids, sentence_starts(offsets))]), len(ids))
    total = settings["epochs"] * len(ids)
    trajectory = Trajectory(log_spaced_steps(total, records) if records else [], [], total)
    train_sgns(
        stream, counts, **settings, workers=workers, stops=trajectory.record, on_stop=trajectory
    )
    trajectory.arrays()


def train_gensim_iterator(sentences, word_counts, settings, workers):
    """One train() call on sentences held in memory, gensim's own job queue."""
    model = Word2Vec(
        vector_size=settings["dim"],
        window=settings["window"],
        sg=1,
        hs=0,
        negative=settings["negative"],
        sample=settings["sample"],
        alpha=settings["alpha"],
        min_count=1,
        seed=settings["seed"],
        workers=workers,
        sorted_vocab=False,
    )
    model.build_vocab_from_freq(word_counts)
    model.train(sentences, total_words=sum(word_counts.values()), epochs=settings["epochs"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, nargs="+", help="corpus files or folders of them")
    parser.add_argument("--tokens", type=int, default=5_000_000)
    parser.add_argument("--min-article-words", type=int, default=500)
    parser.add_argument("--vocab", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=200)
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-5)
    parser.add_argument("--alpha", type=float, default=0.025)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--csv", type=Path, help="append one row per mode and worker count")
    args = parser.parse_args()
    settings = {
        key: getattr(args, key)
        for key in ("dim", "window", "negative", "sample", "alpha", "epochs", "seed")
    }

    articles = first_articles(corpus_files(args.corpus), args.tokens, args.min_article_words)
    word_counts = dict(
        top_words(Counter(word for article in articles for word in article), args.vocab)
    )
    vocab = list(word_counts)
    ids, offsets = encode_articles(articles, vocab)
    kept = set(vocab)
    sentences = [
        piece
        for article in articles
        for words in [[w for w in article if w in kept]]
        for piece in (words[i : i + 10_000] for i in range(0, len(words), 10_000))
    ]
    corpus_words = len(ids)
    print(
        f"{len(articles)} articles, {sum(map(len, articles)):,} tokens, {corpus_words:,} in the "
        f"top {len(vocab)} words; {settings}"
    )
    del articles

    runs = {
        "workflow": lambda w: train_workflow(ids, offsets, list(word_counts.values()), settings, w),
        "workflow-unrecorded": lambda w: train_workflow(
            ids, offsets, list(word_counts.values()), settings, w, records=0
        ),
        "gensim-iterator": lambda w: train_gensim_iterator(sentences, word_counts, settings, w),
    }
    seconds = {(mode, w): [] for mode in args.modes for w in args.workers}
    for _ in range(args.repeats):
        for mode, workers in seconds:
            start = time.perf_counter()
            runs[mode](workers)
            seconds[mode, workers].append(time.perf_counter() - start)

    words_fed = settings["epochs"] * corpus_words
    rows = []
    for (mode, workers), times in seconds.items():
        rate = words_fed / statistics.median(times)
        speedup = statistics.median(seconds[mode, args.workers[0]]) / statistics.median(times)
        print(
            f"{mode:16s} {workers:3d} workers {rate:>10,.0f} words/s  x{speedup:.2f} of "
            f"{args.workers[0]} worker(s)  ({', '.join(f'{t:.1f}' for t in times)} s)"
        )
        rows.append(
            {"mode": mode, "workers": workers, "words_per_s": round(rate), "speedup": speedup}
        )
    if args.csv:
        new = not args.csv.exists()
        with open(args.csv, "a", newline="") as sink:
            writer = csv.DictWriter(sink, fieldnames=[*rows[0], "corpus_words", *settings])
            if new:
                writer.writeheader()
            for row in rows:
                writer.writerow({**row, "corpus_words": corpus_words, **settings})


if __name__ == "__main__":
    main()
