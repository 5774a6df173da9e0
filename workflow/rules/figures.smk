# Figures, drawn from saved tables only. A figure's caption (workflow/report/) prints the
# settings of what it draws from its rule's `caption` param, built from the same config keys and
# functions as the rules that computed it (common.smk: run_settings, word2vec_row).


rule table_figure:
    input:
        "results/{corpus}/eval/V{V}_L{L}_d{d}/table.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/table.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/table.png",
            category="Benchmarks",
            caption="../report/table.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/table.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/table.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("table_figure"),
        runtime=time_request("table_figure"),
    params:
        style=config["figures"]["style"],
    script:
        "../scripts/plot_table.py"


rule eigenfeatures_figure:
    input:
        "results/{corpus}/spectra/V{V}_L{L}/mstar_eigenfeatures.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}/eigenfeatures.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}/eigenfeatures.png",
            category="Spectra",
            caption="../report/eigenfeatures.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}/eigenfeatures.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}/eigenfeatures.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("eigenfeatures_figure"),
        runtime=time_request("eigenfeatures_figure"),
    params:
        style=config["figures"]["style"],
    script:
        "../scripts/plot_eigenfeatures.py"


rule table:
    input:
        f"results/{CORPUS}/eval/{SETTING}/benchmarks.csv",
        f"results/{CORPUS}/eval/{SETTING}/table.md",
        f"results/{CORPUS}/figures/{SETTING}/table.png",


rule figures:
    input:
        rules.table.input,
        f"results/{CORPUS}/figures/V{V}_L{L}/eigenfeatures.png",
        f"results/{CORPUS}/figures/{SETTING}/fig2.png",
        f"results/{CORPUS}/figures/{SETTING}/learning_curve.png",
        f"results/{CORPUS}/figures/{SETTING}/fig1.png",
        f"results/{CORPUS}/figures/{SETTING}/ablation.png",
        f"results/{CORPUS}/figures/{SETTING}/rise_times.png",
        rules.linear.input,


rule fig2_data:
    input:
        unpack(fig2_runs),
    output:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/fig2.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/fig2_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/fig2_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("fig2_data"),
        runtime=time_request("fig2_data"),
    params:
        modes=config["figures"]["fig2"]["modes"],
        inits={
            "small": config["dynamics"]["runs"][config["figures"]["fig2"]["small_init_run"]][
                "init"
            ],
            "large": config["dynamics"]["runs"][config["figures"]["fig2"]["large_init_run"]][
                "init"
            ],
        },
    script:
        "../scripts/fig2_data.py"


rule fig2:
    input:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/fig2.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/fig2.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/fig2.png",
            category="Dynamics",
            caption="../report/fig2.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/fig2.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/fig2.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("fig2"),
        runtime=time_request("fig2"),
    params:
        style=config["figures"]["style"],
        caption={
            "small": run_settings(FIG2["small_init_run"]),
            "large": run_settings(FIG2["large_init_run"]),
            "word2vec": word2vec_row(),
            "modes": FIG2["modes"],
        },
    script:
        "../scripts/plot_fig2.py"


rule fig1_data:
    input:
        qwem=lambda wildcards: fig2_runs(wildcards)["small"],
        word2vec=fig1_word2vec,
        word2vec_loss=fig1_word2vec_loss,
        clock=word2vec_clock,
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        curves="results/{corpus}/figures/V{V}_L{L}_d{d}/fig1_curves.csv",
        points="results/{corpus}/figures/V{V}_L{L}_d{d}/fig1_points.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/fig1_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/fig1_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("fig1_data"),
        runtime=time_request("fig1_data"),
    params:
        modes=config["figures"]["fig2"]["modes"],
    script:
        "../scripts/fig1_data.py"


