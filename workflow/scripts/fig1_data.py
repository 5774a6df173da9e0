"""The numbers behind Figure 1: loss and s_k^2 curves (QWEM with theory, word2vec) and three
embedding snapshots of each on principal directions 1 and 3."""

import numpy as np
import pandas as pd

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.plots import singular_value_curves, snapshot_projections, word2vec_time_unit
from qwemflow.vocab import read_word_counts

log = log_to(snakemake.log[0])
modes = snakemake.params.modes
words = list(read_word_counts(snakemake.input.vocab))
with np.load(snakemake.input.qwem) as run:
    qwem = dict(run)
with np.load(snakemake.input.word2vec) as run:
    word2vec = dict(run)


def long(table, kind):
    return table.rename(columns={"s2": "value"}).assign(kind=kind)


curves = [
    long(singular_value_curves(qwem, modes, "qwem"), "s2"),
    long(singular_value_curves(qwem, modes, "theory"), "theory").assign(row="qwem"),
    pd.DataFrame({"row": "qwem", "kind": "loss", "mode": 0, "t_over_tau1": qwem["steps"] / qwem["tau1"], "value": qwem["loss"]}),
    long(singular_value_curves(word2vec, modes, "word2vec"), "s2"),
]
curves = pd.concat(curves, ignore_index=True)[["row", "kind", "mode", "t_over_tau1", "value"]]
unit = word2vec_time_unit(word2vec)
points = pd.concat(
    [
        snapshot_projections(qwem["checkpoints"], ["QWEM early", "QWEM middle", "QWEM late"], words,
                             qwem["checkpoint_steps"] / qwem["tau1"]).assign(row="qwem"),
        snapshot_projections(word2vec["snapshots"], ["word2vec 1%", "word2vec 10%", "word2vec end"], words,
                             word2vec["snapshot_words"] / unit).assign(row="word2vec"),
    ],
    ignore_index=True,
)
with atomic_output(snakemake.output.curves) as tmp:
    curves.to_csv(tmp, index=False)
with atomic_output(snakemake.output.points) as tmp:
    points.to_csv(tmp, index=False)
