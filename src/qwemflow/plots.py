"""Figures, drawn only from saved numbers (tables in, matplotlib figures out)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from qwemflow.clock import word2vec_rise, word2vec_time  # noqa: E402
from qwemflow.summary import table_cell  # noqa: E402


def table_figure(summary: pd.DataFrame, title: str) -> plt.Figure:
    """The benchmark table as a figure, ours beside the paper's analogy numbers."""
    cells = [
        [table_cell(column, value) for column, value in row.drop("model").items()]
        for _, row in summary.iterrows()
    ]
    figure, axes = plt.subplots(
        figsize=(1.6 + 1.5 * len(summary.columns), 0.9 + 0.38 * len(summary))
    )
    axes.axis("off")
    table = axes.table(
        cellText=cells,
        rowLabels=list(summary["model"]),
        colLabels=list(summary.columns[1:]),
        loc="center",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1.0, 1.4)
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def eigenfeature_figure(features: pd.DataFrame, title: str) -> plt.Figure:
    """Top and bottom words of each eigenvector of M*, one row per eigenvector."""
    n = len(features)
    figure, axes = plt.subplots(figsize=(11, 0.55 * n + 0.9))
    axes.axis("off")
    for i, row in enumerate(features.itertuples()):
        y = 1 - (i + 0.5) / n
        axes.text(
            0.0,
            y,
            f"{row.eigenvector}",
            fontsize=10,
            fontweight="bold",
            va="center",
            transform=axes.transAxes,
        )
        axes.text(
            0.04,
            y,
            "+ " + ", ".join(row.top_words.split()[:8]),
            fontsize=9,
            va="center",
            color="tab:blue",
            transform=axes.transAxes,
        )
        axes.text(
            0.52,
            y,
            "− " + ", ".join(row.bottom_words.split()[:8]),
            fontsize=9,
            va="center",
            color="tab:red",
            transform=axes.transAxes,
        )
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def use_style(style: dict) -> None:
    """The figure options of config (figures.style) for every figure drawn after this call."""
    plt.rcParams.update(
        {
            "font.size": style["font_size"],
            "savefig.dpi": style["dpi"],
            "image.cmap": style["colormap"],
        }
    )


def save_figure(figure: plt.Figure, pdf_path, png_path) -> None:
    figure.savefig(pdf_path)
    figure.savefig(png_path)
    plt.close(figure)


def singular_value_curves(trajectory: dict, modes: int, kind: str) -> pd.DataFrame:
    """Long table (row, init, mode, t_over_tau1, s2) of one run's measured or theoretical s_k^2.

    kind: 'qwem' and 'theory' read a dynamics run (steps in units of its theory tau_1);
    'word2vec' reads the gensim trajectory: on the theory's clock in units of its own tau_1 when
    it carries its clock (the tied model), else in its own unit (clock.word2vec_time).
    """
    if kind == "word2vec":
        s2 = trajectory["singular_values"][:, :modes] ** 2
        steps, unit = word2vec_time(trajectory, trajectory["words"]), 1.0
    else:
        s2 = (
            trajectory["theory_squared"][:, :modes]
            if kind == "theory"
            else trajectory["singular_values"][:, :modes] ** 2
        )
        steps, unit = trajectory["steps"].astype(float), float(trajectory["tau1"])
    t, k = np.meshgrid(steps / max(unit, 1.0), np.arange(1, s2.shape[1] + 1), indexing="ij")
    return pd.DataFrame(
        {"row": kind, "mode": k.ravel(), "t_over_tau1": t.ravel(), "s2": s2.ravel()}
    )


def mode_colours(n_modes: int):
    """One colour per mode k = 1..n_modes from the style's colormap, and the colorbar's mappable
    (discrete, a tick per mode) that names them."""
    cmap = plt.get_cmap().resampled(max(n_modes, 1))
    norm = BoundaryNorm(np.arange(0.5, n_modes + 1.5), cmap.N)
    return (lambda mode: cmap(int(mode) - 1)), ScalarMappable(norm=norm, cmap=cmap)


