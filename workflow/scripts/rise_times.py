"""Every model's rise times on the theory's clock: the dynamics runs (t = eta x steps) and the
tied word2vec (t from its words, qwemflow.clock), measured against their linearizations."""

import numpy as np
import pandas as pd

from qwemflow.clock import rise_times
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import rise_times_figure, save_figure, use_style

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
runs = snakemake.params.runs
modes = {run: pd.read_csv(path) for run, path in zip(runs, snakemake.input.modes, strict=True)}
learning_rates = {}
for run, path in zip(runs, snakemake.input.runs, strict=True):
    with np.load(path) as trajectory:
        learning_rates[run] = float(trajectory["learning_rate"])
modes["word2vec-tied"] = pd.read_csv(snakemake.input.word2vec)
learning_rates["word2vec-tied"] = None
table = rise_times(modes, learning_rates)
with atomic_output(snakemake.output.csv) as tmp:
    table.to_csv(tmp, index=False)
w = snakemake.wildcards
figure = rise_times_figure(
    table,
    f"Rise times, {w.corpus} (V = {w.V}, L = {w.L}, d = {w.d}): measured points, predicted lines",
)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
