"""gensim skip-gram on the tokenized corpus, vocabulary fixed to our V words, untied (the
baseline) or tied (the paper's word2vec), on the rule's threads: the embedding in word2vec text
format, and its trajectory (singular values at log-spaced word counts, and the embedding at a
few), each taken after exactly that many words."""

import numpy as np

from qwemflow.dynamics import log_spaced_steps
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.spectral import save_word2vec
from qwemflow.vocab import read_word_counts
from qwemflow.word2vec import TokenStream, Trajectory, snapshot_words, train_sgns

log = log_to(snakemake.log[0])
word_counts = read_word_counts(snakemake.input.vocab)
settings, tied = snakemake.params.settings, snakemake.params.tied
stream = TokenStream.from_token_files(snakemake.input.tokens)
total_words = settings["epochs"] * stream.words_per_epoch
trajectory = Trajectory(
    log_spaced_steps(total_words, 200),
    snapshot_words(total_words, snakemake.params.snapshots),
    total_words,
)
final = train_sgns(
    stream,
    list(word_counts.values()),
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
    stops=trajectory.record | trajectory.snapshot,
    on_stop=trajectory,
)
log.info(
    "%s on %d threads: %d words trained; singular values recorded at %d points, the embedding at %d",
    "tied" if tied else "untied",
    snakemake.threads,
    total_words,
    len(trajectory.words),
    len(trajectory.snapshots),
)
with atomic_output(snakemake.output.embedding) as tmp:
    save_word2vec(list(word_counts), final, tmp)
with atomic_output(snakemake.output.trajectory) as tmp:
    np.savez(tmp, **trajectory.arrays(), tied=tied)