def fig2_figure(curves: pd.DataFrame, title: str) -> plt.Figure:
    """Rows word2vec / QWEM / theory, columns by init; s_k^2 against t/tau_1 on a log axis.

    As in the paper, measured curves are solid and the closed-form theory dotted, one colour per
    mode k (named by the colorbar): the QWEM panels carry the theory of the same run dotted over
    the measured curves; the theory row shows it alone. word2vec has no closed form: the tied
    model's panel is on the theory's clock in units of its own linearization's tau_1, each mode's
    predicted half-time ticked on its lower edge (rows 'word2vec-rise'); the untied baseline,
    from gensim's large init, is in its own unit (words at half of s_1^2's final value).
    """
    rows = ["word2vec", "qwem", "theory"]
    inits = sorted(set(curves["init"]), key=float, reverse=True)  # large init first
    figure, axes = plt.subplots(
        len(rows),
        len(inits),
        figsize=(4.2 * len(inits) + 1.2, 8),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    n_modes = int(curves["mode"].max()) if not curves.empty else 1
    colour, mappable = mode_colours(n_modes)
    # from 0.5 tau_1 as the paper, or earlier where the tied word2vec's first modes rise
    tied = curves[(curves["row"] == "word2vec") & (curves["init"] == inits[-1])]
    rising = tied[tied["s2"] > 0.01 * tied["s2"].max()]
    left = min(0.5, float(rising["t_over_tau1"].min())) if not rising.empty else 0.5
    layers = {
        "word2vec": [("word2vec", "-")],
        "qwem": [("qwem", "-"), ("theory", ":")],
        "theory": [("theory", ":")],
    }
    for i, row in enumerate(rows):
        for j, init in enumerate(inits):
            ax = axes[i, j]
            here = curves[curves["init"] == init]
            if here[here["row"] == row].empty:
                ax.text(
                    0.5,
                    0.5,
                    "not run",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                    color="grey",
                )
            for source, style in layers[row]:
                for mode, line in here[here["row"] == source].groupby("mode"):
                    ax.plot(
                        line["t_over_tau1"],
                        line["s2"],
                        color=colour(mode),
                        linestyle=style,
                        linewidth=1.6 if style == ":" else 1.3,
                    )
            if row == "word2vec":
                for rise in here[here["row"] == "word2vec-rise"].itertuples():
                    ax.axvline(rise.t_over_tau1, ymax=0.08, color=colour(rise.mode), linewidth=1.2)
            ax.set_xscale("log")
            ax.set_xlim(left, 30)
            # the untied baseline from gensim's own init (init_sz ~ 0.04 at d = 50) in the
            # large-init column, the paper's tied word2vec in the small-init one
            word2vec = (
                f"word2vec (tied), init {init}; predicted rises ticked"
                if j == len(inits) - 1
                else "word2vec (untied, gensim's init; own time unit)"
            )
            names = {
                "word2vec": word2vec,
                "qwem": f"QWEM, init {init} (theory dotted)",
                "theory": f"theory, init {init}",
            }
            ax.set_title(names[row], fontsize=10)
            if j == 0:
                ax.set_ylabel("$s_k^2$")
            if i == len(rows) - 1:
                ax.set_xlabel("$t / \\tau_1$")
    key = [
        Line2D([], [], color="black", linestyle="-", label="measured"),
        Line2D([], [], color="black", linestyle=":", linewidth=1.6, label="closed-form theory"),
    ]
    figure.legend(handles=key, loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    bar = figure.colorbar(mappable, ax=axes, ticks=np.arange(1, n_modes + 1), shrink=0.6, aspect=30)
    bar.set_label("mode $k$")
    figure.suptitle(title, fontsize=11)
    return figure


def snapshot_projections(
    snapshots: np.ndarray, labels: list[str], words: list[str], times: np.ndarray
) -> pd.DataFrame:
    """Each snapshot's word vectors on the principal directions 1 and 3 of the last snapshot, so
    all snapshots share axes and the cloud is seen growing into new directions."""
    _, _, directions = np.linalg.svd(
        snapshots[-1] - snapshots[-1].mean(axis=0), full_matrices=False
    )
    tables = []
    for label, time, snapshot in zip(labels, times, snapshots, strict=True):
        projected = snapshot @ directions[[0, 2]].T
        tables.append(
            pd.DataFrame(
                {
                    "snapshot": label,
                    "t_over_tau1": time,
                    "word": words,
                    "pc1": projected[:, 0],
                    "pc3": projected[:, 1],
                }
            )
        )
    return pd.concat(tables, ignore_index=True)


def is_dynamics_run(trajectory) -> bool:
    """Whether a trajectory is a run of this project's trainer (steps, loss, checkpoints, a
    closed-form tau_1) rather than gensim's recording (words trained on, snapshots)."""
    return "steps" in trajectory


def word2vec_curves(trajectory: dict, modes: int) -> pd.DataFrame:
    """singular_value_curves of a word2vec trajectory, row 'word2vec': gensim's recording, or a
    dynamics run of tied-weight SGNS (the paper's own word2vec) in units of its tau_1. A gensim
    recording on the theory's clock adds rows 'word2vec-rise': each mode's predicted half-time
    (s2 empty), which Figure 2 marks."""
    if is_dynamics_run(trajectory):
        return singular_value_curves(trajectory, modes, "qwem").assign(row="word2vec")
    curves = singular_value_curves(trajectory, modes, "word2vec")
    if "pairs" not in trajectory:
        return curves
    n = min(modes, len(trajectory["eigenvalues"]))
    rise = pd.DataFrame(
        {
            "row": "word2vec-rise",
            "mode": np.arange(1, n + 1),
            "t_over_tau1": word2vec_rise(trajectory, n),
            "s2": np.nan,
        }
    )
    return pd.concat([curves, rise], ignore_index=True)


def fig1_tables(
    qwem: dict, word2vec: dict, modes: int, words: list[str], word2vec_loss=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Figure 1's numbers: curves (row, kind = loss | s2 | theory, mode, t_over_tau1, value) and
    snapshot points (three embeddings of each row on principal directions 1 and 3). word2vec is
    a gensim recording (its snapshots at 1% and 10% of training and its end; `word2vec_loss`, a
    table of words and loss, its expected loss at its snapshots) or a tied-SGNS dynamics run,
    which records its loss and checkpoints."""

    def long(table, kind, row):
        return table.rename(columns={"s2": "value"}).assign(kind=kind, row=row)

    def loss(times, values, row):
        return pd.DataFrame(
            {"row": row, "kind": "loss", "mode": 0, "t_over_tau1": times, "value": values}
        )

    curves = [
        long(singular_value_curves(qwem, modes, "qwem"), "s2", "qwem"),
        long(singular_value_curves(qwem, modes, "theory"), "theory", "qwem"),
        loss(qwem["steps"] / qwem["tau1"], qwem["loss"], "qwem"),
        long(word2vec_curves(word2vec, modes), "s2", "word2vec"),
    ]
    points = [
        snapshot_projections(
            qwem["checkpoints"],
            ["QWEM early", "QWEM middle", "QWEM late"],
            words,
            qwem["checkpoint_steps"] / qwem["tau1"],
        ).assign(row="qwem"),
    ]
    if is_dynamics_run(word2vec):
        curves.append(loss(word2vec["steps"] / word2vec["tau1"], word2vec["loss"], "word2vec"))
        points.append(
            snapshot_projections(
                word2vec["checkpoints"],
                ["word2vec early", "word2vec middle", "word2vec late"],
                words,
                word2vec["checkpoint_steps"] / word2vec["tau1"],
            ).assign(row="word2vec")
        )
    else:
        if word2vec_loss is not None:
            curves.append(
                loss(
                    word2vec_time(word2vec, word2vec_loss["words"]),
                    word2vec_loss["loss"],
                    "word2vec",
                )
            )
        recorded = word2vec["snapshot_words"]
        chosen = [
            int(np.argmin(np.abs(np.log(recorded / (share * recorded[-1])))))
            for share in (0.01, 0.1, 1.0)
        ]
        points.append(
            snapshot_projections(
                word2vec["snapshots"][chosen],
                ["word2vec 1%", "word2vec 10%", "word2vec end"],
                words,
                word2vec_time(word2vec, recorded[chosen]),
            ).assign(row="word2vec")
        )
    curves = pd.concat(curves, ignore_index=True)[["row", "kind", "mode", "t_over_tau1", "value"]]
    return curves, pd.concat(points, ignore_index=True)


def fig1_figure(
    curves: pd.DataFrame,
    points: pd.DataFrame,
    labelled: list[str],
    title: str,
    word2vec_label: str = "word2vec (gensim)",
) -> plt.Figure:
    """Rows QWEM / word2vec; columns loss, s_k^2 (theory dotted), three embedding snapshots on
    principal directions 1 and 3 with a few words labelled."""
    rows = ["qwem", "word2vec"]
    figure, axes = plt.subplots(2, 5, figsize=(19, 7.2), squeeze=False)
    colours = plt.get_cmap()
    for i, row in enumerate(rows):
        data = curves[curves["row"] == row]
        loss = data[data["kind"] == "loss"]
        ax = axes[i, 0]
        if loss.empty:
            ax.text(
                0.5,
                0.5,
                "no loss recorded",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="grey",
            )
        else:
            ax.plot(
                loss["t_over_tau1"],
                loss["value"],
                color="black",
                marker="." if len(loss) < 50 else "",
            )
        ax.set_xscale("log")
        ax.set_title(f"{ {'qwem': 'QWEM', 'word2vec': word2vec_label}[row] }: loss", fontsize=10)
        ax = axes[i, 1]
        n_modes = max(int(data["mode"].max()), 1)
        for kind, style in (("s2", "-"), ("theory", ":")):
            for mode, line in data[data["kind"] == kind].groupby("mode"):
                ax.plot(
                    line["t_over_tau1"],
                    line["value"],
                    linestyle=style,
                    color=colours((mode - 1) / max(n_modes - 1, 1)),
                )
        ax.set_xscale("log")
        ax.set_title("$s_k^2$ (theory dotted)" if row == "qwem" else "$s_k^2$", fontsize=10)
        for ax in axes[i, :2]:
            ax.set_xlabel("$t / \\tau_1$")
        snapshots = points[points["row"] == row]
        for j, (label, snapshot) in enumerate(snapshots.groupby("snapshot", sort=False)):
            ax = axes[i, 2 + j]
            ax.scatter(snapshot["pc1"], snapshot["pc3"], s=3, alpha=0.4, color="tab:blue")
            for word in labelled:
                hit = snapshot[snapshot["word"] == word]
                if not hit.empty:
                    ax.annotate(word, (hit["pc1"].iloc[0], hit["pc3"].iloc[0]), fontsize=8)
            ax.set_title(
                f"{label} (t/$\\tau_1$ = {snapshot['t_over_tau1'].iloc[0]:.2g})", fontsize=10
            )
            ax.set_xlabel("PC 1")
            ax.set_ylabel("PC 3")
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure


def ablation_figure(curves: pd.DataFrame, title: str) -> plt.Figure:
    """The appendix 2x2: s_k^2 against t/tau_1 for each (loss, reweighting) run, with the theory
    of its linearized step dotted; panels in the order of `curves`. Each curve is divided by its
    final value: the linearized theory predicts when a mode rises, and only for QWEM under
    Setting 3.1 also the height it saturates at."""
    panels = list(dict.fromkeys(curves["panel"]))
    figure, axes = plt.subplots(2, 2, figsize=(9, 7), sharex=True, squeeze=False)
    colours = plt.get_cmap()
    n_modes = max(int(curves["mode"].max()), 2)
    for ax, panel in zip(axes.ravel(), panels, strict=False):
        data = curves[curves["panel"] == panel]
        for kind, style in (("measured", "-"), ("theory", ":")):
            for mode, line in data[data["kind"] == kind].groupby("mode"):
                ax.plot(
                    line["t_over_tau1"],
                    line["s2"] / line["s2"].iloc[-1],
                    linestyle=style,
                    linewidth=1.4,
                    color=colours((mode - 1) / (n_modes - 1)),
                )
        ax.set_xscale("log")
        ax.set_xlim(0.5, data["t_over_tau1"].max())
        ax.set_title(panel, fontsize=10)
        ax.set_ylabel("$s_k^2$ / final $s_k^2$")
    for ax in axes[-1]:
        ax.set_xlabel("$t / \\tau_1$")
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure


def scale_study_figure(table: pd.DataFrame, title: str) -> plt.Figure:
    """Google-analogy accuracy against corpus size, a line per model (each its own marker, so
    that models on the same points stay visible); each size is labelled with its number of
    questions."""
    figure, axes = plt.subplots(figsize=(6.5, 4.2))
    markers = ["o", "s", "^", "D", "v", "P", "X"]
    for (label, rows), marker in zip(table.groupby("label", sort=False), markers * 2, strict=False):
        axes.plot(
            rows["words"], 100 * rows["accuracy"], marker=marker, fillstyle="none", label=label
        )
    sizes = table.drop_duplicates("words").sort_values("words")
    axes.set_xscale("log")
    axes.set_xticks(sizes["words"])
    axes.set_xticklabels(
        [
            f"{words / 1e6:.3g}M words\n{n:,} questions"
            for words, n in zip(sizes["words"], sizes["n_questions"], strict=True)
        ],
        fontsize=8,
    )
    axes.minorticks_off()
    axes.set_xlabel("corpus size (nested prefixes of one corpus)")
    axes.set_ylabel("Google analogies, paper protocol (%)")
    axes.legend(fontsize=8)
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure


def performance_figure(jobs: pd.DataFrame, title: str, n_jobs: int = 25) -> plt.Figure:
    """Wall time and peak memory of the costliest jobs of the run (Snakemake benchmark files)."""
    top = jobs.head(n_jobs).iloc[::-1]
    figure, (time_axes, memory_axes) = plt.subplots(
        1, 2, figsize=(12, 0.9 + 0.28 * len(top)), sharey=True
    )
    time_axes.barh(top["job"], top["seconds"], color="tab:blue")
    time_axes.set_xlabel("wall time (s)")
    memory_axes.barh(top["job"], top["max_rss_mb"], color="tab:orange")
    memory_axes.set_xlabel("peak memory, max RSS (MB)")
    time_axes.tick_params(axis="y", labelsize=7)
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return figure


LEARNING_CURVES = {
    "theory": ("closed form (M* eigenvectors, s_k(t))", ":"),
    "qwem": ("QWEM (trained W)", "-"),
    "word2vec": ("word2vec (tied, gensim)", "-"),
}


def learning_curve_figure(curves: pd.DataFrame, title: str) -> plt.Figure:
    """Top: Google-analogy accuracy against t / tau_1 for the closed form, QWEM and the tied
    word2vec; bottom: how many modes each has learned (s_k^2 above half its final value)."""
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(7.5, 7), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    colours = plt.get_cmap()(np.linspace(0.0, 0.8, len(LEARNING_CURVES)))
    for colour, (curve, (label, style)) in zip(colours, LEARNING_CURVES.items(), strict=True):
        data = curves[curves["curve"] == curve].sort_values("t_over_tau1")
        if data.empty:
            continue
        width = 2.2 if style == ":" else 1.4
        top.plot(
            data["t_over_tau1"], 100 * data["accuracy"], style, color=colour, lw=width, label=label
        )
        bottom.plot(data["t_over_tau1"], data["modes_learned"], style, color=colour, lw=width)
    top.set_ylabel("Google analogies (paper protocol), %")
    top.legend(loc="upper left", fontsize=9)
    bottom.set_ylabel("modes learned")
    bottom.set_xlabel(r"$t/\tau_1$, each model's own $\tau_1$ on the theory's clock")
    bottom.set_xscale("log")
    n_questions = int(curves["n_questions"].max())
    top.set_title(f"{title}\n{n_questions:,} questions", fontsize=10)
    figure.tight_layout()
    return figure


def rise_times_figure(table: pd.DataFrame, title: str) -> plt.Figure:
    """Half-time of each mode against k, a colour per model: measured points, the prediction of
    its linearization at W = 0 a line; on the theory's clock (left) and over its own mode 1's
    (right, which sets models with different targets side by side)."""
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.4))
    colours = plt.get_cmap("tab10")
    for i, (model, rows) in enumerate(table.groupby("model", sort=False)):
        for ax, suffix in zip(axes, ("", "_over_mode1"), strict=True):
            ax.plot(rows["mode"], rows[f"predicted{suffix}"], color=colours(i % 10), linewidth=1.2)
            ax.plot(
                rows["mode"],
                rows[f"measured{suffix}"],
                "o",
                markersize=3,
                color=colours(i % 10),
                label=model if suffix else None,
            )
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("mode k")
    axes[0].set_ylabel("half-time t (gradient-flow time)")
    axes[1].set_ylabel("half-time / mode 1's")
    axes[1].legend(fontsize=7)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
