"""How the workflow's cost grows with corpus size and V, and what all of Wikipedia would cost.

Each measurement runs in a fresh child process, which reports its wall time and peak resident
memory (ru_maxrss: the whole job's memory, inputs included):
- extraction: the real bundled dump (bz2 XML -> normalized text, one core) and tokenization;
- counting: the co-occurrence kernel (2 threads) on synthetic tokens, against tokens at V=10000
  and against V at a fixed token count;
- eigen: the top eigenpairs of M* (what the spectrum job does), against V;
- trainer: one full-batch QWEM step (Setting 3.1; the dynamics job's matrices), against V;
- dag: the whole default DAG at V=10000 on the bundled dump, peak memory per rule from Snakemake's
  benchmark files (dynamics and word2vec shortened: their memory does not depend on the run length).
Writes a CSV (one row per measurement, with the 1-minute load average of the machine when it
started), a plot (PDF + PNG), and prints the fitted growth exponents and the projection for all of
English Wikipedia (4e9 tokens, V=10000; the paper's corpus keeps its articles of at least 500
words, a part of it) on one 2-core machine and on N such nodes.

    python bench/scaling.py                    # default sizes: about 15 minutes on 2 cores
    python bench/scaling.py --smoke            # tiny sizes, seconds (checks the bench runs)
    python bench/scaling.py --no-dag --tokens 1e6 1e7 --vocabs 1000 3000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from qwemflow.counts import (
    cooccurrence_counts,
    count_pairs,
    joint_probabilities,
    unigram_probabilities,
)
from qwemflow.plots import save_figure
from qwemflow.synthetic import SyntheticCorpus

REPO = Path(__file__).resolve().parents[1]

WINDOW = 16
WIKIPEDIA_TOKENS = 4e9  # all of English Wikipedia, before the paper's 500-word article filter
WIKIPEDIA_VOCAB = 10_000
COLUMNS = [
    "stage",
    "tokens",
    "vocab",
    "dim",
    "threads",
    "seconds",
    "peak_rss_mb",
    "tokens_per_s",
    "tokenize_seconds",
    "load_1min",
    "note",
]
STAGES = ["extraction", "counting", "eigen", "trainer", "dag"]


def synthetic_tokens(n_tokens: int, vocab_size: int, seed: int = 0):
    """About n_tokens synthetic in-vocabulary ids over vocab_size words (the default config's
    planted structure; a Zipfian background twice as large as the vocabulary, so that
    out-of-vocabulary words exist and are dropped)."""
    settings = yaml.safe_load((REPO / "config.yaml").read_text())["corpus"]["synthetic"]
    settings = {**settings, "parts": 1, "seed": seed, "base_words": 2 * vocab_size}
    law = SyntheticCorpus.from_config({**settings, "n_tokens": n_tokens}).expected_frequencies()
    in_vocabulary = np.sort(law)[::-1][:vocab_size].sum()
    corpus = SyntheticCorpus.from_config({**settings, "n_tokens": round(n_tokens / in_vocabulary)})
    return corpus.vocabulary_ids(1, vocab_size)


def synthetic_probabilities(n_tokens: int, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """P(i,j) and P(i) of synthetic tokens, as the merge job stores them."""
    ids, offsets = synthetic_tokens(n_tokens, vocab_size)
    counts = cooccurrence_counts(ids, offsets, vocab_size, WINDOW, threads=2)
    p_joint = joint_probabilities(counts, count_pairs(np.diff(offsets), WINDOW), WINDOW)
    return p_joint, unigram_probabilities(np.bincount(ids, minlength=vocab_size))


def measure_extraction(args) -> dict:
    """The bundled real dump: extraction (one core, as one job per part) then tokenization."""
    from qwemflow.corpus import iter_tokenized_articles, read_articles, write_articles
    from qwemflow.sources import BUNDLED_DUMP, gensim_test_data
    from qwemflow.vocab import encode_articles, top_words

    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "part.txt.gz"
        start = time.perf_counter()
        counts = write_articles(
            iter_tokenized_articles(gensim_test_data(BUNDLED_DUMP), min_words=50), text
        )
        extraction = time.perf_counter() - start
        vocab = [word for word, _ in top_words(counts, args.vocab)]
        start = time.perf_counter()
        ids, _ = encode_articles(read_articles(text), vocab)
        tokenization = time.perf_counter() - start
    n_tokens = sum(counts.values())
    return {
        "tokens": n_tokens,
        "seconds": extraction,
        "tokenize_seconds": tokenization,
        "in_vocabulary": len(ids),
    }


def measure_counting(args) -> dict:
    ids, offsets = synthetic_tokens(args.tokens, args.vocab)
    # compile first, on a 2-word vocabulary: a discarded V x V result can stay resident here
    cooccurrence_counts(
        np.zeros(1000, ids.dtype), np.array([0, 1000]), 2, WINDOW, threads=args.threads
    )
    start = time.perf_counter()
    cooccurrence_counts(ids, offsets, args.vocab, WINDOW, threads=args.threads)
    return {"tokens": len(ids), "seconds": time.perf_counter() - start}


def measure_eigen(args) -> dict:
    from qwemflow.eigensolver import top_eigenpairs
    from qwemflow.targets import m_star

    matrix = m_star(*synthetic_probabilities(args.tokens, args.vocab))
    start = time.perf_counter()
    top_eigenpairs(matrix, min(args.dim, args.vocab))
    return {"tokens": args.tokens, "seconds": time.perf_counter() - start}


def measure_trainer(args) -> dict:
    """Seconds per full-batch step, with the matrices the dynamics job holds."""
    from qwemflow.dynamics import initial_embeddings, pair_weights, train

    positive, negative = pair_weights(
        *synthetic_probabilities(args.tokens, args.vocab), "setting-3.1"
    )
    w0 = initial_embeddings(args.vocab, args.dim, 1e-3, 0)
    steps = args.steps
    start = time.perf_counter()
    train(positive, negative, "qwem", w0, 1e-3, steps, np.array([0]))
    return {
        "tokens": args.tokens,
        "seconds": (time.perf_counter() - start) / steps,
        "note": f"per step (mean of {steps})",
    }


MEASURES = {
    "extraction": measure_extraction,
    "counting": measure_counting,
    "eigen": measure_eigen,
    "trainer": measure_trainer,
}


def run_child(stage: str, **sizes) -> dict:
    """One measurement in a fresh process: its wall time and its peak resident memory."""
    command = [sys.executable, __file__, "--measure", stage]
    for key, value in sizes.items():
        command += [f"--{key}", str(value)]
    load = os.getloadavg()[0]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    row = json.loads(result.stdout.strip().splitlines()[-1])
    row.update(
        stage=stage,
        load_1min=round(load, 2),
        threads=sizes.get("threads", 1),
        vocab=sizes.get("vocab"),
        dim=sizes.get("dim", ""),
    )
    return row


def dag_config(workdir: Path) -> None:
    """The default config at V=10000, dynamics and word2vec shortened (their memory does not
    depend on the run length)."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config["vocab_size"] = WIKIPEDIA_VOCAB
    config["word2vec"]["epochs"] = 1
    config["dynamics"]["t_max_over_tau1"] = 4.5  # past Figure 1's last snapshot (4 tau_1)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))


