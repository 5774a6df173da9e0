"""Sum the parts' counts (one part in memory at a time) and derive P(i,j) and P(i)."""

import numpy as np

from qwemflow.counts import joint_probabilities, unigram_probabilities
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
window = snakemake.params.window
counts = word_counts = None
n_pairs = 0
for path in snakemake.input:
    with np.load(path) as part:
        if counts is None:
            counts, word_counts = part["counts"], part["word_counts"]
        else:
            counts += part["counts"]
            word_counts += part["word_counts"]
        n_pairs += int(part["n_pairs"])
    log.info("added %s", path)
log.info("N_pairs = %d, tokens = %d, nonzero cells = %.1f%%", n_pairs, word_counts.sum(), 100 * np.mean(counts > 0))
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
