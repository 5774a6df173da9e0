"""One learning-dynamics run, recorded at log-spaced steps, with the closed-form theory beside it."""

import time

import numpy as np

from qwemflow.dynamics import (
    PairSampler,
    initial_embeddings,
    linearized_target,
    log_spaced_steps,
    pair_weights,
    quartic_distance,
    subspace_overlap,
    train,
    train_in_eigenbasis,
)
from qwemflow.eigensolver import all_eigenpairs, top_eigenpairs
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to
from qwemflow.targets import m_star
from qwemflow.theory import mode_agreement, squared_singular_values, tau_1

log = log_to(snakemake.log[0])
name, run, settings = snakemake.wildcards.run, snakemake.params.run, snakemake.params.settings
# a run's own learning_rate / t_max_over_tau1 / batch_size override the shared settings
settings = {**settings, **{key: value for key, value in run.items() if key in settings}}
dim = int(snakemake.wildcards.d)
# top_words: train on the statistics of the most frequent words only (a cheaper run, same M* entries)
with load_npz(snakemake.input.counts, "merge_counts") as stats:
    words = min(run.get("top_words", len(stats["p_word"])), len(stats["p_word"]))
    restricted = words < len(stats["p_word"])
    p_joint, p_word = stats["p_joint"][:words, :words], stats["p_word"][:words]
positive, negative = pair_weights(
    p_joint, p_word, run["reweighting"], psi=settings["psi"], subsample=snakemake.params.subsample
)
if restricted:
    mstar_vectors = top_eigenpairs(m_star(p_joint, p_word), dim)[1]
else:
    with np.load(snakemake.input.spectrum) as spectrum:
        mstar_vectors = spectrum["vectors"][:, :dim]
# The theory's modes: eigenpairs of the step's linearization at W = 0 (M* itself for QWEM under Setting 3.1).
# Full-batch QWEM under Setting 3.1 trains in M*'s eigenbasis, which needs all of them.
batch_size = settings["batch_size"]
in_eigenbasis = batch_size is None and quartic_distance(positive, negative, run["loss"])
linearized = linearized_target(positive, negative, run["loss"])
if in_eigenbasis:
    start = time.perf_counter()
    all_values, all_vectors = all_eigenpairs(linearized)
    log.info(
        "all %d eigenpairs of M* in %.1f s: training in its eigenbasis",
        len(all_values),
        time.perf_counter() - start,
    )
    eigenvalues, eigenvectors = all_values[:dim], all_vectors[:, :dim]
else:
    eigenvalues, eigenvectors = top_eigenpairs(linearized, dim)
del linearized
learning_rate = settings["learning_rate"] / eigenvalues[0]
w0 = initial_embeddings(positive.shape[0], dim, run["init"], settings["seed"])
# The theory's initial value of each mode: the random initialization's energy along it.
u0 = np.sum((eigenvectors.T @ w0) ** 2, axis=1)
tau1 = tau_1(eigenvalues[0], learning_rate, run["init"] ** 2)
if not tau1 > 0:
    raise ValueError(
        f"dynamics run {name}: init {run['init']} is not small next to lambda_1 = {eigenvalues[0]:.4g}"
    )
n_steps = int(np.ceil(settings["t_max_over_tau1"] * tau1))
record_steps = log_spaced_steps(n_steps, settings["n_records"])
sampler = (
    None
    if batch_size is None
    else PairSampler(p_joint, p_word, positive, negative, batch_size, settings["seed"])
)
log.info(
    "%s: %s loss, %s weights, %d words, init %g, eta = %.3g / lambda_1, tau_1 = %.1f steps, %d steps, %s",
    name,
    run["loss"],
    run["reweighting"],
    len(p_word),
    run["init"],
    settings["learning_rate"],
    tau1,
    n_steps,
    "full batch"
    if sampler is None
    else f"minibatches of {batch_size} positive and {batch_size} negative pairs",
)
checkpoints = np.unique(
    np.round(tau1 * np.array([1.1, 1.4, 4.0])).astype(int)
)  # 1 mode, a few, all
start = time.perf_counter()
try:
    if in_eigenbasis:
        trajectory = train_in_eigenbasis(
            all_values,
            all_vectors,
            w0,
            learning_rate,
            n_steps,
            record_steps,
            checkpoints,
            progress_every=max(1, n_steps // 20),
        )
    else:
        trajectory = train(
            positive,
            negative,
            run["loss"],
            w0,
            learning_rate,
            n_steps,
            record_steps,
            checkpoints,
            sampler,
            progress_every=max(1, n_steps // 20),
        )
except FloatingPointError as error:
    raise FloatingPointError(
        f"dynamics run {name} (learning_rate {settings['learning_rate']}): {error}"
    ) from None
log.info("%d steps in %.1f s", n_steps, time.perf_counter() - start)
theory = squared_singular_values(trajectory.steps, eigenvalues, learning_rate, u0)
overlap = subspace_overlap(trajectory.final, mstar_vectors)
agreement = mode_agreement(
    trajectory.steps, trajectory.singular_values**2, eigenvalues, learning_rate, u0
)
top = agreement.head(10)
log.info(
    "modes 1-10: half-times within %.1f%% of theory (worst); curves within %.1f%% (worst median; the theory's"
    " height is exact only for QWEM under Setting 3.1)",
    100 * top["half_time_relative_error"].abs().max(),
    100 * top["curve_median_relative_error"].max(),
)
log.info(
    "final loss %.6g; overlap of the learned column space with the top-%d eigenvectors of M*: %.4f",
    trajectory.loss[-1],
    dim,
    overlap,
)
with atomic_output(snakemake.output.modes) as tmp:
    agreement.assign(run=name, subspace_overlap=overlap).to_csv(tmp, index=False)
with atomic_output(snakemake.output.trajectory) as tmp:
    np.savez(
        tmp,
        steps=trajectory.steps,
        loss=trajectory.loss,
        singular_values=trajectory.singular_values,
        theory_squared=theory,
        eigenvalues=eigenvalues,
        u0=u0,
        learning_rate=learning_rate,
        tau1=tau1,
        checkpoint_steps=trajectory.checkpoint_steps,
        checkpoints=trajectory.checkpoints,
        final=trajectory.final,
        subspace_overlap=overlap,
    )
