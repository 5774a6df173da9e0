"""Figure 4 and the top-1 analysis as tables: how the task vectors of analogy families sit in the
eigen-embeddings of M*, all from one set of its eigenpairs (docs/usage.md, 'Linear representations')."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from qwemflow.linear import (
    aligned_words,
    analogy_cosines,
    family_pairs,
    fit_spiked_marchenko_pastur,
    fit_table,
    log_spaced_dims,
    mean_power,
    spike_snr,
    task_vectors,
)
from qwemflow.spectral import eigen_embeddings

log = logging.getLogger(__name__)

CURVE_COLUMNS = [
    "family",
    "d",
    "n_pairs",
    "n_questions",
    "snr",
    "accuracy",
    "answer_cosine",
    "normalized_cosine",
]


def linear_structure_tables(
    values: np.ndarray,
    vectors: np.ndarray,
    words: list[str],
    sections: dict,
    *,
    families: list[str],
    spectrum_family: str,
    spectrum_dims: list[int],
    max_dim: int,
    min_dim: int,
    n_dims: int,
    power_features: int,
    labelled_features: int,
    n_words: int,
) -> dict[str, pd.DataFrame]:
    """Figure 4's tables from the top eigenpairs of M* (values decreasing, vectors V x k) and the
    analogy questions' sections: 'eigenvalues' and 'fit' (panel a), 'power' (panel b), 'snr'
    (panel c) and 'top1', over d up to min(max_dim, k). The arguments after `sections` are the
    keys of figures.fig4."""
    max_dim = min(max_dim, len(values))
    embeddings = eigen_embeddings(values, vectors, max_dim)
    log.info(
        "M*: %d eigenpairs, %d positive (the coordinates of the others are 0)",
        max_dim,
        int(np.sum(values[:max_dim] > 0)),
    )
    pairs = family_pairs(words, sections, list(dict.fromkeys([*families, spectrum_family])))
    for family, family_rows in pairs.items():
        log.info(
            "%s: %d pairs, e.g. %s",
            family,
            len(family_rows),
            ", ".join(f"{words[a]}:{words[b]}" for a, b in family_rows[:4]),
        )
    spectra, fits, power = task_spectrum_tables(
        embeddings,
        vectors,
        words,
        pairs.get(spectrum_family, np.empty((0, 2), dtype=int)),
        spectrum_family,
        spectrum_dims,
        power_features,
        labelled_features,
        n_words,
    )
    curves = analogy_curves(
        embeddings,
        {family: pairs[family] for family in families if family in pairs},
        log_spaced_dims(min_dim, max_dim, n_dims),
    )
    return {
        "eigenvalues": spectra,
        "fit": fits,
        "power": power,
        "snr": curves[["family", "d", "n_pairs", "n_questions", "snr", "accuracy"]],
        "top1": curves[
            ["family", "d", "n_questions", "accuracy", "answer_cosine", "normalized_cosine"]
        ],
    }


def task_spectrum_tables(
    embeddings: np.ndarray,
    vectors: np.ndarray,
    words: list[str],
    pairs: np.ndarray,
    family: str,
    dims: list[int],
    power_features: int,
    labelled_features: int,
    n_words: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Panels (a) and (b) for one family: the eigenvalues of R_d R_d^T / d with a spiked
    Marchenko-Pastur fit for each d in `dims` (those above the embedding's width are left out),
    and the mean task vector's power on the first `power_features` eigenfeatures, the strongest
    `labelled_features` named by the words furthest along them. Empty tables when the family has
    fewer than 3 pairs, too few for the fit."""
    max_dim = embeddings.shape[1]
    if len(pairs) < 3:
        log.warning("panels (a, b) left empty: %s needs at least 3 pairs in the vocabulary", family)
        return (
            pd.DataFrame(columns=["family", "d", "eigenvalue"]),
            pd.DataFrame(columns=["family", "dim"]),
            pd.DataFrame(columns=["family", "eigenfeature", "power", "words"]),
        )
    task = task_vectors(embeddings, pairs)
    spectra, fits = [], []
    for dim in dims:
        if dim > max_dim:
            log.warning("panel (a): d = %d left out, only %d eigenpairs", dim, max_dim)
            continue
        task_d = task[:, :dim]
        spectra.append(
            pd.DataFrame(
                {
                    "family": family,
                    "d": dim,
                    "eigenvalue": np.linalg.eigvalsh(task_d @ task_d.T / dim),
                }
            )
        )
        fits.append(fit_spiked_marchenko_pastur(task_d))
        log.info("panel (a) %s", fits[-1])
    n_features = min(power_features, max_dim)
    share = mean_power(task[:, :n_features])
    mean = task[:, :n_features].mean(axis=0)
    strongest = np.argsort(-share)[:labelled_features]
    labels = {k: " ".join(aligned_words(vectors, words, k, mean[k], n_words)) for k in strongest}
    power = pd.DataFrame(
        {
            "family": family,
            "eigenfeature": np.arange(1, n_features + 1),
            "power": share,
            "words": [labels.get(k, "") for k in range(n_features)],
        }
    )
    for k in strongest:
        log.info(
            "panel (b): eigenfeature %d carries %.1f%% of the mean task vector: %s",
            k + 1,
            100 * share[k],
            labels[k],
        )
    spectra = (
        pd.concat(spectra, ignore_index=True)
        if spectra
        else pd.DataFrame(columns=["family", "d", "eigenvalue"])
    )
    fits = (
        fit_table(fits).assign(family=family) if fits else pd.DataFrame(columns=["family", "dim"])
    )
    return spectra, fits, power


def analogy_curves(
    embeddings: np.ndarray, families: dict[str, np.ndarray], dims: np.ndarray
) -> pd.DataFrame:
    """Panel (c) and the top-1 analysis: per family (name -> pairs) and d, the task vectors' SNR
    and the paper-protocol questions' accuracy and cosines, in the first d coordinates."""
    rows = []
    for family, pairs in families.items():
        task = task_vectors(embeddings, pairs)
        for dim in dims:
            cosines = analogy_cosines(embeddings[:, :dim], pairs)
            rows.append(
                {
                    "family": family,
                    "d": dim,
                    "n_pairs": len(pairs),
                    "n_questions": len(cosines),
                    "snr": spike_snr(task[:, :dim]),
                    "accuracy": cosines["correct"].mean(),
                    "answer_cosine": cosines["answer_cosine"].mean(),
                    "normalized_cosine": (
                        cosines["answer_cosine"] / cosines["competitor_cosine"]
                    ).mean(),
                }
            )
    curves = pd.DataFrame(rows, columns=CURVE_COLUMNS)
    if not curves.empty:
        order = curves.groupby("family")["snr"].median().sort_values(ascending=False)
        log.info(
            "families by median SNR over d: %s",
            ", ".join(f"{f} {s:.2f}" for f, s in order.items()),
        )
    return curves
