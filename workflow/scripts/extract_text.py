"""Extract one part: clean, normalized articles, one per line, and their word counts."""

from qwemflow.corpus import iter_tokenized_articles, write_articles
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.vocab import write_word_counts

log = log_to(snakemake.log[0])
files = list(snakemake.input)
log.info("extracting %d file(s), %s to %s (articles of at least %d words)", len(files), files[0], files[-1],
         snakemake.params.min_article_words)
with atomic_output(snakemake.output.text) as text_tmp:
    counts = write_articles(iter_tokenized_articles(files, snakemake.params.min_article_words), text_tmp)
    with atomic_output(snakemake.output.word_counts) as counts_tmp:
        write_word_counts(sorted(counts.items(), key=lambda item: (-item[1], item[0])), counts_tmp)
