"""Appendix: the top eigenvalues of M*, PMI, PPMI and G, each over its largest."""

import numpy as np
import pandas as pd

from qwemflow.jobs import log_to
from qwemflow.linear_plots import save_numbers_and_figure, target_spectra_figure
from qwemflow.plots import use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
tables = []
for target, path in zip(snakemake.params.targets, snakemake.input, strict=True):
    with np.load(path) as spectrum:
        values = spectrum["values"][: snakemake.params.rank]
    log.info(
        "%s: lambda_1 = %.4g, %d of the top %d positive",
        target,
        values[0],
        int(np.sum(values > 0)),
        len(values),
    )
    tables.append(
        pd.DataFrame(
            {
                "target": target,
                "rank": np.arange(1, len(values) + 1),
                "eigenvalue": values,
                "normalized": values / values[0],
            }
        )
    )
spectra = pd.concat(tables, ignore_index=True)
figure = target_spectra_figure(
    spectra, f"Normalized spectra of the targets, {w.corpus} (V = {w.V}, L = {w.L})"
)
save_numbers_and_figure(
    spectra, figure, snakemake.output.csv, snakemake.output.pdf, snakemake.output.png
)
