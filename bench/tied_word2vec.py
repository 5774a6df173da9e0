"""The paper's word2vec two ways on one corpus: the tied gensim model trained on the corpus
stream (the workflow's sgns-tied, from a finished run) against full-batch gradient descent on
its expected loss (tied SGNS, word2vec's weights, the same init, eta lambda_1(T) = 0.1), stopped
at 30 and at 100 tau_1. Each is scored on Google analogies (paper protocol) and by the overlap of
its column space with M*'s top-d eigenvectors; M*'s eigen-embedding is the reference row.

Reads a run's counts, M* spectrum, vocabulary and sgns-tied embedding (V and d from the names):

    python bench/tied_word2vec.py results/wikiextractor500 --setting V3000_L16_d200 \
        --sample 1e-5 --negative 1 --dtype float32 --out bench/results/tied_word2vec_V3000.csv
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from qwemflow.backend import resolve_backend
from qwemflow.dynamics import run_dynamics, subspace_overlap
from qwemflow.evaluate import paper_protocol_analogies, read_analogy_sections
from qwemflow.files import load_npz
from qwemflow.sources import gensim_test_data
from qwemflow.spectral import eigen_embeddings, load_word2vec
from qwemflow.vocab import read_word_counts


def score(name, words, embedding, sections, mstar_vectors, seconds=np.nan) -> dict:
    full = paper_protocol_analogies(words, embedding, sections).set_index("category").loc["full"]
    return {
        "model": name,
        "google_analogies": float(full["accuracy"]),
        "n_questions": int(full["n_questions"]),
        "overlap_with_mstar": subspace_overlap(np.asarray(embedding, float), mstar_vectors),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="results/<corpus> of a finished run")
    parser.add_argument("--setting", required=True, help="V<V>_L<L>_d<d>")
    parser.add_argument("--sample", type=float, required=True, help="tied_word2vec.sample")
    parser.add_argument("--negative", type=float, required=True, help="tied_word2vec.negative")
    parser.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default="float64",
        help="compute.dtype of the full-batch run (float32: about 3x faster on a CPU)",
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    vocab_size, window, dim = (int(part[1:]) for part in args.setting.split("_"))
    words = list(read_word_counts(args.results / f"vocab/V{vocab_size}.tsv"))
    sections = read_analogy_sections(gensim_test_data("questions-words.txt"))
    with load_npz(args.results / f"counts/V{vocab_size}_L{window}.npz", "merge_counts") as stats:
        p_joint, p_word = stats["p_joint"], stats["p_word"]
    with np.load(args.results / f"spectra/V{vocab_size}_L{window}/mstar.npz") as spectrum:
        values, vectors = spectrum["values"], spectrum["vectors"]
    mstar_vectors = vectors[:, :dim]
    rows = [
        score(
            "M* (closed form)",
            words,
            eigen_embeddings(values, vectors, dim),
            sections,
            mstar_vectors,
        )
    ]
    stream_words, stream = load_word2vec(args.results / f"embeddings/{args.setting}/sgns-tied.txt")
    assert stream_words == words
    rows.append(
        score("tied word2vec, corpus stream (gensim)", words, stream, sections, mstar_vectors)
    )
    start = time.perf_counter()
    result = run_dynamics(
        p_joint,
        p_word,
        {"loss": "sgns", "reweighting": "word2vec", "init": 1e-12},
        {
            "learning_rate": 0.1,
            "t_max_over_tau1": 100,
            "batch_size": None,
            "n_records": 100,
            "psi": args.negative,
            "seed": 0,
        },
        dim,
        args.sample,
        mstar_eigenpairs=(values, vectors),
        backend=resolve_backend({"device": "cpu", "dtype": args.dtype}),
        name="sgns-tied-gd",
        snapshot_times=[30, 100],
    )
    seconds = time.perf_counter() - start
    for step, snapshot in zip(result.snapshot_steps, result.snapshots, strict=True):
        time_over_tau1 = step / result.tau1
        rows.append(
            score(
                f"tied SGNS, full-batch GD to {time_over_tau1:.0f} tau_1 ({step} steps)",
                words,
                snapshot,
                sections,
                mstar_vectors,
                seconds * time_over_tau1 / 100,
            )
        )
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
