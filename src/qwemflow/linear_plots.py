"""Figures of the linear-representation analyses (Figure 4 and the appendix), from saved tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

from qwemflow.linear import marchenko_pastur_density
from qwemflow.plots import plt
from qwemflow.summary import MODEL_LABELS

TARGET_LABELS = {"mstar": "M*", "pmi": "PMI", "ppmi": "PPMI", "g": "G"}


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="grey")


def _spectrum_panel(ax, eigenvalues: np.ndarray, fit: pd.Series, x_max: float) -> None:
    """Histogram of one d's eigenvalues, the fitted bulk density in expected counts per bin, and
    an arrow at the outlier."""
    bins = np.linspace(0, x_max, 41)
    counts, _, _ = ax.hist(
        eigenvalues, bins=bins, color="tab:blue", alpha=0.6, label=f"d = {int(fit['dim'])}"
    )
    x = np.linspace(0, x_max, 800)
    expected = (
        (fit["n_vectors"] - 1)
        * (bins[1] - bins[0])
        * marchenko_pastur_density(x, fit["noise_variance"], fit["bulk_ratio"])
    )
    ax.fill_between(
        x,
        expected,
        color="tab:orange",
        alpha=0.45,
        zorder=-2,
        label=f"MP: $\\sigma^2$ = {fit['noise_variance']:.3g}, $d_{{eff}}$ = {fit['effective_dim']:.0f}",
    )
    ax.axvline(
        fit["outlier"], color="tab:red", linestyle="--", linewidth=1.2, label="largest (the spike)"
    )
    ax.set_ylim(0, 1.6 * max(counts.max(), 1))
    ax.legend(fontsize=7, loc="upper left")


def fig4_figure(
    eigenvalues: pd.DataFrame,
    fits: pd.DataFrame,
    power: pd.DataFrame,
    curves: pd.DataFrame,
    family: str,
    title: str,
) -> plt.Figure:
    """(a) spectra of R_d R_d^T / d of one family with the fitted Marchenko-Pastur bulk and the
    spike; (b) the mean task vector's power on the top eigenfeatures, the strongest named by
    their words; (c) SNR and (d) analogy accuracy of every family against d. Each panel's letter
    appears once, in reading order (the paper puts SNR and accuracy together as its (c))."""
    figure = plt.figure(figsize=(15, 8.5))
    grid = figure.add_gridspec(4, 2, width_ratios=[1, 2.1], wspace=0.22, hspace=0.45)
    right = grid[:, 1].subgridspec(2, 2, hspace=0.35, wspace=0.3)
    dims = list(fits["dim"]) if not fits.empty else []
    spectrum_axes = [figure.add_subplot(grid[i, 0]) for i in range(4)]
    x_max = 1.1 * eigenvalues["eigenvalue"].max() if not eigenvalues.empty else 1.0
    for i, ax in enumerate(spectrum_axes):
        if i < len(dims):
            _spectrum_panel(
                ax,
                eigenvalues[eigenvalues["d"] == dims[i]]["eigenvalue"].to_numpy(),
                fits.iloc[i],
                x_max,
            )
        else:
            _empty(ax, f"no {family} spectrum")
        ax.set_ylabel("count", fontsize=9)
    spectrum_axes[0].set_title(f"(a) spectra of $R_d R_d^T / d$ ({family})", fontsize=10)
    spectrum_axes[-1].set_xlabel("eigenvalue")

    ax = figure.add_subplot(right[0, :])
    if power.empty:
        _empty(ax, f"{family}: too few pairs")
    else:
        ax.bar(power["eigenfeature"], power["power"], color="tab:blue")
        labelled = power[power["words"] != ""].sort_values("power", ascending=False)
        for row in labelled.itertuples():
            ax.text(
                row.eigenfeature,
                row.power,
                f"{row.eigenfeature}",
                ha="center",
                va="bottom",
                fontsize=8,
                color="navy",
            )
        key = "\n".join(
            f"{row.eigenfeature}: {row.words.replace(' ', ', ')}" for row in labelled.itertuples()
        )
        ax.text(
            0.99,
            0.97,
            key,
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8.5,
            color="navy",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "lightgrey"},
        )
        ax.set_xlim(0, len(power) + 1)
        ax.set_ylim(0, (1.25 + 0.1 * len(labelled)) * power["power"].max())
    ax.set_xlabel("eigenfeature $k$ of M*")
    ax.set_ylabel("share of $\\langle r \\rangle^2$")
    ax.set_title(f"(b) power of the mean task vector on eigenfeatures ({family})", fontsize=10)

    snr_ax, accuracy_ax = figure.add_subplot(right[1, 0]), figure.add_subplot(right[1, 1])
    for name, line in curves.groupby("family", sort=False):
        label = f"{name} ({int(line['n_pairs'].iloc[0])} pairs)"
        snr_ax.plot(line["d"], line["snr"], marker=".", label=label)
        accuracy_ax.plot(line["d"], line["accuracy"], marker=".", label=label)
    if curves.empty:
        _empty(snr_ax, "no family with 2 pairs")
    snr_ax.set_yscale("log")
    snr_ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    snr_ax.yaxis.set_major_formatter(ScalarFormatter())
    snr_ax.yaxis.set_minor_formatter(NullFormatter())
    snr_ax.set_ylabel("SNR = $\\lambda_{max}(R_d R_d^T)$ / (Tr / rank)")
    accuracy_ax.set_ylabel("analogy accuracy (paper protocol)")
    accuracy_ax.set_ylim(-0.02, 1.02)
    for ax in (snr_ax, accuracy_ax):
        ax.set_xscale("log")
        ax.set_xlabel("embedding dimension $d$")
    snr_ax.set_title("(c) spike strength", fontsize=10)
    accuracy_ax.set_title("(d) analogy accuracy", fontsize=10)
    if not curves.empty:
        snr_ax.legend(fontsize=7)
    figure.suptitle(title, fontsize=11)
    return figure


def top1_figure(top1: pd.DataFrame, title: str) -> plt.Figure:
    """Cosine of the analogy guess to the answer, raw and over the answer's nearest rival, vs d."""
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for name, line in top1.groupby("family", sort=False):
        axes[0].plot(line["d"], line["answer_cosine"], marker=".", label=name)
        axes[1].plot(line["d"], line["normalized_cosine"], marker=".", label=name)
    axes[0].set_ylabel("cos(guess, answer)")
    axes[1].set_ylabel("cos(guess, answer) / max$_v$ cos(v, answer)")
    axes[1].axhline(1.0, color="grey", linestyle=":")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_ylim(0, 1.2)
        ax.set_xlabel("embedding dimension $d$")
    if top1.empty:
        _empty(axes[0], "no family with 2 pairs")
    else:
        axes[0].legend(fontsize=8, loc="lower left")
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure


