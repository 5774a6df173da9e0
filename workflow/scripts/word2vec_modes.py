"""The tied word2vec's modes on the theory's clock: each recorded word count as gradient-flow time
(qwemflow.clock), each mode's half-time measured against the linearization of its own loss and
weights, nothing fitted."""

import numpy as np

from qwemflow.clock import stream_modes, subsampled_pair_counts
from qwemflow.dynamics import keep_probabilities, subspace_overlap
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
with load_npz(snakemake.input.counts, "merge_counts") as stats:
    p_joint, p_word = stats["p_joint"], stats["p_word"]
    n_pairs, n_words = int(stats["n_pairs"]), int(stats["word_counts"].sum())
with np.load(snakemake.input.trajectory) as run:
    trajectory = dict(run)
with np.load(snakemake.input.spectrum) as spectrum:
    mstar_vectors = spectrum["vectors"][:, : trajectory["initial"].shape[1]]
settings, window = snakemake.params.settings, int(snakemake.wildcards.L)


def token_chunks():
    for path in snakemake.input.tokens:
        with np.load(path) as tokens:
            yield tokens["ids"], tokens["offsets"]


# the pairs gensim's stream trains: subsampling first, then the window over the kept words
stream_counts = subsampled_pair_counts(
    token_chunks(),
    keep_probabilities(p_word, settings["sample"]),
    len(p_word),
    window,
    settings["seed"],
)
modes, times, clock = stream_modes(
    p_joint, p_word, n_pairs, n_words, window, settings, trajectory, stream_counts
)
overlap = subspace_overlap(trajectory["snapshots"][-1].astype(np.float64), mstar_vectors)
top = modes.head(10)
log.info(
    "%d words = t %.4g on the theory's clock; modes 1-10 measured / predicted half-time: %s"
    " (subsampling as thinning: %s)",
    trajectory["words"][-1],
    times[-1],
    ", ".join(f"{r:.2f}" for r in top["half_time_measured"] / top["half_time_theory"]),
    ", ".join(f"{r:.2f}" for r in top["half_time_measured"] / top["half_time_thinned"]),
)
with atomic_output(snakemake.output.modes) as tmp:
    modes.assign(run="word2vec-tied", subspace_overlap=overlap).to_csv(tmp, index=False)
with atomic_output(snakemake.output.clock) as tmp:
    np.savez(tmp, **clock, times=times)