def dag_peak_memory(workdir: Path, cores: int) -> list[dict]:
    """The default DAG at V=10000 on the bundled dump, run in workdir (jobs already done there are
    kept); then the jobs' peak memory."""
    dag_config(workdir)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(REPO / "Snakefile"),
            "--directory",
            str(workdir),
            "--cores",
            str(cores),
            "--quiet",
            "all",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return dag_job_memory(workdir, cores)


def dag_job_memory(workdir: Path, cores: int) -> list[dict]:
    """One row per results stage (its largest job) from Snakemake's benchmark files in workdir,
    and a row 'dag' with the largest of all (of the jobs that have run)."""
    per_stage: dict[str, dict] = {}
    for path in (workdir / "benchmarks").rglob("*.tsv"):
        with open(path) as source:
            record = next(csv.DictReader(source, delimiter="\t"))
        stage = path.relative_to(workdir / "benchmarks").parts[1]  # benchmarks/<corpus>/<stage>/...
        rss = float(record["max_rss"]) if record["max_rss"] not in ("", "-", "NA") else 0.0
        if rss >= per_stage.get(stage, {}).get("peak_rss_mb", -1):
            per_stage[stage] = {
                "peak_rss_mb": rss,
                "seconds": float(record["s"]),
                "note": str(path.relative_to(workdir)),
            }
    rows = [
        {
            "stage": f"dag:{stage}",
            "vocab": WIKIPEDIA_VOCAB,
            "threads": cores,
            "load_1min": "",
            **values,
        }
        for stage, values in sorted(per_stage.items())
    ]
    rows.append(
        {
            "stage": "dag",
            "vocab": WIKIPEDIA_VOCAB,
            "threads": cores,
            "load_1min": "",
            "seconds": sum(r["seconds"] for r in rows),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
            "note": f"bundled dump, {len(list((workdir / 'benchmarks').rglob('*.tsv')))} jobs (max over jobs; seconds: their sum)",
        }
    )
    return rows


