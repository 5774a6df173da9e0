"""What training word2vec on more workers costs in accuracy: the workflow's trainer
(qwemflow.word2vec.train_sgns, as train_word2vec.py calls it) on a finished run's tokens and
vocabulary, at each --workers and --seeds, for the untied baseline and the paper's tied word2vec
with the run's config; every model scored on every row of the benchmark table
(qwemflow.evaluate.benchmark_table, MEN left out). One worker is deterministic for a seed, so the
seeds' spread is what a multi-worker difference is judged against; several workers differ from
run to run even at one seed (gensim's threads update the vectors without locks).

    python bench/word2vec_workers.py RUN_DIR --configfile config/wikiextractor-paper.yaml \
        --workers 1 2 --seeds 1 2 --out bench/results/word2vec_workers.csv

RUN_DIR is the run's working directory (its config as bench/forecast.py reads it); its
results/<corpus>/tokens and vocab are read. --processes runs that many trainings side by side
(each on its own workers). Rows are appended to --out as each training ends, so an interrupted
bench keeps what it measured.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from csv_rows import append_rows
from forecast import run_config

from qwemflow.evaluate import benchmark_table, read_similarity_pairs
from qwemflow.sources import gensim_test_data
from qwemflow.vocab import read_word_counts
from qwemflow.word2vec import TokenStream, train_sgns

MODELS = {"sgns": "word2vec", "sgns-tied": "tied_word2vec"}
COLUMNS = ("model", "workers", "seed", "benchmark", "score", "n_questions", "train_seconds")


def train_and_score(config: dict, results: Path, model: str, workers: int, seed: int) -> list:
    settings = config[MODELS[model]]
    vocab_size, window, dim = config["vocab_size"], config["window"], config["dim"]
    word_counts = read_word_counts(results / f"vocab/V{vocab_size}.tsv")
    stream = TokenStream.from_token_files(sorted((results / f"tokens/V{vocab_size}").glob("*.npz")))
    start = time.perf_counter()
    vectors = train_sgns(
        stream,
        list(word_counts.values()),
        dim=dim,
        window=window,
        negative=settings["negative"],
        sample=settings["sample"],
        epochs=settings["epochs"],
        alpha=settings["alpha"],
        seed=seed,
        workers=workers,
        init_scale=settings["init"],
        tied=model == "sgns-tied",
    )
    seconds = time.perf_counter() - start
    similarity = {
        "ws353": read_similarity_pairs(gensim_test_data("wordsim353.tsv")),
        "simlex999": read_similarity_pairs(gensim_test_data("simlex999.txt")),
        "men": None,
    }
    table = benchmark_table(
        model, list(word_counts), vectors, gensim_test_data("questions-words.txt"), similarity
    )
    table = table[table["category"].isin(["full", "all"])]
    return [
        (model, workers, seed, row.benchmark, row.score, row.n_questions, round(seconds, 1))
        for row in table.itertuples()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the run's working directory")
    parser.add_argument("--configfile", nargs="*", default=[])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    config = run_config(args.run, args.configfile)
    results = args.run / "results" / config["corpus"]["name"]
    jobs = [
        (model, workers, seed)
        for workers in args.workers
        for seed in args.seeds
        for model in args.models
    ]
    with ProcessPoolExecutor(args.processes) as pool:
        futures = [pool.submit(train_and_score, config, results, *job) for job in jobs]
        for future in futures:
            append_rows(args.out, COLUMNS, future.result())


if __name__ == "__main__":
    main()
