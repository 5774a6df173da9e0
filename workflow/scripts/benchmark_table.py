"""One tidy CSV of every model's benchmarks, and the paper's table beside ours (CSV, Markdown)."""

import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.summary import summary_table, table_markdown

log = log_to(snakemake.log[0])
benchmarks = pd.concat([pd.read_csv(path) for path in snakemake.input], ignore_index=True)
summary = summary_table(benchmarks)
w = snakemake.wildcards
caption = (
    f"Benchmarks on corpus `{w.corpus}` (V = {w.V}, L = {w.L}, d = {w.d}); Google analogies with the paper's "
    "protocol (all categories pooled). Paper: Wikipedia, V = 10,000, d = 200."
)
log.info("\n%s", summary.to_string(index=False))
with atomic_output(snakemake.output.table) as tmp:
    benchmarks.to_csv(tmp, index=False)
with atomic_output(snakemake.output.summary) as tmp:
    summary.to_csv(tmp, index=False)
with atomic_output(snakemake.output.markdown) as tmp:
    tmp.write_text(table_markdown(summary, caption))
