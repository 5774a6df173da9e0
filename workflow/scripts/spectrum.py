"""Top eigenpairs of one target matrix built from the corpus statistics, as many as its readers
need (for M*: Figure 4, and all of them for dynamics runs that train in its eigenbasis)."""

import time

import numpy as np

from qwemflow.eigensolver import top_or_all_eigenpairs
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to
from qwemflow.targets import TARGETS

log = log_to(snakemake.log[0])
target = snakemake.wildcards.target
with load_npz(snakemake.input[0], "merge_counts") as stats:
    matrix = TARGETS[target](stats)
if not np.isfinite(matrix).all():
    raise ValueError(f"{snakemake.input[0]}: target {target} has non-finite entries")
start = time.perf_counter()
values, vectors = top_or_all_eigenpairs(matrix, snakemake.params.n_eigenpairs)
log.info(
    "%s: top %d eigenvalues %.4g .. %.4g in %.1f s (%d negative, clipped in embeddings)",
    target,
    len(values),
    values[0],
    values[-1],
    time.perf_counter() - start,
    int(np.sum(values < 0)),
)
with atomic_output(snakemake.output[0]) as tmp:
    np.savez(tmp, values=values, vectors=vectors)
