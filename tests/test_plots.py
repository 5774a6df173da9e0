"""Figures and the summary drawn from small synthetic tables (no DAG)."""

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from qwemflow.paper import PAPER_EIGENFEATURES
from qwemflow.plots import (
    fig2_figure,
    save_figure,
    scale_study_figure,
    singular_value_curves,
    word2vec_curves,
)
from qwemflow.summary import (
    eigenfeature_markdown,
    job_benchmarks,
    results_markdown,
    scale_study_table,
    topic_words_found,
)

MODES = 4


def _trajectory(init: float) -> dict:
    """A dynamics run's saved numbers: logistic s_k^2 (theory) and a slightly late measurement."""
    eigenvalues = np.array([1.0, 0.7, 0.5, 0.3])
    u0 = init**2
    tau1 = np.log(eigenvalues[0] / u0) / eigenvalues[0]
    steps = np.unique(np.geomspace(1, 30 * tau1, 60).astype(int))

    def logistic(t):
        return eigenvalues / (1 + (eigenvalues / u0 - 1) * np.exp(-np.outer(t, eigenvalues)))

    return {
        "steps": steps,
        "theory_squared": logistic(steps),
        "singular_values": np.sqrt(logistic(0.95 * steps)),
        "eigenvalues": eigenvalues,
        "tau1": tau1,
    }


def _fig2_curves() -> pd.DataFrame:
    tables = []
    for init in (0.1, 1e-12):
        run = _trajectory(init)
        for kind in ("qwem", "theory"):
            tables.append(singular_value_curves(run, MODES, kind).assign(init=f"{init:g}"))
        word2vec = {"words": run["steps"] * 100, "singular_values": 2 * run["singular_values"]}
        if init < 1e-3:  # the tied model, with its clock (qwemflow.clock.stream_modes)
            word2vec |= {
                "pairs": 17.0,
                "alpha": 0.025,
                "total_words": int(word2vec["words"][-1]),
                "eigenvalues": run["eigenvalues"],
                "u0": np.full(MODES, init**2),
            }
        tables.append(word2vec_curves(word2vec, MODES).assign(init=f"{init:g}"))
    return pd.concat(tables, ignore_index=True)


def test_fig2_overlays_dotted_theory_on_measured_qwem_in_the_mode_colour(tmp_path):
    figure = fig2_figure(_fig2_curves(), "synthetic")
    panels = {ax.get_title(): ax for ax in figure.axes}
    for init in ("0.1", "1e-12"):
        lines = panels[f"QWEM, init {init} (theory dotted)"].get_lines()
        solid = [to_hex(line.get_color()) for line in lines if line.get_linestyle() == "-"]
        dotted = [to_hex(line.get_color()) for line in lines if line.get_linestyle() == ":"]
        # one measured and one theory line per mode, the same colour for the same mode, modes distinct
        assert len(solid) == len(dotted) == MODES and solid == dotted and len(set(solid)) == MODES
        assert [line.get_linestyle() for line in panels[f"theory, init {init}"].get_lines()] == [
            ":"
        ] * MODES
    assert all(
        line.get_linestyle() == "-"
        for line in panels["word2vec (untied, gensim's init; own time unit)"].get_lines()
    )
    # the tied model on the theory's clock: its curves, then a tick at each predicted rise in
    # the mode's colour, in order of k
    tied = panels["word2vec (tied), init 1e-12; predicted rises ticked"].get_lines()
    curves, ticks = tied[:MODES], tied[MODES:]
    assert [to_hex(t.get_color()) for t in ticks] == [to_hex(c.get_color()) for c in curves]
    rises = [t.get_xdata()[0] for t in ticks]
    assert rises == sorted(rises) and rises[0] == pytest.approx(1.0)  # mode 1 at its tau_1
    # a colorbar names the modes k = 1..MODES, and a key names the line styles
    colorbars = [ax for ax in figure.axes if ax.get_label() == "<colorbar>"]
    assert len(colorbars) == 1 and "mode" in colorbars[0].get_ylabel()
    assert [tick.get_text() for tick in colorbars[0].get_yticklabels()] == [
        str(k) for k in range(1, MODES + 1)
    ]
    assert {text.get_text() for legend in figure.legends for text in legend.get_texts()} == {
        "measured",
        "closed-form theory",
    }
    save_figure(figure, tmp_path / "fig2.pdf", tmp_path / "fig2.png")
    assert (tmp_path / "fig2.png").stat().st_size > 1000


def _eigenfeatures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "eigenvector": [1, 2, 3, 4],
            "top_words": [
                "actor film singer",
                "war army battle",
                "river geography map",
                "acid chemical",
            ],
            "bottom_words": [
                "born celebrity album",
                "council mayor parliament",
                "the of and",
                "music song",
            ],
        }
    )


def test_topic_words_found_only_verbatim():
    assert topic_words_found(
        "government / municipal administration", "council", "municipal mayor"
    ) == ["municipal"]
    assert topic_words_found("celebrity biographies", "biography actor", "singer") == []


