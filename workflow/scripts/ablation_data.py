"""The numbers behind the ablation figure: s_k^2 of each ablation run and its theory, against t/tau_1."""

import numpy as np
import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import singular_value_curves

log = log_to(snakemake.log[0])
tables = []
for panel, path in zip(snakemake.params.panels, snakemake.input, strict=True):
    with np.load(path) as run:
        for kind, source in (("measured", "qwem"), ("theory", "theory")):
            curves = singular_value_curves(run, snakemake.params.modes, source)
            tables.append(curves.drop(columns="row").assign(panel=panel, kind=kind))
        log.info(
            "%s: overlap with the top-%d eigenvectors of M* %.3f",
            panel,
            run["final"].shape[1],
            run["subspace_overlap"],
        )
curves = pd.concat(tables, ignore_index=True)[["panel", "kind", "mode", "t_over_tau1", "s2"]]
with atomic_output(snakemake.output[0]) as tmp:
    curves.to_csv(tmp, index=False)
