# Corpus manifest (part files, URLs, published checksums) and verified downloads.


checkpoint corpus_manifest:
    output:
        "results/{corpus}/raw/manifest.tsv",
    params:
        corpus=config["corpus"],
        download=config["download"],
    log:
        "logs/{corpus}/raw/manifest.log",
    benchmark:
        "benchmarks/{corpus}/raw/manifest.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        ENV
    script:
        "../scripts/corpus_manifest.py"


rule download_part:
    input:
        manifest="results/{corpus}/raw/manifest.tsv",
    output:
        "results/{corpus}/raw/files/{filename}",
    params:
        download=config["download"],
    log:
        "logs/{corpus}/raw/{filename}.log",
    benchmark:
        "benchmarks/{corpus}/raw/{filename}.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=240,
    conda:
        ENV
    script:
        "../scripts/download_part.py"
