"""Appendix: overlaps (u_i . u~_j)^2 of the top singular vectors of two embeddings, per pair."""

from pathlib import Path

import numpy as np
import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.linear import rows_in_order, singular_vector_overlap
from qwemflow.spectral import load_word2vec

log = log_to(snakemake.log[0])
embeddings = {Path(path).stem: load_word2vec(path) for path in snakemake.input}
n_vectors = min(snakemake.params.n_vectors, int(snakemake.wildcards.d))
tables = []
for first, second in snakemake.params.pairs:
    words = embeddings[first][0]
    overlap = singular_vector_overlap(
        embeddings[first][1], rows_in_order(*embeddings[second], words), n_vectors
    )
    log.info(
        "%s vs %s, top %d: mean diagonal overlap %.3f, mean best match per %s vector %.3f (top 10: %.3f)",
        first,
        second,
        n_vectors,
        np.diag(overlap).mean(),
        first,
        overlap.max(axis=1).mean(),
        overlap.max(axis=1)[:10].mean(),
    )
    i, j = np.meshgrid(np.arange(1, n_vectors + 1), np.arange(1, n_vectors + 1), indexing="ij")
    tables.append(
        pd.DataFrame(
            {
                "first": first,
                "second": second,
                "i": i.ravel(),
                "j": j.ravel(),
                "overlap": overlap.ravel(),
            }
        )
    )
with atomic_output(snakemake.output[0]) as tmp:
    pd.concat(tables, ignore_index=True).to_csv(tmp, index=False)
