"""The appendix ablation: singular-value dynamics for SGNS, quartic loss only, Setting 3.1 only, QWEM."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import ablation_figure, save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
curves = pd.read_csv(snakemake.input[0])
figure = ablation_figure(
    curves, f"Ablation, {w.corpus} (V = {w.V}, L = {w.L}, d = {w.d}); theory dotted"
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