def read_rows(path: Path) -> list[dict]:
    """Rows of an earlier run's CSV, numbers as numbers."""

    def number(text):
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
        return text

    with open(path, newline="") as source:
        return [
            {key: number(value) for key, value in row.items()} for row in csv.DictReader(source)
        ]


def growth_exponent(sizes, seconds) -> float:
    """Slope of log(seconds) against log(size): 1 is linear, 2 quadratic."""
    sizes, seconds = np.asarray(sizes, float), np.asarray(seconds, float)
    return (
        float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0]) if len(sizes) > 1 else float("nan")
    )


def linear_fit(sizes, seconds) -> tuple[float, float]:
    """seconds = fixed + per_unit * size, least squares (counting: a V x V cost plus a cost per token)."""
    per_unit, fixed = np.polyfit(np.asarray(sizes, float), np.asarray(seconds, float), 1)
    return float(fixed), float(per_unit)


def fit_power(sizes, seconds, at: float) -> float:
    """Seconds at `at` from a power law fitted to the largest measurements (log-log, last 3)."""
    sizes, seconds = np.asarray(sizes, float)[-3:], np.asarray(seconds, float)[-3:]
    if len(sizes) == 1:
        return float(seconds[0] * at / sizes[0])
    slope, intercept = np.polyfit(np.log(sizes), np.log(seconds), 1)
    return float(np.exp(intercept + slope * np.log(at)))


