"""gensim SGNS on the tokenized corpus, vocabulary fixed to our V words: its singular-value
trajectory, and (for the baseline) the embedding in word2vec text format."""

import numpy as np

from qwemflow.dynamics import log_spaced_steps
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.spectral import save_word2vec
from qwemflow.vocab import read_word_counts
from qwemflow.word2vec import SpectrumRecorder, TokenArticles, train_sgns, vectors_in_order

log = log_to(snakemake.log[0])
word_counts = read_word_counts(snakemake.input.vocab)
vocab = list(word_counts)
settings = snakemake.params.settings
total_words = settings["epochs"] * sum(word_counts.values())
recorder = SpectrumRecorder(
    TokenArticles(snakemake.input.tokens, vocab),
    log_spaced_steps(total_words, 200),
    snapshot_words=[total_words // 100, total_words // 10],
)
model = train_sgns(
    recorder,
    dict(word_counts),
    dim=int(snakemake.wildcards.d),
    window=int(snakemake.wildcards.L),
    negative=settings["negative"],
    sample=settings["sample"],
    epochs=settings["epochs"],
    alpha=settings["alpha"],
    seed=settings["seed"],
    workers=snakemake.threads,
    init_scale=snakemake.params.init_scale,
    callbacks=(recorder,),
)
if model.wv.index_to_key != vocab:
    raise RuntimeError("gensim reordered the vocabulary; the recorded snapshots would not match it")
log.info(
    "%d words fed to training; singular values recorded at %d points",
    recorder.words,
    len(recorder.recorded_words),
)
final = vectors_in_order(model, vocab)
if "embedding" in snakemake.output.keys():
    with atomic_output(snakemake.output.embedding) as tmp:
        save_word2vec(vocab, final, tmp)
with atomic_output(snakemake.output.trajectory) as tmp:
    np.savez(
        tmp,
        words=np.array(recorder.recorded_words),
        singular_values=np.array(recorder.singular_values),
        snapshot_words=np.array(recorder.snapshot_words + [recorder.words]),
        snapshots=np.array([*recorder.snapshots, final]),
    )
