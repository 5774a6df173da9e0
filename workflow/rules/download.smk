# Corpus manifest (part files, URLs, published checksums) and verified downloads.

from snakemake.logging import logger


# Downloads run where Snakemake runs (on a cluster: the login node, which has internet).
localrules:
    corpus_manifest,
    download_part,


# Each job that downloads (here and men_dataset) holds one unit of the resource `downloads`, whose
# total is download.max_concurrent (Wikimedia's robot policy asks automated clients for few
# transfers at once). Global resources bound local rules too, under any executor; a total given
# on the command line or in a profile (`--resources downloads=N`) takes precedence.
if "downloads" not in workflow.global_resources:
    workflow.register_resource("downloads", config["download"]["max_concurrent"])
if config["corpus"]["source"] == "enwiki" and not config["download"]["contact"]:
    logger.warning(
        "download.contact is empty: dumps.wikimedia.org blocks automated requests whose User-Agent"
        " gives no way to contact their operator; set it, e.g."
        " --config 'download={contact: you@example.org}' (docs/usage.md, 'Downloads')"
    )


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
        downloads=1,
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
        downloads=1,
    script:
        "../scripts/download_part.py"
