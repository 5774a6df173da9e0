"""Sum the parts' counts (one part in memory at a time) and derive P(i,j) and P(i)."""

import numpy as np

from qwemflow.counts import joint_probabilities, merge_count_shards, unigram_probabilities
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
window = snakemake.params.window
counts, word_counts, n_pairs = merge_count_shards(snakemake.input)
log.info("merged %d parts", len(snakemake.input))
log.info(
    "N_pairs = %d, tokens = %d, nonzero cells = %.1f%%",
    n_pairs,
    word_counts.sum(),
    100 * np.mean(counts > 0),
)
with atomic_output(snakemake.output[0]) as tmp:
    np.savez(
        tmp,
        counts=counts,
        n_pairs=n_pairs,
        word_counts=word_counts,
        window=window,
        p_joint=joint_probabilities(counts, n_pairs, window),
        p_word=unigram_probabilities(word_counts),
    )
