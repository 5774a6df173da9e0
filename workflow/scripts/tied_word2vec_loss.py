"""The expected tied-SGNS loss (word2vec's subsampling and negatives) at each snapshot of the
tied word2vec, from P(i,j) and P(i): Figure 1's loss panel for that row."""

import numpy as np
import pandas as pd

from qwemflow.dynamics import expected_losses, pair_weights
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
with load_npz(snakemake.input.counts, "merge_counts") as stats:
    p_joint, p_word = stats["p_joint"], stats["p_word"]
with np.load(snakemake.input.trajectory) as run:
    words, snapshots = run["snapshot_words"], run["snapshots"]
positive, negative = pair_weights(
    p_joint,
    p_word,
    "word2vec",
    psi=snakemake.params.negative,
    subsample=snakemake.params.sample,
)
losses = expected_losses(snapshots, positive, negative, "sgns")
log.info("expected loss at %d snapshots: %.6g to %.6g", len(losses), losses[0], losses[-1])
with atomic_output(snakemake.output[0]) as tmp:
    pd.DataFrame({"words": words, "loss": losses}).to_csv(tmp, index=False)
