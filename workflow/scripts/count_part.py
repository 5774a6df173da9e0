"""Weighted co-occurrence counts, N_pairs and word counts of one part."""

import time

import numpy as np

from qwemflow.counts import cooccurrence_counts, count_pairs
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
with load_npz(snakemake.input[0], "tokenize") as tokens:
    ids, offsets = tokens["ids"], tokens["offsets"]
vocab_size, window = int(snakemake.wildcards.V), snakemake.params.window
start = time.perf_counter()
counts = cooccurrence_counts(ids, offsets, vocab_size, window, threads=snakemake.threads)
elapsed = time.perf_counter() - start
log.info(
    "%d tokens counted in %.2f s (%.2f M tokens/s, %d threads)",
    len(ids),
    elapsed,
    len(ids) / elapsed / 1e6,
    snakemake.threads,
)
with atomic_output(snakemake.output[0]) as tmp:
    np.savez(
        tmp,
        counts=counts,
        n_pairs=count_pairs(np.diff(offsets), window),
        word_counts=np.bincount(ids, minlength=vocab_size),
    )
