"""The results summary: this run's numbers beside the paper's headline findings (the benchmark
table, Markdown and HTML), and the run's cost per job from Snakemake's benchmark files. Text
only, so no plotting library is imported; the figures take their labels and cells from here."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import numpy as np
import pandas as pd

from qwemflow.paper import PAPER_ANALOGY, PAPER_EIGENFEATURES, PAPER_EIGENFEATURES_SOURCE

# Display name of each model, in the order the tables and figures list them.
MODEL_LABELS = {
    "sgns": "word2vec (gensim)",
    "sgns-tied": "word2vec (paper: tied SGNS)",
    "sgns-tied-gd": "tied SGNS, full-batch GD",
    "qwem": "QWEM",
    "mstar": "M* (closed form)",
    "pmi": "PMI",
    "ppmi": "PPMI",
    "ppmi-cds": "PPMI (cds 0.75)",
}
TABLE_COLUMNS = {
    ("analogy-paper", "full"): "Google analogies",
    ("analogy-classic", "full"): "Google (classic)",
    ("men", "all"): "MEN",
    ("ws353", "all"): "WS353",
    ("simlex999", "all"): "SimLex-999",
}


def table_cell(column: str, value: float) -> str:
    """A table cell: analogy accuracies as percentages, correlations with 3 decimals."""
    if pd.isna(value):
        return "—"
    return f"{100 * value:.1f}%" if "Google" in column else f"{value:.3f}"


def summary_table(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """One row per model, one column per headline benchmark, plus the paper's analogy score."""
    rows = []
    for model in [m for m in MODEL_LABELS if m in set(benchmarks["model"])]:
        scores = benchmarks[benchmarks["model"] == model].set_index(["benchmark", "category"])[
            "score"
        ]
        row = {"model": MODEL_LABELS[model]}
        for key, column in TABLE_COLUMNS.items():
            if key in scores.index:
                row[column] = scores[key]
        row["paper: Google analogies"] = PAPER_ANALOGY.get(model, np.nan)
        rows.append(row)
    return pd.DataFrame(rows)


