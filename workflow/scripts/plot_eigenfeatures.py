"""Eigenfeature word lists of M* as a figure."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import eigenfeature_figure, save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
figure = eigenfeature_figure(
    pd.read_csv(snakemake.input[0]), f"Top eigenvectors of M* ({w.corpus}, V = {w.V}, L = {w.L})"
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
