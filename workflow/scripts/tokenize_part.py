"""One part's articles as word ids of the vocabulary (out-of-vocabulary words dropped)."""

import numpy as np

from qwemflow.corpus import read_articles
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.vocab import encode_articles, read_word_counts

log = log_to(snakemake.log[0])
vocab = list(read_word_counts(snakemake.input.vocab))
ids, offsets = encode_articles(read_articles(snakemake.input.text), vocab)
log.info("%d articles, %d in-vocabulary tokens (%s)", len(offsets) - 1, len(ids), ids.dtype)
with atomic_output(snakemake.output[0]) as tmp:
    np.savez(tmp, ids=ids, offsets=offsets)
