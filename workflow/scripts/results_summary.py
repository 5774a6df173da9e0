"""The results summary: this run's numbers beside the paper's (Markdown, and HTML for the report)."""

import json

import numpy as np
import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.learning_curve import largest_gap
from qwemflow.linear import top_singular_overlap
from qwemflow.provenance import provenance_markdown
from qwemflow.spectral import load_word2vec
from qwemflow.summary import corpus_statistics, markdown_to_html, results_markdown
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
w, params = snakemake.wildcards, snakemake.params
offsets = []
for path in snakemake.input.tokens:
    with np.load(path) as tokens:
        offsets.append(tokens["offsets"])
corpus_tokens = sum(sum(read_word_counts(path).values()) for path in snakemake.input.wordcounts)
vocab_counts = np.array(list(read_word_counts(snakemake.input.vocab).values()))
corpus = corpus_statistics(offsets, corpus_tokens, vocab_counts)
table = pd.read_csv(snakemake.input.table)
eigenfeatures = pd.read_csv(snakemake.input.eigenfeatures)
modes = {
    run: pd.read_csv(path) for run, path in zip(params.runs, snakemake.input.modes, strict=True)
}
_, word2vec = load_word2vec(snakemake.input.word2vec)
with np.load(snakemake.input.mstar) as spectrum:
    word2vec_overlap = top_singular_overlap(word2vec, spectrum["vectors"], 10)
curves = pd.read_csv(snakemake.input.learning_curve)
curve_gaps = {
    label: largest_gap(curves, "theory", curve)
    for label, curve in (("QWEM", "qwem"), ("word2vec (tied)", "word2vec"))
}
text = results_markdown(
    {"corpus": w.corpus, "V": w.V, "L": w.L, "d": w.d},
    corpus,
    table,
    eigenfeatures,
    modes,
    word2vec_overlap,
    curve_gaps,
)
with open(snakemake.input.provenance) as record:
    text += "\n" + provenance_markdown(json.load(record))
log.info("\n%s", text)
with atomic_output(snakemake.output.markdown) as tmp:
    tmp.write_text(text)
with atomic_output(snakemake.output.html) as tmp:
    tmp.write_text(markdown_to_html(text, f"Results: {w.corpus}"))
with atomic_output(snakemake.output.corpus) as tmp:
    pd.DataFrame([corpus]).to_csv(tmp, index=False)
