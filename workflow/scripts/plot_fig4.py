"""Figure 4: task-vector spectra with a spiked Marchenko-Pastur fit, mean-vector power on the
eigenfeatures, and SNR and accuracy against d."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.linear_plots import fig4_figure
from qwemflow.plots import save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
figure = fig4_figure(
    pd.read_csv(snakemake.input.eigenvalues),
    pd.read_csv(snakemake.input.fit),
    pd.read_csv(snakemake.input.power, keep_default_na=False, dtype={"words": str}),
    pd.read_csv(snakemake.input.snr),
    snakemake.params.family,
    f"Linear representations in the eigen-embeddings of M*, {w.corpus} (V = {w.V}, L = {w.L})",
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
