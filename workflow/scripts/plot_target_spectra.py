"""Appendix: the targets' normalized spectra as a figure."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.linear_plots import target_spectra_figure
from qwemflow.plots import save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
figure = target_spectra_figure(
    pd.read_csv(snakemake.input[0]),
    f"Normalized spectra of the targets, {w.corpus} (V = {w.V}, L = {w.L})",
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