def projection(rows: list[dict], nodes: list[int], trainer_steps: int) -> list[str]:
    """All of English Wikipedia at V=10000 on N nodes of 2 cores: per-part stages divide by N,
    the V x V stages (merge, eigen-embeddings, trainer) run on one node."""

    def pick(stage, **match):
        return [
            r for r in rows if r["stage"] == stage and all(r.get(k) == v for k, v in match.items())
        ]

    extraction = pick("extraction")[0]
    per_core = extraction["tokens"] / (extraction["seconds"] + extraction["tokenize_seconds"])
    counting = [r for r in pick("counting", vocab=WIKIPEDIA_VOCAB) if r["note"] == "vs tokens"]
    fixed, per_token = linear_fit([r["tokens"] for r in counting], [r["seconds"] for r in counting])
    count_s = fixed + per_token * WIKIPEDIA_TOKENS
    eigen = sorted(pick("eigen"), key=lambda r: r["vocab"])
    eigen_s = fit_power([r["vocab"] for r in eigen], [r["seconds"] for r in eigen], WIKIPEDIA_VOCAB)
    trainer = sorted(pick("trainer"), key=lambda r: r["vocab"])
    step_s = fit_power(
        [r["vocab"] for r in trainer], [r["seconds"] for r in trainer], WIKIPEDIA_VOCAB
    )
    lines = [
        f"All of English Wikipedia: {WIKIPEDIA_TOKENS:.0e} tokens, V={WIKIPEDIA_VOCAB}, nodes of 2 cores "
        f"(measured per core: extraction+tokenization {per_core / 1e3:.0f}k tokens/s)",
        f"{'nodes':>6} {'extract+tokenize':>17} {'count':>9} {'4 eigen-embeddings':>19} {f'trainer x{trainer_steps}':>14} {'total':>9}",
    ]
    for n in nodes:
        extract_h = WIKIPEDIA_TOKENS / (per_core * 2 * n) / 3600
        count_h = count_s / n / 3600
        eigen_h = 4 * eigen_s / 3600
        trainer_h = trainer_steps * step_s / 3600
        total = extract_h + count_h + eigen_h + trainer_h
        lines.append(
            f"{n:>6} {extract_h:>16.2f}h {count_h:>8.3f}h {eigen_h:>18.2f}h {trainer_h:>13.2f}h {total:>8.2f}h"
        )
    return lines


