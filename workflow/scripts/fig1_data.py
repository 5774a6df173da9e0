"""The numbers behind Figure 1: loss and s_k^2 curves (QWEM with theory, word2vec) and three
embedding snapshots of each on principal directions 1 and 3."""

import numpy as np
import pandas as pd

from qwemflow.clock import load_on_clock
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import fig1_tables
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
words = list(read_word_counts(snakemake.input.vocab))
with np.load(snakemake.input.qwem) as run:
    qwem = dict(run)
# the tied model on the theory's clock (qwemflow.clock.word2vec_time)
word2vec = load_on_clock(snakemake.input.word2vec, snakemake.input.clock)
# the tied gensim model's expected loss at its snapshots (a dynamics run records its own)
word2vec_loss = (
    pd.read_csv(snakemake.input.word2vec_loss) if snakemake.input.word2vec_loss else None
)
curves, points = fig1_tables(qwem, word2vec, snakemake.params.modes, words, word2vec_loss)
with atomic_output(snakemake.output.curves) as tmp:
    curves.to_csv(tmp, index=False)
with atomic_output(snakemake.output.points) as tmp:
    points.to_csv(tmp, index=False)
