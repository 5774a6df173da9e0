"""gensim skip-gram on the tokenized corpus, vocabulary fixed to our V words, untied (the
baseline) or tied (the paper's word2vec): the embedding in word2vec text format, and its
trajectory (singular values at log-spaced word counts, and the embedding at a few)."""

import numpy as np

from qwemflow.dynamics import log_spaced_steps
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.spectral import save_word2vec
from qwemflow.vocab import read_word_counts
from qwemflow.word2vec import (
    SpectrumRecorder,
    TokenArticles,
    snapshot_words,
    train_sgns,
    vectors_in_order,
)

log = log_to(snakemake.log[0])
word_counts = read_word_counts(snakemake.input.vocab)
vocab = list(word_counts)
settings, tied = snakemake.params.settings, snakemake.params.tied
total_words = settings["epochs"] * sum(word_counts.values())
recorder = SpectrumRecorder(
    TokenArticles(snakemake.input.tokens, vocab),
    log_spaced_steps(total_words, 200),
    snapshot_words=snapshot_words(total_words, snakemake.params.snapshots),
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
    init_scale=settings["init"],
    tied=tied,
    callbacks=(recorder,),
)
if model.wv.index_to_key != vocab:
    raise RuntimeError("gensim reordered the vocabulary; the recorded snapshots would not match it")
log.info(
    "%s: %d words fed to training; singular values recorded at %d points, the embedding at %d",
    "tied" if tied else "untied",
    recorder.words,
    len(recorder.recorded_words),
    len(recorder.snapshots) + 1,
)
final = vectors_in_order(model, vocab)
with atomic_output(snakemake.output.embedding) as tmp:
    save_word2vec(vocab, final, tmp)
with atomic_output(snakemake.output.trajectory) as tmp:
    np.savez(
        tmp,
        words=np.array(recorder.recorded_words),
        singular_values=np.array(recorder.singular_values),
        snapshot_words=np.array(recorder.snapshot_words + [recorder.words]),
        snapshots=np.array([*recorder.snapshots, final]),
        tied=tied,
    )
