"""The learning curve: analogy accuracy and modes learned against t / tau_1."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import learning_curve_figure, save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
figure = learning_curve_figure(
    pd.read_csv(snakemake.input[0]),
    f"Analogy accuracy over training, {w.corpus} (V = {w.V}, L = {w.L}, d = {w.d})",
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
