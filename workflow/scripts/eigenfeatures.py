"""Top and bottom words of the top eigenvectors of M*."""

import numpy as np

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.spectral import eigenfeature_words
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
words = list(read_word_counts(snakemake.input.vocab))
with np.load(snakemake.input.spectrum) as spectrum:
    features = eigenfeature_words(
        spectrum["vectors"], words, snakemake.params.n_features, snakemake.params.n_words
    )
for row in features.itertuples():
    log.info("eigenvector %d: + %s | - %s", row.eigenvector, row.top_words, row.bottom_words)
with atomic_output(snakemake.output[0]) as tmp:
    features.to_csv(tmp, index=False)
