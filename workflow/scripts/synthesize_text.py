"""Generate one part of the synthetic corpus: its text, one document a line, and word counts."""

import time

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.synthetic import SyntheticCorpus
from qwemflow.vocab import top_words, write_word_counts

log = log_to(snakemake.log[0])
corpus = SyntheticCorpus.from_config(snakemake.params.settings)
part = int(snakemake.wildcards.part)
start = time.perf_counter()
with atomic_output(snakemake.output.text) as text_tmp:
    counts = corpus.write_part(part, text_tmp)
    with atomic_output(snakemake.output.word_counts) as counts_tmp:
        write_word_counts(top_words(counts, len(counts)), counts_tmp)
elapsed = time.perf_counter() - start
n_tokens = sum(counts.values())
log.info(
    "part %d: %d tokens in %.1f s (%.2f M tokens/s)",
    part,
    n_tokens,
    elapsed,
    n_tokens / elapsed / 1e6,
)
