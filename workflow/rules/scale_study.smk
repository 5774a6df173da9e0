# Accuracy against corpus size on nested prefixes of the corpus (target scale_study).


rule scale_study_data:
    input:
        scale_study_inputs,
    output:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/scale_study.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/scale_study_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/scale_study_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("scale_study_data"),
        runtime=time_request("scale_study_data"),
    params:
        points=scale_study_points,
    script:
        "../scripts/scale_study_data.py"


rule scale_study_figure:
    input:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/scale_study.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/scale_study.pdf",
        png="results/{corpus}/figures/V{V}_L{L}_d{d}/scale_study.png",
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/scale_study.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/scale_study.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("scale_study_figure"),
        runtime=time_request("scale_study_figure"),
    params:
        style=config["figures"]["style"],
    script:
        "../scripts/plot_scale_study.py"


rule scale_study:
    """Named target: the scale study's CSV and figure for the configured corpus and setting."""
    input:
        f"results/{CORPUS}/figures/{SETTING}/scale_study.csv",
        f"results/{CORPUS}/figures/{SETTING}/scale_study.png",
