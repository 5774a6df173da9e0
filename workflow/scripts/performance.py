"""The run's cost: wall time and peak memory of every job, from Snakemake's benchmark files."""

from pathlib import Path

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import performance_figure, save_figure, use_style
from qwemflow.summary import job_benchmarks

log = log_to(snakemake.log[0])
use_style(snakemake.params.style)
jobs = pd.concat(
    [
        job_benchmarks(path, skip=snakemake.params.skip)
        for path in snakemake.params.benchmarks
        if Path(path).is_dir()
    ],
    ignore_index=True,
)
jobs = jobs.sort_values("seconds", ascending=False, ignore_index=True)
log.info(
    "%d jobs, %.0f s in total; costliest:\n%s",
    len(jobs),
    jobs["seconds"].sum(),
    jobs.head(10).to_string(index=False),
)
w = snakemake.wildcards
figure = performance_figure(
    jobs,
    f"Cost of the run, {w.corpus} (V = {w.V}, L = {w.L}, d = {w.d}): {jobs['seconds'].sum() / 60:.1f} min of jobs",
)
with atomic_output(snakemake.output.table) as tmp:
    jobs.to_csv(tmp, index=False)
with atomic_output(snakemake.output.pdf) as pdf, atomic_output(snakemake.output.png) as png:
    save_figure(figure, pdf, png)
