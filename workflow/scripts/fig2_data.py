"""The numbers behind Figure 2: s_k^2 against t/tau_1 for word2vec, QWEM and the theory."""

import numpy as np
import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import singular_value_curves, word2vec_curves

log = log_to(snakemake.log[0])
modes, inits = snakemake.params.modes, snakemake.params.inits
tables = []
for size in ("large", "small"):
    with np.load(snakemake.input[size]) as run:
        for kind in ("qwem", "theory"):
            tables.append(singular_value_curves(run, modes, kind).assign(init=f"{inits[size]:g}"))
# gensim's own initialization (uniform in +-1/d, so init_sz = 1/sqrt(3d): 0.08 at d = 50) is of
# the large kind, so its trajectory is drawn in the large-init column.
with np.load(snakemake.input.word2vec) as run:
    tables.append(singular_value_curves(run, modes, "word2vec").assign(init=f"{inits['large']:g}"))
if "word2vec_small" in snakemake.input.keys():  # gensim from a small init, or figures.word2vec_run
    with np.load(snakemake.input.word2vec_small) as run:
        tables.append(word2vec_curves(dict(run), modes).assign(init=f"{inits['small']:g}"))
curves = pd.concat(tables, ignore_index=True)[["row", "init", "mode", "t_over_tau1", "s2"]]
with atomic_output(snakemake.output[0]) as tmp:
    curves.to_csv(tmp, index=False)
