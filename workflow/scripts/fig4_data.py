"""The numbers behind Figure 4 and the top-1 analysis, all from the one eigendecomposition of M*."""

import numpy as np

from qwemflow.evaluate import read_analogy_sections
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to
from qwemflow.linear_structure import linear_structure_tables
from qwemflow.sources import gensim_test_data
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
fig4 = snakemake.params.fig4
words = list(read_word_counts(snakemake.input.vocab))
# the spectrum may hold all V eigenpairs (for the dynamics): only Figure 4's are kept in memory
with load_npz(snakemake.input.eigenpairs, "spectrum") as eigen:
    values = eigen["values"][: fig4["max_dim"]]
    vectors = np.ascontiguousarray(eigen["vectors"][:, : len(values)])
tables = linear_structure_tables(
    values,
    vectors,
    words,
    read_analogy_sections(gensim_test_data("questions-words.txt")),
    **fig4,
)
for name, table in tables.items():
    with atomic_output(getattr(snakemake.output, name)) as tmp:
        table.to_csv(tmp, index=False)
