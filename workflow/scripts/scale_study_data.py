"""Scale study: each model's Google-analogy accuracy at each corpus size, one CSV."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.summary import scale_study_table
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
points = [
    {
        "corpus": point["corpus"],
        "words": sum(sum(read_word_counts(path).values()) for path in point["wordcounts"]),
        "benchmarks": pd.concat([pd.read_csv(path) for path in point["evals"]], ignore_index=True),
    }
    for point in snakemake.params.points
]
table = scale_study_table(points)
log.info("\n%s", table.to_string(index=False))
with atomic_output(snakemake.output[0]) as tmp:
    table.to_csv(tmp, index=False)
