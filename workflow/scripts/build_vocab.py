"""The V most frequent words of the whole corpus (all parts), ties alphabetical."""

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.vocab import build_vocabulary, write_word_counts

log = log_to(snakemake.log[0])
vocab_size = int(snakemake.wildcards.V)
corpus = snakemake.config["corpus"]
filter_note = ""
if corpus["source"] != "synthetic":
    filter_note = (
        f"articles of fewer than {corpus['min_article_words']} words (corpus.min_article_words) were dropped at "
        f"extraction; logs/{snakemake.wildcards.corpus}/text/<part>.log say how many of how many each part kept"
    )
totals, vocab = build_vocabulary(snakemake.input, vocab_size, filter_note)
log.info(
    "%d distinct words, %d tokens; the top %d cover %.1f%% of tokens; rarest kept %r seen %d times",
    len(totals),
    sum(totals.values()),
    vocab_size,
    100 * sum(c for _, c in vocab) / sum(totals.values()),
    vocab[-1][0],
    vocab[-1][1],
)
with atomic_output(snakemake.output[0]) as tmp:
    write_word_counts(vocab, tmp)