def test_summary_puts_the_paper_topic_beside_ours_and_claims_only_word_matches():
    text = eigenfeature_markdown(_eigenfeatures())
    header = text.splitlines()[0]
    assert (
        "paper's topic for this rank" in header
        and "Karkada et al., NeurIPS 2025" in header
        and "topic's words among ours" in header
    )
    rows = {
        int(line.split("|")[1]): [cell.strip() for cell in line.split("|")[2:4]]
        for line in text.splitlines()
        if re.match(r"\| \d", line)
    }
    assert rows[1] == [PAPER_EIGENFEATURES[0], "celebrity"]
    assert rows[2] == [
        PAPER_EIGENFEATURES[1],
        "none",
    ]  # 'government' words absent: no match claimed
    assert rows[3] == [PAPER_EIGENFEATURES[2], "geography"]
    assert rows[4] == ["(not named)", ""]
    assert "At 2 of the 3 ranks the paper names" in text


def test_results_markdown_carries_the_eigenfeature_comparison():
    table = pd.DataFrame({"model": ["QWEM"], "Google analogies": [0.5]})
    modes = {
        "qwem": pd.DataFrame(
            {"half_time_relative_error": [0.01, -0.02], "subspace_overlap": [0.99, 0.99]}
        )
    }
    corpus = {
        "articles": 2,
        "tokens": 100,
        "tokens_in_vocabulary": 90,
        "coverage": 0.9,
        "rarest_word_count": 3,
    }
    text = results_markdown(
        {"corpus": "toy", "V": 10, "L": 4, "d": 2},
        corpus,
        table,
        _eigenfeatures(),
        modes,
        0.5,
        {"QWEM": (0.004, 3.5), "word2vec (tied)": (0.25, 40.0)},
    )
    assert (
        "largest gap from the theory is QWEM 0.4 points at t/τ₁ = 3.5; word2vec (tied) 25.0" in text
    )
    assert "paper's topic for this rank" in text
    assert all(topic in text for topic in PAPER_EIGENFEATURES)


def test_summary_imports_no_plotting_library():
    """The text outputs (summary, benchmark table) run without matplotlib loaded."""
    check = (
        "import qwemflow.summary, qwemflow.learning_curve, sys;"
        " assert 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], check=True)


def _scores(model: str, score: float, n_questions: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("analogy-paper", "full", score, n_questions),
            ("analogy-paper", "capital-common-countries", 1.0, 10),
            ("analogy-classic", "full", 0.99, n_questions),
        ],
        columns=["benchmark", "category", "score", "n_questions"],
    ).assign(model=model)


def test_scale_study_table_takes_each_point_s_overall_paper_score(tmp_path):
    points = [
        {
            "corpus": "wiki",
            "words": 8_000_000,
            "benchmarks": pd.concat(
                [
                    _scores("qwem-init0.1", 0.5, 5000),
                    _scores("qwem", 0.6, 5000),
                    _scores("sgns", 0.7, 5000),
                ]
            ),
        },
        {
            "corpus": "wiki/prefix2000000",
            "words": 2_000_000,
            "benchmarks": pd.concat(
                [
                    _scores("sgns", 0.4, 3000),
                    _scores("qwem-init0.1", 0.2, 3000),
                    _scores("qwem", 0.3, 3000),
                ]
            ),
        },
    ]
    table = scale_study_table(points)
    assert list(table["words"]) == [2_000_000] * 3 + [8_000_000] * 3
    # the table's model order, then any other dynamics run the study names
    assert list(table["model"]) == ["sgns", "qwem", "qwem-init0.1"] * 2
    assert list(table["label"]) == ["word2vec (gensim)", "QWEM", "dynamics run qwem-init0.1"] * 2
    assert list(table["accuracy"]) == [0.4, 0.3, 0.2, 0.7, 0.6, 0.5]
    assert list(table["n_questions"]) == [3000] * 3 + [5000] * 3
    figure = scale_study_figure(table, "scale")
    labels = [tick.get_text() for tick in figure.axes[0].get_xticklabels()]
    assert labels == ["2M words\n3,000 questions", "8M words\n5,000 questions"]
    save_figure(figure, tmp_path / "scale.pdf", tmp_path / "scale.png")
    assert (tmp_path / "scale.png").stat().st_size > 0


def test_job_benchmarks_leave_out_the_skipped_folders(tmp_path):
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    for job, seconds in [("spectra/mstar", 3.0), ("prefix2000/spectra/mstar", 9.0), ("vocab", 1.0)]:
        path = tmp_path / f"{job}.tsv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + f"{seconds}\t0:00:03\t100\t1\t1\t1\t0\t0\t50\t2.5\n")
    every = job_benchmarks(tmp_path)
    assert list(every["job"]) == ["prefix2000/spectra/mstar", "spectra/mstar", "vocab"]
    own = job_benchmarks(tmp_path, skip=r"prefix[0-9]+")
    assert list(own["job"]) == ["spectra/mstar", "vocab"]
    assert list(own["seconds"]) == [3.0, 1.0] and list(own["cpu_seconds"]) == [2.5, 2.5]
