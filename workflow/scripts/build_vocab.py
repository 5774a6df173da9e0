"""The V most frequent words of the whole corpus (all parts), ties alphabetical."""

from collections import Counter

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.vocab import read_word_counts, top_words, write_word_counts

log = log_to(snakemake.log[0])
totals = Counter()
for path in snakemake.input:
    totals.update(read_word_counts(path))
vocab_size = int(snakemake.wildcards.V)
vocab = top_words(totals, vocab_size)
log.info(
    "%d distinct words, %d tokens; the top %d cover %.1f%% of tokens; rarest kept %r seen %d times",
    len(totals), sum(totals.values()), vocab_size,
    100 * sum(c for _, c in vocab) / sum(totals.values()), vocab[-1][0], vocab[-1][1],
)
with atomic_output(snakemake.output[0]) as tmp:
    write_word_counts(vocab, tmp)
