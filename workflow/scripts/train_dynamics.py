"""One learning-dynamics run, recorded at log-spaced steps, with the closed-form theory beside it."""

import numpy as np

from qwemflow.dynamics import initial_embeddings, log_spaced_steps, pair_weights, subspace_overlap, train_full_batch
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.theory import squared_singular_values, tau_1

log = log_to(snakemake.log[0])
run, settings = snakemake.params.run, snakemake.params.settings
dim = int(snakemake.wildcards.d)
with np.load(snakemake.input.counts) as stats:
    positive, negative = pair_weights(stats["p_joint"], stats["p_word"], run["reweighting"], psi=settings["psi"])
with np.load(snakemake.input.spectrum) as spectrum:
    eigenvalues, eigenvectors = spectrum["values"][:dim], spectrum["vectors"][:, :dim]
learning_rate = settings["learning_rate"] / eigenvalues[0]
w0 = initial_embeddings(positive.shape[0], dim, run["init"], settings["seed"])
# The theory's initial value of each mode: the random initialization's energy along it.
u0 = np.sum((eigenvectors.T @ w0) ** 2, axis=1)
tau1 = tau_1(eigenvalues[0], learning_rate, run["init"] ** 2)
if not tau1 > 0:
    raise ValueError(f"dynamics run {snakemake.wildcards.run}: init {run['init']} is not small next to lambda_1 = {eigenvalues[0]:.4g}")
n_steps = int(np.ceil(settings["t_max_over_tau1"] * tau1))
record_steps = log_spaced_steps(n_steps, settings["n_records"])
log.info("%s: %s loss, %s weights, init %g, eta = %.3g / lambda_1, tau_1 = %.1f steps, %d steps",
         snakemake.wildcards.run, run["loss"], run["reweighting"], run["init"], settings["learning_rate"], tau1, n_steps)
checkpoints = np.unique(np.round(tau1 * np.array([1.1, 1.4, 4.0])).astype(int))  # 1 mode, a few, all
trajectory = train_full_batch(positive, negative, run["loss"], w0, learning_rate, n_steps, record_steps, checkpoints)
theory = np.column_stack(
    [squared_singular_values(trajectory.steps, eigenvalues[k : k + 1], learning_rate, u0[k])[:, 0] for k in range(dim)]
)
if not np.isfinite(trajectory.final).all():
    raise FloatingPointError(
        f"dynamics run {snakemake.wildcards.run} diverged (non-finite W); lower dynamics.learning_rate ({settings['learning_rate']})"
    )
overlap = subspace_overlap(trajectory.final, eigenvectors)
log.info("final loss %.6g; overlap of the learned column space with the top-%d eigenvectors of M*: %.4f", trajectory.loss[-1], dim, overlap)
with atomic_output(snakemake.output[0]) as tmp:
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