def table_markdown(summary: pd.DataFrame, caption: str) -> str:
    """The summary as a Markdown table (percentages; a dash where there is no number)."""
    header = "| " + " | ".join(summary.columns) + " |"
    rule = "|" + "|".join("---" for _ in summary.columns) + "|"
    lines = [caption, "", header, rule]
    for _, row in summary.iterrows():
        cells = [row["model"]] + [
            table_cell(column, value) for column, value in row.drop("model").items()
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def scale_study_table(points: list[dict]) -> pd.DataFrame:
    """Google-analogy accuracy (paper protocol) of each model at each corpus size: one row per
    (corpus, model), smallest corpus first. Each point is {"corpus": name, "words": its size,
    "benchmarks": its models' benchmark rows}; the question count is the point's own, since each
    prefix has its own vocabulary and so keeps its own share of the questions."""
    rows = []
    for point in sorted(points, key=lambda point: point["words"]):
        benchmarks = point["benchmarks"]
        overall = benchmarks[
            (benchmarks["benchmark"] == "analogy-paper") & (benchmarks["category"] == "full")
        ]
        present = list(dict.fromkeys(overall["model"]))
        # the table's models in its order, then any other run the study names
        ordered = [m for m in MODEL_LABELS if m in present]
        for model in ordered + [m for m in present if m not in ordered]:
            row = overall[overall["model"] == model].iloc[0]
            rows.append(
                {
                    "corpus": point["corpus"],
                    "words": int(point["words"]),
                    "model": model,
                    "label": MODEL_LABELS.get(model, f"dynamics run {model}"),
                    "accuracy": float(row["score"]),
                    "n_questions": int(row["n_questions"]),
                }
            )
    return pd.DataFrame(rows)


def topic_words_found(topic: str, top_words: str, bottom_words: str) -> list[str]:
    """The words of a topic's name (e.g. 'geography', 'cartography') that occur verbatim among an
    eigenvector's listed top or bottom words; the only evidence of a match the summary claims."""
    ours = set(f"{top_words} {bottom_words}".lower().split())
    return [word for word in topic.lower().replace("/", " ").split() if word in ours]


def eigenfeature_markdown(eigenfeatures: pd.DataFrame, n_rows: int = 5) -> str:
    """Our top eigenvectors of M* (top and bottom words) as a Markdown table, with the paper's
    topic for the same rank in its own column and, separately, which of that topic's own words
    occur among ours. The paper's topic sits beside ours at the same rank for comparison only:
    a match is reported only where our listed words contain a word of the topic's name, and a
    sentence under the table says how many ranks that is."""
    rows, matched = [], 0
    for i, row in enumerate(eigenfeatures.head(n_rows).itertuples()):
        topic = PAPER_EIGENFEATURES[i] if i < len(PAPER_EIGENFEATURES) else ""
        found = topic_words_found(topic, row.top_words, row.bottom_words) if topic else []
        matched += bool(found)
        shared = ", ".join(found) if found else ("none" if topic else "")
        rows.append(
            f"| {row.eigenvector} | {topic or '(not named)'} | {shared} | {row.top_words} | {row.bottom_words} |"
        )
    compared = min(len(PAPER_EIGENFEATURES), len(rows))
    verdict = (
        f"At {matched} of the {compared} ranks the paper names, our words contain a word of the paper's topic; "
        "elsewhere this table claims no match (a smaller corpus can order its topics differently, or find others)."
    )
    return "\n".join(
        [
            f"| eigenvector | paper's topic for this rank ({PAPER_EIGENFEATURES_SOURCE}) | topic's words among ours | top words | bottom words |",
            "|---|---|---|---|---|",
            *rows,
            "",
            verdict,
        ]
    )


def corpus_statistics(
    offsets: list[np.ndarray], corpus_tokens: int, vocab_counts: np.ndarray
) -> dict:
    """Articles, tokens and how much of the corpus the V words cover."""
    kept = int(sum(o[-1] for o in offsets))
    return {
        "articles": int(sum(len(o) - 1 for o in offsets)),
        "tokens": int(corpus_tokens),
        "tokens_in_vocabulary": kept,
        "coverage": kept / corpus_tokens,
        "rarest_word_count": int(vocab_counts.min()),
    }


def half_time_finding(run: str, modes: pd.DataFrame, n_modes: int = 10) -> str:
    """One run in a sentence: when its top modes reach half their linearization's height, as
    measured over predicted half-time on the theory's clock (docs/science.md, "One clock")."""
    top = modes.head(n_modes)
    ratios = (top["half_time_relative_error"] + 1).dropna()
    timing = (
        f"reach half the theory's height at {ratios.min():.2f} to {ratios.max():.2f} times the"
        f" predicted time (within {100 * (ratios - 1).abs().max():.1f}%)"
        if len(ratios)
        else "never reach half the theory's height"
    )
    missing = (
        f" ({len(top) - len(ratios)} of them never reach it)" if 0 < len(ratios) < len(top) else ""
    )
    return (
        f"run {run}: modes 1-{len(top)} {timing}{missing}; its learned subspace overlaps the top-d "
        f"eigenvectors of M* at {top['subspace_overlap'].iloc[0]:.3f}."
    )


def results_markdown(
    setting: dict,
    corpus: dict,
    table: pd.DataFrame,
    eigenfeatures: pd.DataFrame,
    modes: dict[str, pd.DataFrame],
    word2vec_overlap: float,
    curve_gaps: dict[str, tuple[float, float]],
) -> str:
    """The summary page: corpus, the benchmark table beside the paper's, eigenfeatures, dynamics
    (curve_gaps: the learning curve's largest gap between the theory and each model, in
    accuracy, and the t / tau_1 where it occurs)."""
    paper = ", ".join(f"{MODEL_LABELS[m]} {100 * v:.0f}%" for m, v in PAPER_ANALOGY.items())
    scores = table.set_index("model")["Google analogies"]
    ours = ", ".join(
        f"{MODEL_LABELS[m]} {100 * scores[MODEL_LABELS[m]]:.1f}%"
        for m in ("sgns", *PAPER_ANALOGY)
        if MODEL_LABELS[m] in scores.index
    )
    vocab_size = int(setting["V"])
    features = eigenfeature_markdown(eigenfeatures)
    runs = "\n".join(f"- {half_time_finding(run, table_)}" for run, table_ in modes.items())
    gaps = "; ".join(
        f"{name} {100 * gap:.1f} points at t/τ₁ = {time:.3g}"
        for name, (gap, time) in curve_gaps.items()
    )
    return f"""# Results: corpus `{setting["corpus"]}`, V = {setting["V"]}, L = {setting["L"]}, d = {setting["d"]}

The paper (Karkada et al., NeurIPS 2025) used all of English Wikipedia, V = 10,000, L = 16, d = 200.

## Corpus

{corpus["articles"]:,} articles, {corpus["tokens"]:,} tokens; the V kept words cover {100 * corpus["coverage"]:.1f}% of them
({corpus["tokens_in_vocabulary"]:,} tokens); the rarest kept word occurs {corpus["rarest_word_count"]:,} times.

## Google analogies and similarity

Paper: {paper} (M* closed form close to word2vec, both far above PPMI). This run: {ours}.

{table_markdown(table, "").strip()}

## Eigenfeatures of M*

The paper's top eigenvectors of M* on Wikipedia read as topics ({PAPER_EIGENFEATURES_SOURCE}): here the words
at the two ends of each of ours, with the paper's topic for the same rank beside them.

{features}

## Learning dynamics

The paper: from small initialization the modes of M* are learned one at a time, on the closed
form's schedule (exact for QWEM under Setting 3.1), and word2vec learns nearly the same features.
Every dynamics run of this workflow and the tied word2vec (`word2vec-tied`), against the theory
of its own linearized step, on one clock (rise_times.csv):

{runs}

{MODEL_LABELS["sgns-tied"]}: its top-10 singular subspace overlaps the top-10 eigenvectors of M* at {word2vec_overlap:.3f}
(1: the same subspace; two random 10-dimensional subspaces of R^{vocab_size}: about {10 / vocab_size:.3f}).

Learning curve (Google analogies over training, the closed form's embedding against each model at
the same times; the tied word2vec on the theory's clock, in units of its own linearization's τ₁):
the largest gap from the theory is {gaps}.
"""


def markdown_to_html(text: str, title: str) -> str:
    """A standalone HTML page of the summary (for the report)."""
    body = markdown.markdown(text, extensions=["tables"])
    style = "body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
    return f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title}</title><style>{style}</style></head><body>\n{body}\n</body></html>\n"


def job_benchmarks(benchmarks_dir: str | Path, skip: str | None = None) -> pd.DataFrame:
    """Every job's Snakemake benchmark file (wall time, peak memory), one row per job; skip, a
    regular expression, leaves out the folders right under benchmarks_dir whose names it matches
    (a corpus's prefix corpora, which are another study's jobs)."""
    root = Path(benchmarks_dir)
    rows = []
    for path in sorted(root.rglob("*.tsv")):
        if skip is not None and re.fullmatch(skip, path.relative_to(root).parts[0]):
            continue
        measured = pd.read_csv(path, sep="\t")
        rows.append(
            {
                "job": str(path.relative_to(root).with_suffix("")),
                "seconds": float(measured["s"].iloc[-1]),
                "max_rss_mb": pd.to_numeric(measured["max_rss"], errors="coerce").iloc[-1],
                "cpu_seconds": pd.to_numeric(measured["cpu_time"], errors="coerce").iloc[-1],
            }
        )
    if not rows:
        raise ValueError(f"no Snakemake benchmark files under {root}")
    return pd.DataFrame(rows).sort_values("seconds", ascending=False, ignore_index=True)
