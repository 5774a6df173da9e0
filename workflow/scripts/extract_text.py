"""Extract one part: clean, normalized articles, one per line, and their word counts."""

from collections import Counter

from qwemflow.corpus import iter_tokenized_articles, write_articles
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.vocab import write_word_counts

log = log_to(snakemake.log[0])
files = list(snakemake.input)
min_words, max_document_mb = snakemake.params.min_article_words, snakemake.params.max_document_mb
log.info(
    "extracting %d file(s), %s to %s (articles of at least %d words, documents of at most %g MB)",
    len(files),
    files[0],
    files[-1],
    min_words,
    max_document_mb,
)
tally = Counter()
with atomic_output(snakemake.output.text) as text_tmp:
    counts = write_articles(
        iter_tokenized_articles(files, min_words, max_document_mb, tally), text_tmp
    )
    log.info("kept %d of %d documents read", tally["kept"], tally["documents"])
    if not tally["kept"]:
        named = (
            ", ".join(files)
            if len(files) <= 3
            else f"{', '.join(files[:3])}, ... ({len(files)} files)"
        )
        log.warning(
            "kept no article of the %d documents read from %s: %s",
            tally["documents"],
            named,
            f"none has at least {min_words} words (corpus.min_article_words)"
            if tally["documents"]
            else "they hold no document",
        )
    with atomic_output(snakemake.output.word_counts) as counts_tmp:
        write_word_counts(sorted(counts.items(), key=lambda item: (-item[1], item[0])), counts_tmp)
