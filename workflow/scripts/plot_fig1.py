"""Figure 1: loss, singular values with the theory, and embedding snapshots (QWEM and word2vec)."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import fig1_figure, save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
figure = fig1_figure(
    pd.read_csv(snakemake.input.curves),
    pd.read_csv(snakemake.input.points, keep_default_na=False),
    snakemake.params.labelled_words,
    f"QWEM (top) and word2vec (bottom), {w.corpus} (V = {w.V}, L = {w.L}, d = {w.d})",
    snakemake.params.word2vec_label,
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
