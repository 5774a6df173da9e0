"""gensim SGNS on the tokenized corpus, vocabulary fixed to our V words; word2vec text format."""

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.spectral import save_word2vec
from qwemflow.vocab import read_word_counts
from qwemflow.word2vec import TokenArticles, train_sgns, vectors_in_order

log = log_to(snakemake.log[0])
word_counts = read_word_counts(snakemake.input.vocab)
vocab = list(word_counts)
settings = snakemake.params.settings
model = train_sgns(
    TokenArticles(snakemake.input.tokens, vocab),
    dict(word_counts),
    dim=int(snakemake.wildcards.d),
    window=int(snakemake.wildcards.L),
    negative=settings["negative"],
    sample=settings["sample"],
    epochs=settings["epochs"],
    alpha=settings["alpha"],
    seed=settings["seed"],
    workers=snakemake.threads,
)
with atomic_output(snakemake.output[0]) as tmp:
    save_word2vec(vocab, vectors_in_order(model, vocab), tmp)
