"""Appendix: the top eigenvalues of M*, PMI, PPMI and G, each over its largest."""

import numpy as np
import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
tables = []
for target, path in zip(snakemake.params.targets, snakemake.input, strict=True):
    with np.load(path) as spectrum:
        values = spectrum["values"][: snakemake.params.rank]
    log.info(
        "%s: lambda_1 = %.4g, %d of the top %d positive",
        target,
        values[0],
        int(np.sum(values > 0)),
        len(values),
    )
    tables.append(
        pd.DataFrame(
            {
                "target": target,
                "rank": np.arange(1, len(values) + 1),
                "eigenvalue": values,
                "normalized": values / values[0],
            }
        )
    )
with atomic_output(snakemake.output[0]) as tmp:
    pd.concat(tables, ignore_index=True).to_csv(tmp, index=False)
