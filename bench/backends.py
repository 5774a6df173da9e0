"""The dense stages on every array library present, against numpy float64: the same matrix, the
same run, the workflow's own functions (qwemflow.eigensolver, qwemflow.dynamics).

Backends: numpy (float64, the reference; float32), PyTorch on the CPU (float64, float32) when it
is installed, and on a CUDA GPU PyTorch and CuPy (float64, float32) when there is one. Three
measurements on the statistics of a counts file of the workflow
(results/<corpus>/counts/V<V>_L<L>.npz; V = 10,000 is the paper's size):

  eigh   every eigenpair of M*, one full decomposition (the spectrum rule off numpy);
         agreement: the largest eigenvalue error relative to the largest |eigenvalue|
  sgns   one full-batch gradient of tied SGNS with word2vec's weights at d dimensions (the
         sgns-tied run's step); agreement: the largest gradient error relative to its largest entry
  qwem   the workflow's QWEM run (Setting 3.1, init 1e-12, eta lambda_1 = 0.1, --t-max tau_1,
         in M*'s eigenbasis, its eigendecomposition included); agreement: the final singular
         values' largest relative difference, and the top 10 modes' half-times against the theory

Each line gives the seconds, the ratio to numpy float64 and the agreement. GPU times include
bringing the result back to the host (which waits for the device).

    python bench/backends.py results/wikiextractor500/counts/V10000_L16.npz
    python bench/backends.py COUNTS --words 3000 --only eigh,sgns     # quicker
"""

from __future__ import annotations

import argparse
import importlib.util
import time

import numpy as np
import pandas as pd

from qwemflow.backend import BackendUnavailable, resolve_backend, to_numpy
from qwemflow.dynamics import (
    blockwise_loss_and_gradient,
    pair_weights,
    run_dynamics,
    symmetric_parts,
)
from qwemflow.eigensolver import all_eigenpairs
from qwemflow.targets import m_star

QWEM = {"loss": "qwem", "reweighting": "setting-3.1", "init": 1e-12}
SETTINGS = {  # config.yaml's dynamics defaults
    "learning_rate": 0.1,
    "batch_size": None,
    "n_records": 300,
    "psi": 1.0,
    "seed": 0,
}


def backends() -> list[dict]:
    """Every (library, device, dtype) this machine can run, numpy float64 first."""
    found = []
    settings = [("numpy", "cpu")]
    if importlib.util.find_spec("torch") is not None:
        settings.append(("torch", "cpu"))
    settings += [("torch", "cuda"), ("cupy", "cuda")]
    for library, device in settings:
        for dtype in ("float64", "float32"):
            compute = {"library": library, "device": device, "dtype": dtype}
            try:
                found.append({**compute, "backend": resolve_backend(compute)})
            except BackendUnavailable:
                pass
    return found


def timed(function, repeats: int = 1):
    """The result of the last call and the median wall time of `repeats` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, float(np.median(times))


def measure_eigh(backend, mstar: np.ndarray):
    def run():
        values, vectors = all_eigenpairs(backend.asarray(mstar))
        return to_numpy(values), to_numpy(vectors)

    (values, _), seconds = timed(run)
    return values, seconds


def measure_sgns(backend, positive, negative, w, repeats: int):
    arrays = [backend.asarray(a) for a in (w, *symmetric_parts(positive, negative))]
    blockwise_loss_and_gradient(*arrays, "sgns", value=False, gradient=True)  # warm-up

    def run():
        _, gradient = blockwise_loss_and_gradient(*arrays, "sgns", value=False, gradient=True)
        return to_numpy(gradient)

    return timed(run, repeats)


def measure_qwem(backend, p_joint, p_word, dim: int, t_max: float):
    settings = {**SETTINGS, "t_max_over_tau1": t_max}
    return timed(lambda: run_dynamics(p_joint, p_word, QWEM, settings, dim, 1e-5, backend=backend))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("counts", help="a counts file: results/<corpus>/counts/V<V>_L<L>.npz")
    parser.add_argument("--words", type=int, help="only the most frequent words (default all)")
    parser.add_argument("--dim", type=int, default=200)
    parser.add_argument("--t-max", type=float, default=30.0, help="QWEM run length, in tau_1")
    parser.add_argument("--repeats", type=int, default=3, help="SGNS gradients timed (median)")
    parser.add_argument("--only", default="eigh,sgns,qwem", help="comma-separated measurements")
    parser.add_argument("--out", help="also write the table as CSV")
    args = parser.parse_args()
    only = set(args.only.split(","))

    with np.load(args.counts) as stats:
        p_joint, p_word = stats["p_joint"], stats["p_word"]
    if args.words:
        p_joint, p_word = p_joint[: args.words, : args.words], p_word[: args.words]
    mstar = m_star(p_joint, p_word)
    positive, negative = pair_weights(p_joint, p_word, "word2vec")
    w = np.random.default_rng(0).normal(0.0, 0.1 / np.sqrt(args.dim), (len(p_word), args.dim))
    print(f"V = {len(p_word)}, d = {args.dim}, from {args.counts}", flush=True)

    rows, reference = [], {}
    for setting in backends():
        backend, name = setting["backend"], f"{setting['library']} {setting['device']}"
        row = {"backend": name, "dtype": setting["dtype"]}
        if "eigh" in only:
            values, row["eigh_s"] = measure_eigh(backend, mstar)
            reference.setdefault("eigh", values)
            scale = np.abs(reference["eigh"]).max()
            row["eigh_error"] = float(np.abs(values - reference["eigh"]).max() / scale)
        if "sgns" in only:
            gradient, row["sgns_step_s"] = measure_sgns(
                backend, positive, negative, w, args.repeats
            )
            reference.setdefault("sgns", gradient)
            scale = np.abs(reference["sgns"]).max()
            row["sgns_error"] = float(np.abs(gradient - reference["sgns"]).max() / scale)
        if "qwem" in only:
            result, row["qwem_s"] = measure_qwem(backend, p_joint, p_word, args.dim, args.t_max)
            final = result.trajectory.singular_values[-1]
            reference.setdefault("qwem", final)
            row["qwem_steps"] = int(result.trajectory.steps[-1])
            row["qwem_final_error"] = float(
                np.abs(final - reference["qwem"]).max() / reference["qwem"].max()
            )
            modes = result.modes.head(10)
            row["qwem_halftime_vs_theory"] = float(modes["half_time_relative_error"].abs().max())
        rows.append(row)
        print(pd.DataFrame([row]).to_string(index=False, header=len(rows) == 1), flush=True)

    table = pd.DataFrame(rows)
    ratios = {"eigh_s": "eigh_vs_numpy", "sgns_step_s": "sgns_vs_numpy", "qwem_s": "qwem_vs_numpy"}
    for column, ratio in ratios.items():
        if column in table:
            table[ratio] = table[column] / table[column].iloc[0]
    print(table.to_string(index=False))
    if args.out:
        table.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
