"""Top eigenpairs of one target matrix built from the corpus statistics, as many as its readers
need (for M*: Figure 4, and all of them for dynamics runs that train in its eigenbasis), on the
array library of config compute."""

import time

import numpy as np

from qwemflow.backend import resolve_backend, to_numpy
from qwemflow.eigensolver import top_or_all_eigenpairs
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to
from qwemflow.targets import TARGETS

log = log_to(snakemake.log[0])
# first: config compute.device cuda on a machine without a GPU fails before any work
backend = resolve_backend(snakemake.params.compute)
target = snakemake.wildcards.target
with load_npz(snakemake.input[0], "merge_counts") as stats:
    matrix = TARGETS[target](stats)
if not np.isfinite(matrix).all():
    raise ValueError(f"{snakemake.input[0]}: target {target} has non-finite entries")
start = time.perf_counter()
values, vectors = top_or_all_eigenpairs(backend.asarray(matrix), snakemake.params.n_eigenpairs)
values, vectors = (np.asarray(to_numpy(array), dtype=np.float64) for array in (values, vectors))
log.info(
    "%s: top %d eigenvalues %.4g .. %.4g in %.1f s on %s (%d negative, clipped in embeddings)",
    target,
    len(values),
    values[0],
    values[-1],
    time.perf_counter() - start,
    backend,
    int(np.sum(values < 0)),
)
with atomic_output(snakemake.output[0]) as tmp:
    np.savez(tmp, values=values, vectors=vectors)
