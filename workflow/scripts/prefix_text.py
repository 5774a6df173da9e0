"""A nested prefix of the corpus: its first N words, as a corpus of one part with word counts."""

from itertools import chain

from qwemflow.corpus import corpus_prefix, read_articles, write_articles
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.vocab import write_word_counts

log = log_to(snakemake.log[0])
parts = list(snakemake.input)
n_words = int(snakemake.wildcards.words)
log.info("the first %d words of %d part(s), %s to %s", n_words, len(parts), parts[0], parts[-1])
articles = chain.from_iterable(read_articles(part) for part in parts)
with atomic_output(snakemake.output.text) as text_tmp:
    source = f"corpus {snakemake.wildcards.corpus} ({len(parts)} part(s) under {parts[0]})"
    counts = write_articles(corpus_prefix(articles, n_words, source), text_tmp)
    with atomic_output(snakemake.output.word_counts) as counts_tmp:
        write_word_counts(sorted(counts.items(), key=lambda item: (-item[1], item[0])), counts_tmp)
