"""A trained embedding (the final W of a dynamics run) in word2vec text format."""

import numpy as np

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.spectral import save_word2vec
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
words = list(read_word_counts(snakemake.input.vocab))
with np.load(snakemake.input.dynamics) as run:
    final = run["final"]
log.info("%s embedding %d x %d", snakemake.wildcards.model, *final.shape)
with atomic_output(snakemake.output[0]) as tmp:
    save_word2vec(words, final, tmp)
