"""W = U_d sqrt(lambda_d) of one target, in word2vec text format."""

import numpy as np

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.spectral import eigen_embeddings, save_word2vec
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
words = list(read_word_counts(snakemake.input.vocab))
with np.load(snakemake.input.spectrum) as spectrum:
    embedding = eigen_embeddings(
        spectrum["values"], spectrum["vectors"], int(snakemake.wildcards.d)
    )
log.info("%s: %d x %d embedding", snakemake.wildcards.target, *embedding.shape)
with atomic_output(snakemake.output[0]) as tmp:
    save_word2vec(words, embedding, tmp)