def plot(rows: list[dict], out: Path) -> None:
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    counting = sorted(
        (r for r in rows if r["stage"] == "counting" and r["note"] == "vs tokens"),
        key=lambda r: r["tokens"],
    )
    axes[0].loglog(
        [r["tokens"] for r in counting],
        [r["seconds"] for r in counting],
        "o-",
        label="counting (V=10000)",
    )
    axes[0].set(xlabel="tokens", ylabel="wall time (s)", title="Cost against corpus size")
    for stage, marker in (("counting-vs-V", "o-"), ("eigen", "s-"), ("trainer", "^-")):
        name = "counting" if stage == "counting-vs-V" else stage
        points = sorted(
            (
                r
                for r in rows
                if r["stage"] == name and (stage != "counting-vs-V" or r["note"] == "vs V")
            ),
            key=lambda r: r["vocab"],
        )
        if points:
            label = {
                "counting-vs-V": f"counting ({points[0]['tokens'] / 1e6:.0f}M tokens)",
                "eigen": "top eigenpairs of M*",
                "trainer": "trainer, one step",
            }[stage]
            axes[1].loglog(
                [r["vocab"] for r in points], [r["seconds"] for r in points], marker, label=label
            )
            axes[2].loglog(
                [r["vocab"] for r in points],
                [r["peak_rss_mb"] / 1024 for r in points],
                marker,
                label=label,
            )
    axes[1].set(xlabel="V", ylabel="wall time (s)", title="Cost against V")
    axes[2].axhline(6, color="grey", linestyle="--", label="goal: 6 GiB")
    axes[2].set(xlabel="V", ylabel="peak memory (GiB)", title="Peak memory against V")
    for ax in axes:
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    save_figure(figure, out.with_suffix(".pdf"), out.with_suffix(".png"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tokens",
        type=float,
        nargs="+",
        default=[1e6, 1e7, 5e7, 2e8],
        help="counting against tokens, at V=10000",
    )
    parser.add_argument(
        "--vocabs",
        type=int,
        nargs="+",
        default=[1000, 3000, 10000, 30000],
        help="counting against V",
    )
    parser.add_argument(
        "--vocab-tokens", type=float, default=2e7, help="tokens of the counting-against-V runs"
    )
    parser.add_argument("--eigen-vocabs", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument(
        "--eigenpairs", type=int, default=200, help="eigenpairs computed (n_eigenpairs)"
    )
    parser.add_argument("--trainer-vocabs", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--trainer-dim", type=int, default=200)
    parser.add_argument("--trainer-steps", type=int, default=10, help="steps timed per measurement")
    parser.add_argument(
        "--projected-steps", type=int, default=10_000, help="trainer steps in the projection"
    )
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument(
        "--stages",
        nargs="*",
        choices=STAGES,
        default=STAGES,
        help="what to measure (none: only summarize the --include files)",
    )
    parser.add_argument(
        "--dag-workdir",
        type=Path,
        help="where the DAG runs (kept; a rerun resumes it); without the "
        "dag stage, the jobs' memory is read from an earlier, possibly partial, run there",
    )
    parser.add_argument(
        "--include",
        type=Path,
        nargs="+",
        default=[],
        help="rows of earlier runs (CSV) to add to this one",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes: checks that the bench runs"
    )
    parser.add_argument("--csv", type=Path, default=REPO / "bench" / "results" / "scaling.csv")
    parser.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--vocab", type=int, default=WIKIPEDIA_VOCAB, help=argparse.SUPPRESS)
    parser.add_argument("--dim", type=int, default=200, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=10, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        args.tokens = int(args.tokens[0]) if isinstance(args.tokens, list) else int(args.tokens)
        row = MEASURES[args.measure](args)
        row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(row))
        return
    if args.smoke:
        args.tokens, args.vocabs, args.vocab_tokens = [1e5, 3e5], [300, 1000], 1e5
        args.eigen_vocabs, args.eigenpairs, args.trainer_vocabs, args.trainer_dim = (
            [300, 600],
            20,
            [300, 600],
            20,
        )
        args.trainer_steps, args.stages = 2, [stage for stage in args.stages if stage != "dag"]

    rows = [row for path in args.include for row in read_rows(path)]
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    sink = open(args.csv, "w", newline="")
    writer = csv.DictWriter(sink, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)

    def record(row):
        """Keep, print and write one row at once (an interrupted run keeps what it measured)."""
        row.setdefault("tokens", "")
        row.setdefault("note", "")
        row["tokens_per_s"] = (
            round(row["tokens"] / row["seconds"])
            if row["tokens"] and row["stage"] in ("counting", "extraction")
            else ""
        )
        rows.append(row)
        writer.writerow(
            {
                key: (round(value, 4) if isinstance(value, float) else value)
                for key, value in row.items()
            }
        )
        sink.flush()
        print(
            f"{row['stage']:>10} tokens={row['tokens']!s:>11} V={row['vocab']!s:>6} {row['seconds']:9.3f} s "
            f"peak {row['peak_rss_mb']:8.0f} MB  load {row['load_1min']}  {row['note']}",
            flush=True,
        )

    counting_vocab = WIKIPEDIA_VOCAB if not args.smoke else 1000
    if "extraction" in args.stages:
        extraction = run_child("extraction", vocab=counting_vocab)
        record(
            {
                **extraction,
                "note": f"bundled dump, 1 core; tokenization {extraction['tokenize_seconds']:.2f} s "
                f"({extraction['tokens'] / extraction['tokenize_seconds'] / 1e3:.0f}k tokens/s)",
            }
        )
    if "counting" in args.stages:
        for n in args.tokens:
            record(
                {
                    **run_child("counting", tokens=int(n), vocab=counting_vocab, threads=2),
                    "note": "vs tokens",
                }
            )
        for v in args.vocabs:
            record(
                {
                    **run_child("counting", tokens=int(args.vocab_tokens), vocab=v, threads=2),
                    "note": "vs V",
                }
            )
    if "eigen" in args.stages:
        for v in args.eigen_vocabs:
            record(
                {
                    **run_child(
                        "eigen",
                        tokens=int(args.vocab_tokens),
                        vocab=v,
                        dim=args.eigenpairs,
                        threads=2,
                    ),
                    "note": f"top {args.eigenpairs} eigenpairs",
                }
            )
    if "trainer" in args.stages:
        for v in args.trainer_vocabs:
            row = run_child(
                "trainer",
                tokens=int(args.vocab_tokens),
                vocab=v,
                dim=args.trainer_dim,
                steps=args.trainer_steps,
                threads=2,
            )
            record({**row, "note": f"d={args.trainer_dim}, {row['note']}"})
    if "dag" in args.stages:
        workdir = args.dag_workdir or Path(tempfile.mkdtemp(prefix="qwem-scaling-"))
        for row in dag_peak_memory(workdir, cores=2):
            record(row)
    elif args.dag_workdir:
        for row in dag_job_memory(args.dag_workdir, cores=2):
            record(row)
    sink.close()
    plot(rows, args.csv.with_suffix(""))
    print(f"\nwrote {args.csv} and {args.csv.with_suffix('.pdf')} / .png")
    summarize(rows, args, counting_vocab)


def summarize(rows: list[dict], args, counting_vocab: int) -> None:
    """Growth exponents, the issue's goals and the Wikipedia projection, from whatever was measured."""
    counting = sorted(
        (r for r in rows if r["stage"] == "counting" and r["note"] == "vs tokens"),
        key=lambda r: r["tokens"],
    )
    by_v = {
        stage: sorted(
            (
                r
                for r in rows
                if r["stage"] == stage and (stage != "counting" or r["note"] == "vs V")
            ),
            key=lambda r: r["vocab"],
        )
        for stage in ("counting", "eigen", "trainer")
    }
    print("\nGrowth of wall time (exponents: log-log slopes):")
    if len(counting) > 1:
        fixed, per_token = linear_fit(
            [r["tokens"] for r in counting], [r["seconds"] for r in counting]
        )
        print(
            f"  counting vs tokens (V={counting_vocab}): {fixed:.2f} s + {per_token * 1e6:.3f} s per million tokens "
            f"(linear; the constant is the V x V matrix), slope {growth_exponent([r['tokens'] for r in counting][-2:], [r['seconds'] for r in counting][-2:]):.2f} between the two largest"
        )
    for stage, points in by_v.items():
        sizes, seconds = [r["vocab"] for r in points][-3:], [r["seconds"] for r in points][-3:]
        print(f"  {stage} vs V: exponent {growth_exponent(sizes, seconds):.2f} over V = {sizes}")
    if counting:
        largest = counting[-1]
        print(
            f"\nGoal: {largest['tokens'] / 1e6:.0f}M synthetic tokens counted at V={largest['vocab']} on 2 cores in "
            f"{largest['seconds']:.1f} s (goal: under 120 s), peak memory {largest['peak_rss_mb'] / 1024:.2f} GiB"
        )
    dag = [r for r in rows if r["stage"] == "dag"]
    if dag:
        worst = max(
            (r for r in rows if r["stage"].startswith("dag:")), key=lambda r: r["peak_rss_mb"]
        )
        print(
            f"Goal: peak memory of the whole DAG at V=10000: {dag[0]['peak_rss_mb'] / 1024:.2f} GiB "
            f"({worst['stage'][4:]}; goal: under 6 GiB)"
        )
    extraction = [r for r in rows if r["stage"] == "extraction"]
    if extraction:
        print(
            f"Goal: extraction of the real bundled dump: {extraction[0]['tokens'] / extraction[0]['seconds'] / 1e3:.0f}k tokens/s per core"
        )
    if not args.smoke and extraction and counting and by_v["eigen"] and by_v["trainer"]:
        print()
        print("\n".join(projection(rows, args.nodes, args.projected_steps)))
    loads = [r["load_1min"] for r in rows if isinstance(r["load_1min"], (int, float))]
    if loads:
        print(
            f"\nMachine load (1-minute average, 2 cores) when the measurements started: {min(loads)} to {max(loads)}"
        )


if __name__ == "__main__":
    main()
