"""The numbers behind the learning curve: analogy accuracy over training of the closed form's
embedding, the QWEM run's W and the tied word2vec's snapshots."""

import numpy as np

from qwemflow.clock import load_on_clock
from qwemflow.evaluate import read_analogy_sections
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.learning_curve import largest_gap, learning_curves
from qwemflow.sources import gensim_test_data
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
words = list(read_word_counts(snakemake.input.vocab))
sections = read_analogy_sections(gensim_test_data("questions-words.txt"))
with np.load(snakemake.input.qwem) as run:
    qwem = dict(run)
# the tied model on the theory's clock (qwemflow.clock.word2vec_time)
word2vec = load_on_clock(snakemake.input.word2vec, snakemake.input.clock)
with np.load(snakemake.input.mstar) as spectrum:
    vectors = spectrum["vectors"]
curves = learning_curves(words, sections, qwem, vectors, word2vec)
for other in ("qwem", "word2vec"):
    gap, time = largest_gap(curves, "theory", other)
    log.info(
        "largest gap, theory against %s: %.1f points at t/tau_1 = %.3g", other, 100 * gap, time
    )
with atomic_output(snakemake.output[0]) as tmp:
    curves.to_csv(tmp, index=False)
