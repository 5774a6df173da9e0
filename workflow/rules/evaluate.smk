# Benchmarks of every model: Google analogies (two protocols), WordSim-353, SimLex-999, MEN.


# A download: runs where Snakemake runs (on a cluster: the login node, which has internet).
localrules:
    men_dataset,


rule men_dataset:
    output:
        "results/datasets/men.tsv",
    log:
        "logs/datasets/men.log",
    benchmark:
        "benchmarks/datasets/men.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("men_dataset"),
        runtime=time_request("men_dataset"),
        downloads=1,  # download.max_concurrent (download.smk)
    params:
        men=config["evaluate"]["men"],
    script:
        "../scripts/men_dataset.py"


rule evaluate_model:
    input:
        embedding="results/{corpus}/embeddings/V{V}_L{L}_d{d}/{model}.txt",
        men="results/datasets/men.tsv",
    output:
        "results/{corpus}/eval/V{V}_L{L}_d{d}/models/{model}.csv",
    log:
        "logs/{corpus}/eval/V{V}_L{L}_d{d}/{model}.log",
    benchmark:
        "benchmarks/{corpus}/eval/V{V}_L{L}_d{d}/{model}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("evaluate_model"),
        runtime=time_request("evaluate_model"),
    script:
        "../scripts/evaluate_model.py"


rule benchmark_table:
    input:
        expand("results/{{corpus}}/eval/V{{V}}_L{{L}}_d{{d}}/models/{model}.csv", model=MODELS),
    output:
        table="results/{corpus}/eval/V{V}_L{L}_d{d}/benchmarks.csv",
        summary="results/{corpus}/eval/V{V}_L{L}_d{d}/table.csv",
        markdown="results/{corpus}/eval/V{V}_L{L}_d{d}/table.md",
    log:
        "logs/{corpus}/eval/V{V}_L{L}_d{d}/benchmarks.log",
    benchmark:
        "benchmarks/{corpus}/eval/V{V}_L{L}_d{d}/benchmarks.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("benchmark_table"),
        runtime=time_request("benchmark_table"),
    script:
        "../scripts/benchmark_table.py"
