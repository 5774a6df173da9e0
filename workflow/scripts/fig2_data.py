"""The numbers behind Figure 2: s_k^2 against t/tau_1 for word2vec, QWEM and the theory."""

import numpy as np
import pandas as pd

from qwemflow.clock import load_on_clock
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
# the untied baseline from gensim's own initialization (word vectors uniform in +-1/(2d), so
# init_sz = 1/(2 sqrt(3d)): 0.04 at d = 50, of the large kind) in the large-init column
with np.load(snakemake.input.word2vec) as run:
    tables.append(singular_value_curves(run, modes, "word2vec").assign(init=f"{inits['large']:g}"))
# the paper's word2vec from the small init: the tied model, or figures.word2vec_run
# the tied model on the theory's clock (qwemflow.clock.word2vec_time)
word2vec = load_on_clock(snakemake.input.word2vec_small, snakemake.input.clock)
tables.append(word2vec_curves(word2vec, modes).assign(init=f"{inits['small']:g}"))
curves = pd.concat(tables, ignore_index=True)[["row", "init", "mode", "t_over_tau1", "s2"]]
with atomic_output(snakemake.output[0]) as tmp:
    curves.to_csv(tmp, index=False)