rule fig1:
    input:
        curves="results/{corpus}/figures/V{V}_L{L}_d{d}/fig1_curves.csv",
        points="results/{corpus}/figures/V{V}_L{L}_d{d}/fig1_points.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/fig1.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/fig1.png",
            category="Dynamics",
            caption="../report/fig1.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/fig1.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/fig1.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("fig1"),
        runtime=time_request("fig1"),
    params:
        style=config["figures"]["style"],
        labelled_words=config["figures"]["fig1"]["labelled_words"],
        word2vec_label=(
            "word2vec (tied, gensim)"
            if config["figures"]["word2vec_run"] is None
            else f"word2vec (tied SGNS, run {config['figures']['word2vec_run']})"
        ),
        caption={"qwem": run_settings(FIG2["small_init_run"]), "word2vec": word2vec_row()},
    script:
        "../scripts/plot_fig1.py"


rule ablation_data:
    input:
        lambda wildcards: [
            f"results/{wildcards.corpus}/dynamics/V{wildcards.V}_L{wildcards.L}_d{wildcards.d}/{run}.npz"
            for run in config["figures"]["ablation"]["panels"].values()
        ],
    output:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/ablation.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/ablation_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/ablation_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("ablation_data"),
        runtime=time_request("ablation_data"),
    params:
        panels=list(config["figures"]["ablation"]["panels"]),
        modes=config["figures"]["ablation"]["modes"],
    script:
        "../scripts/ablation_data.py"


rule ablation:
    input:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/ablation.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/ablation.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/ablation.png",
            category="Dynamics",
            caption="../report/ablation.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/ablation.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/ablation.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("ablation"),
        runtime=time_request("ablation"),
    params:
        style=config["figures"]["style"],
        caption={
            "panels": {
                panel: run_settings(run)
                for panel, run in config["figures"]["ablation"]["panels"].items()
            },
            # what the dynamics rule passes the runs with word2vec's reweighting
            "subsample": REWEIGHTING_SAMPLE,
        },
    script:
        "../scripts/plot_ablation.py"


rule learning_curve_data:
    input:
        qwem=lambda wildcards: f"results/{wildcards.corpus}/dynamics/V{wildcards.V}_L{wildcards.L}_d{wildcards.d}/{config['learning_curve']['run']}.npz",
        word2vec="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied.npz",
        clock="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied-clock.npz",
        mstar="results/{corpus}/spectra/V{V}_L{L}/mstar.npz",
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("learning_curve_data"),
        runtime=time_request("learning_curve_data"),
    script:
        "../scripts/learning_curve_data.py"


rule learning_curve:
    input:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve.png",
            category="Dynamics",
            caption="../report/learning_curve.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("learning_curve"),
        runtime=time_request("learning_curve"),
    params:
        style=config["figures"]["style"],
        # the run whose W the curve reads, and how many times it kept (snapshot_times)
        caption={
            "run": run_settings(config["learning_curve"]["run"]),
            "times": len(snapshot_times(config["learning_curve"]["run"])),
        },
    script:
        "../scripts/plot_learning_curve.py"


rule rise_times:
    """Half-time against k for every model of the run, measured and predicted, on one clock."""
    input:
        modes=expand(
            "results/{{corpus}}/dynamics/V{{V}}_L{{L}}_d{{d}}/modes/{run}.csv",
            run=config["dynamics"]["runs"],
        ),
        runs=expand(
            "results/{{corpus}}/dynamics/V{{V}}_L{{L}}_d{{d}}/{run}.npz",
            run=config["dynamics"]["runs"],
        ),
        word2vec="results/{corpus}/dynamics/V{V}_L{L}_d{d}/modes/word2vec-tied.csv",
    output:
        csv="results/{corpus}/figures/V{V}_L{L}_d{d}/rise_times.csv",
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/rise_times.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/rise_times.png",
            category="Dynamics",
            caption="../report/rise_times.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/rise_times.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/rise_times.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("rise_times"),
        runtime=time_request("rise_times"),
    params:
        runs=list(config["dynamics"]["runs"]),
        style=config["figures"]["style"],
    script:
        "../scripts/rise_times.py"
