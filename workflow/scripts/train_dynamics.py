"""One learning-dynamics run, recorded at log-spaced steps, with the closed-form theory beside it."""

import numpy as np

from qwemflow.backend import resolve_backend
from qwemflow.dynamics import run_dynamics
from qwemflow.files import atomic_output, load_npz
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
# first: config compute.device cuda on a machine without a GPU fails before any work
backend = resolve_backend(snakemake.params.compute)
with load_npz(snakemake.input.counts, "merge_counts") as stats:
    p_joint, p_word = stats["p_joint"], stats["p_word"]
with np.load(snakemake.input.spectrum) as spectrum:
    mstar_eigenpairs = spectrum["values"], spectrum["vectors"]
result = run_dynamics(
    p_joint,
    p_word,
    snakemake.params.run,
    snakemake.params.settings,
    int(snakemake.wildcards.d),
    snakemake.params.subsample,
    mstar_eigenpairs=mstar_eigenpairs,
    backend=backend,
    name=snakemake.wildcards.run,
    snapshot_times=snakemake.params.snapshot_times,
)
trajectory = result.trajectory
with atomic_output(snakemake.output.modes) as tmp:
    result.modes.assign(
        run=snakemake.wildcards.run, subspace_overlap=result.subspace_overlap
    ).to_csv(tmp, index=False)
with atomic_output(snakemake.output.trajectory) as tmp:
    np.savez(
        tmp,
        steps=trajectory.steps,
        loss=trajectory.loss,
        singular_values=trajectory.singular_values,
        theory_squared=result.theory_squared,
        eigenvalues=result.eigenvalues,
        u0=result.u0,
        learning_rate=result.learning_rate,
        tau1=result.tau1,
        checkpoint_steps=trajectory.checkpoint_steps,
        checkpoints=trajectory.checkpoints,
        final=trajectory.final,
        subspace_overlap=result.subspace_overlap,
        snapshot_steps=result.snapshot_steps,
        snapshots=result.snapshots,
    )
