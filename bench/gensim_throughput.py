"""gensim word2vec throughput: the workflow's token iterator against gensim's corpus_file mode.

The workflow streams articles to gensim from tokens/*.npz through a Python iterator
(qwemflow.word2vec.TokenArticles), wrapped by the SpectrumRecorder that takes Figure 2's
singular values as words stream out. gensim's corpus_file mode reads a plain-text file of the
same tokens (one sentence a line) in its C workers instead, but it calls callbacks only at epoch
ends. This bench trains on the same tokens, vocabulary and settings in each mode, in turn:

- iterator: TokenArticles alone;
- iterator+recorder: as train_word2vec.py runs it (200 log-spaced singular-value records);
- corpus_file: the same sentences written to a text file.

    python bench/gensim_throughput.py PATH/enwiki-extract              # ~5M tokens, 1 epoch
    python bench/gensim_throughput.py PATH/enwiki-extract --repeats 3 --csv out.csv

PATH is a WikiExtractor output (folders of wiki_NN[.bz2] files) or any corpus files qwemflow
reads. The articles are read in file order, text8-normalized as extract_text.py does (articles of
at least --min-article-words words), until --tokens tokens; the vocabulary is their --vocab most
frequent words, out-of-vocabulary words are dropped (tokenize_part.py). Settings default to
config/wikiextractor-paper.yaml's (sample 1e-5, negative 5, L = 16, d = 200). Prints corpus
words per second (words of the corpus fed to training, before subsampling, over the training
time) of each mode, the median over --repeats, its ratio to the workflow's mode, and words per
second of this process's CPU time (steadier than wall time on a shared machine).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from gensim.models import Word2Vec

from qwemflow.corpus import iter_tokenized_articles
from qwemflow.dynamics import log_spaced_steps
from qwemflow.vocab import encode_articles, top_words
from qwemflow.word2vec import SpectrumRecorder, TokenArticles, train_sgns

MODES = ("iterator", "iterator+recorder", "corpus_file")


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


def write_sentences(sentences, path: Path) -> None:
    """One sentence a line, words separated by spaces: gensim's corpus_file format."""
    with open(path, "w", encoding="utf-8") as sink:
        for sentence in sentences:
            sink.write(" ".join(sentence))
            sink.write("\n")


def train_from_file(path: Path, word_counts: dict[str, int], settings: dict) -> None:
    """train_sgns's model, trained from a text file in gensim's corpus_file mode."""
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
        workers=settings["workers"],
        sorted_vocab=False,
    )
    model.build_vocab_from_freq(word_counts)
    model.train(
        corpus_file=str(path),
        total_words=sum(word_counts.values()),
        epochs=settings["epochs"],
    )


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
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--csv", type=Path, help="append one row per mode to this file")
    args = parser.parse_args()
    settings = {
        key: getattr(args, key)
        for key in ("dim", "window", "negative", "sample", "alpha", "epochs", "workers", "seed")
    }

    articles = first_articles(corpus_files(args.corpus), args.tokens, args.min_article_words)
    word_counts = dict(
        top_words(Counter(word for article in articles for word in article), args.vocab)
    )
    vocab = list(word_counts)
    ids, offsets = encode_articles(articles, vocab)
    corpus_words = len(ids)
    print(
        f"{len(articles)} articles, {sum(map(len, articles)):,} tokens, {corpus_words:,} in the "
        f"top {len(vocab)} words; {settings}"
    )
    del articles

    with tempfile.TemporaryDirectory() as scratch:
        token_file = Path(scratch, "tokens.npz")
        np.savez(token_file, ids=ids, offsets=offsets)
        articles = TokenArticles([token_file], vocab)
        text_file = Path(scratch, "tokens.txt")
        write_sentences(articles, text_file)

        def iterator():
            train_sgns(articles, word_counts, **settings)

        def iterator_with_recorder():
            total = settings["epochs"] * corpus_words
            recorder = SpectrumRecorder(
                articles, log_spaced_steps(total, 200), [total // 100, total // 10]
            )
            train_sgns(recorder, word_counts, **settings, callbacks=(recorder,))

        runs = {
            "iterator": iterator,
            "iterator+recorder": iterator_with_recorder,
            "corpus_file": lambda: train_from_file(text_file, word_counts, settings),
        }
        seconds = {mode: [] for mode in args.modes}
        cpu_seconds = {mode: [] for mode in args.modes}
        for _ in range(args.repeats):
            for mode in args.modes:
                start, start_cpu = time.perf_counter(), time.process_time()
                runs[mode]()
                seconds[mode].append(time.perf_counter() - start)
                cpu_seconds[mode].append(time.process_time() - start_cpu)

    words_fed = settings["epochs"] * corpus_words
    rates = {mode: words_fed / statistics.median(times) for mode, times in seconds.items()}
    baseline = "iterator+recorder" if "iterator+recorder" in rates else args.modes[0]
    rows = []
    for mode, rate in rates.items():
        ratio = rate / rates[baseline]
        cpu_rate = words_fed / statistics.median(cpu_seconds[mode])
        times = ", ".join(f"{t:.1f}" for t in seconds[mode])
        print(
            f"{mode:18s} {rate:>10,.0f} words/s  x{ratio:.2f} of {baseline}  ({times} s); "
            f"{cpu_rate:,.0f} words per CPU second"
        )
        rows.append(
            {
                "mode": mode,
                "words_per_s": round(rate),
                "ratio": round(ratio, 3),
                "words_per_cpu_s": round(cpu_rate),
            }
        )
    if args.csv:
        new = not args.csv.exists()
        with open(args.csv, "a", newline="") as sink:
            writer = csv.DictWriter(
                sink,
                fieldnames=[
                    "mode",
                    "words_per_s",
                    "ratio",
                    "words_per_cpu_s",
                    "corpus_words",
                    *settings,
                ],
            )
            if new:
                writer.writeheader()
            for row in rows:
                writer.writerow({**row, "corpus_words": corpus_words, **settings})


if __name__ == "__main__":
    main()
