"""Figure 2: singular-value dynamics (rows word2vec / QWEM / theory; columns by init)."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import fig2_figure, save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
curves = pd.read_csv(snakemake.input[0], dtype={"init": str})
figure = fig2_figure(
    curves, f"Singular-value dynamics, {w.corpus} (V = {w.V}, L = {w.L}, d = {w.d})"
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
