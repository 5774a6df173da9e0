"""Top-1 analysis: how close the analogy guess lands to the answer, against d."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.linear_plots import top1_figure
from qwemflow.plots import save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
w = snakemake.wildcards
figure = top1_figure(
    pd.read_csv(snakemake.input[0]),
    f"Top-1 analysis, M* eigen-embeddings, {w.corpus} (V = {w.V}, L = {w.L})",
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
