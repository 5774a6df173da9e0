"""The numbers behind Figure 4 and the top-1 analysis, all from one eigendecomposition of M*."""

import numpy as np
import pandas as pd

from qwemflow.evaluate import read_analogy_sections
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
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
from qwemflow.sources import gensim_test_data
from qwemflow.spectral import eigen_embeddings
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
fig4 = snakemake.params.fig4
words = list(read_word_counts(snakemake.input.vocab))
with np.load(snakemake.input.eigenpairs) as eigen:
    values, vectors = eigen["values"], eigen["vectors"]
max_dim = len(values)
embeddings = eigen_embeddings(values, vectors, max_dim)
log.info(
    "M*: %d eigenpairs, %d positive (the coordinates of the others are 0)",
    max_dim,
    int(np.sum(values > 0)),
)
sections = read_analogy_sections(gensim_test_data("questions-words.txt"))
families = family_pairs(
    words, sections, list(dict.fromkeys([*fig4["families"], fig4["spectrum_family"]]))
)
for family, pairs in families.items():
    log.info(
        "%s: %d pairs, e.g. %s",
        family,
        len(pairs),
        ", ".join(f"{words[a]}:{words[b]}" for a, b in pairs[:4]),
    )

# (a) spectra of R_d R_d^T / d with a spiked Marchenko-Pastur fit; (b) the mean task vector's power
family = fig4["spectrum_family"]
spectra, fits, power = [], [], pd.DataFrame(columns=["family", "eigenfeature", "power", "words"])
if family in families and len(families[family]) >= 3:
    task = task_vectors(embeddings, families[family])
    for dim in fig4["spectrum_dims"]:
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
    n_features = min(fig4["power_features"], max_dim)
    share = mean_power(task[:, :n_features])
    mean = task[:, :n_features].mean(axis=0)
    strongest = np.argsort(-share)[: fig4["labelled_features"]]
    labels = {
        k: " ".join(aligned_words(vectors, words, k, mean[k], fig4["n_words"])) for k in strongest
    }
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
else:
    log.warning("panels (a, b) left empty: %s needs at least 3 pairs in the vocabulary", family)
spectra = (
    pd.concat(spectra, ignore_index=True)
    if spectra
    else pd.DataFrame(columns=["family", "d", "eigenvalue"])
)
fits = fit_table(fits).assign(family=family) if fits else pd.DataFrame(columns=["family", "dim"])

# (c) SNR and accuracy against d, and the top-1 analysis, from the same questions
rows = []
dims = log_spaced_dims(fig4["min_dim"], max_dim, fig4["n_dims"])
for family in fig4["families"]:
    if family not in families:
        continue
    pairs = families[family]
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
curves = pd.DataFrame(
    rows,
    columns=[
        "family",
        "d",
        "n_pairs",
        "n_questions",
        "snr",
        "accuracy",
        "answer_cosine",
        "normalized_cosine",
    ],
)
if not curves.empty:
    order = curves.groupby("family")["snr"].median().sort_values(ascending=False)
    log.info(
        "families by median SNR over d: %s", ", ".join(f"{f} {s:.2f}" for f, s in order.items())
    )

outputs = {
    snakemake.output.eigenvalues: spectra,
    snakemake.output.fit: fits,
    snakemake.output.power: power,
    snakemake.output.snr: curves[["family", "d", "n_pairs", "n_questions", "snr", "accuracy"]],
    snakemake.output.top1: curves[
        ["family", "d", "n_questions", "accuracy", "answer_cosine", "normalized_cosine"]
    ],
}
for path, table in outputs.items():
    with atomic_output(path) as tmp:
        table.to_csv(tmp, index=False)
