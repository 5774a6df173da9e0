# Corpus manifest (part files, URLs, published checksums) and verified downloads.


# Downloads run where Snakemake runs (on a cluster: the login node, which has internet).
localrules:
    corpus_manifest,
    download_part,


checkpoint corpus_manifest:
    output:
        "results/{corpus}/raw/manifest.tsv",
    log:
        "logs/{corpus}/raw/manifest.log",
    benchmark:
        "benchmarks/{corpus}/raw/manifest.tsv"
    wildcard_constraints:
        # a prefix corpus has no manifest: its one part is cut from its corpus's text
        corpus=CORPUS_NAME,
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("corpus_manifest"),
        runtime=time_request("corpus_manifest"),
    params:
        # Only what defines the part list: editing another source's block, or retry settings,
        # must not invalidate (and so delete) gigabytes of verified downloads.
        source=config["corpus"]["source"],
        settings=source_settings(),
    script:
        "../scripts/corpus_manifest.py"


rule download_part:
    input:
        # ancient: a rewritten manifest only matters through the file names it lists
        manifest=ancient("results/{corpus}/raw/manifest.tsv"),
    output:
        "results/{corpus}/raw/files/{filename}",
    log:
        "logs/{corpus}/raw/{filename}.log",
    benchmark:
        "benchmarks/{corpus}/raw/{filename}.tsv"
    wildcard_constraints:
        corpus=CORPUS_NAME,
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("download_part"),
        runtime=time_request("download_part"),
    script:
        "../scripts/download_part.py"