def target_spectra_figure(spectra: pd.DataFrame, title: str) -> plt.Figure:
    """Top eigenvalues of each target over its largest, log-log (positive eigenvalues only)."""
    figure, ax = plt.subplots(figsize=(5.5, 4.2))
    for target, points in spectra.groupby("target", sort=False):
        points = points[points["normalized"] > 0]
        ax.scatter(
            points["rank"], points["normalized"], s=5, label=TARGET_LABELS.get(target, target)
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rank $k$")
    ax.set_ylabel("$\\lambda_k / \\lambda_1$")
    ax.legend(fontsize=9)
    ax.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def overlap_figure(overlaps: pd.DataFrame, title: str) -> plt.Figure:
    """Heatmaps of (u_i . u~_j)^2, one per model pair: a bright diagonal means shared directions."""
    pairs = list(dict.fromkeys(zip(overlaps["first"], overlaps["second"], strict=True)))
    figure, axes = plt.subplots(1, len(pairs), figsize=(5 * len(pairs), 4.6), squeeze=False)
    for ax, (first, second) in zip(axes[0], pairs, strict=True):
        table = overlaps[(overlaps["first"] == first) & (overlaps["second"] == second)]
        matrix = table.pivot(index="i", columns="j", values="overlap").to_numpy()
        image = ax.imshow(
            matrix,
            vmin=0,
            vmax=1,
            cmap="magma",
            origin="upper",
            extent=(0.5, matrix.shape[1] + 0.5, matrix.shape[0] + 0.5, 0.5),
        )
        ax.set_xlabel(f"singular vector $j$ of {MODEL_LABELS.get(second, second)}")
        ax.set_ylabel(f"singular vector $i$ of {MODEL_LABELS.get(first, first)}")
        figure.colorbar(
            image, ax=ax, fraction=0.046, pad=0.04, label="$(u_i \\cdot \\tilde u_j)^2$"
        )
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure
