"""Analogy accuracy over training, predicted from corpus statistics alone: the closed form's
embedding at time t (theory.embedding_at) against QWEM's trained W and the tied word2vec's
snapshots, all in units of tau_1 (docs/science.md, "Learning curves")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qwemflow.clock import word2vec_time
from qwemflow.evaluate import paper_protocol_analogies
from qwemflow.theory import embedding_at, squared_singular_values


def modes_learned(squared: np.ndarray, final: np.ndarray) -> int:
    """How many modes have s_k^2 above half their final value."""
    return int(np.count_nonzero(np.asarray(squared) > np.asarray(final) / 2))


def accuracy_row(curve: str, time: float, words, embedding, sections, modes: int) -> dict:
    """One point of a curve: paper-protocol accuracy (all categories pooled) of an embedding."""
    full = paper_protocol_analogies(words, embedding, sections).set_index("category").loc["full"]
    return {
        "curve": curve,
        "t_over_tau1": float(time),
        "accuracy": float(full["accuracy"]),
        "n_questions": int(full["n_questions"]),
        "modes_learned": modes,
    }


def learning_curves(words, sections, qwem: dict, mstar_vectors: np.ndarray, word2vec: dict):
    """Long table (curve, t_over_tau1, accuracy, n_questions, modes_learned) of three curves:
    'theory' (the closed form of the QWEM run at every time of the other two from QWEM's first
    on), 'qwem' (its
    snapshots, in its tau_1) and 'word2vec' (the tied model's snapshots, on the theory's clock in
    units of its own tau_1: clock.word2vec_time).

    qwem: a dynamics run with snapshots (eigenvalues, learning_rate, u0, tau1, snapshot_steps,
    snapshots, singular_values); word2vec: the tied model's trajectory (words, singular_values,
    snapshot_words, snapshots) with its clock."""
    dim = qwem["snapshots"].shape[2]
    vectors = mstar_vectors[:, :dim]
    tau1 = float(qwem["tau1"])

    def theory_squared(times):
        return squared_singular_values(
            np.asarray(times) * tau1, qwem["eigenvalues"], float(qwem["learning_rate"]), qwem["u0"]
        )

    def snapshot_rows(curve, times, snapshots, final_singular_values):
        final = final_singular_values**2
        return [
            accuracy_row(
                curve,
                time,
                words,
                snapshot,
                sections,
                modes_learned(np.linalg.svd(snapshot, compute_uv=False) ** 2, final),
            )
            for time, snapshot in zip(times, snapshots, strict=True)
        ]

    qwem_times = qwem["snapshot_steps"] / tau1
    word2vec_times = word2vec_time(word2vec, word2vec["snapshot_words"])
    rows = snapshot_rows("qwem", qwem_times, qwem["snapshots"], qwem["singular_values"][-1])
    rows += snapshot_rows(
        "word2vec", word2vec_times, word2vec["snapshots"], word2vec["singular_values"][-1]
    )
    # before QWEM's first snapshot (0.5 tau_1) W is still mostly its init in the V - d directions
    # the theory's embedding leaves out, so the theory is drawn from there on
    times = np.union1d(qwem_times, word2vec_times)
    times = times[times >= qwem_times.min()]
    theory_final = theory_squared([times.max()])[0]
    for time, squared in zip(times, theory_squared(times), strict=True):
        rows.append(
            accuracy_row(
                "theory",
                time,
                words,
                embedding_at(vectors, squared),
                sections,
                modes_learned(squared, theory_final),
            )
        )
    return pd.DataFrame(rows)


def largest_gap(curves: pd.DataFrame, first: str, second: str) -> tuple[float, float]:
    """The largest |accuracy difference| between two curves at the times both were evaluated,
    and the time (t / tau_1) where it occurs."""
    pivot = curves.pivot_table(index="t_over_tau1", columns="curve", values="accuracy")
    both = pivot[[first, second]].dropna()
    gaps = (both[first] - both[second]).abs()
    return float(gaps.max()), float(gaps.idxmax())
