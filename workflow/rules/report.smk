# The results summary, how it was made and the run's cost, for Snakemake's HTML report.

from qwemflow.provenance import git_state

# The code's identity, as a param: a new commit or an edited checkout remakes the record
GIT = git_state(workflow.basedir)
# The config that made the numbers: figure styling is left out, so restyling redraws figures only
NUMBERS_CONFIG = {
    **config,
    "figures": {key: value for key, value in config["figures"].items() if key != "style"},
}


rule provenance:
    output:
        report(
            "results/{corpus}/summary/V{V}_L{L}_d{d}/provenance.json",
            category="Summary",
            caption="../report/provenance.rst",
        ),
    log:
        "logs/{corpus}/summary/V{V}_L{L}_d{d}/provenance.log",
    benchmark:
        "benchmarks/{corpus}/summary/V{V}_L{L}_d{d}/provenance.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("provenance"),
        runtime=time_request("provenance"),
    params:
        config=NUMBERS_CONFIG,
        git=GIT,
    script:
        "../scripts/provenance.py"


rule results_summary:
    input:
        table="results/{corpus}/eval/V{V}_L{L}_d{d}/table.csv",
        eigenfeatures="results/{corpus}/spectra/V{V}_L{L}/mstar_eigenfeatures.csv",
        # every dynamics run's modes and the tied word2vec's, on the theory's clock
        modes=expand(
            "results/{{corpus}}/dynamics/V{{V}}_L{{L}}_d{{d}}/modes/{run}.csv",
            run=[*config["dynamics"]["runs"], "word2vec-tied"],
        ),
        # the paper's word2vec, whose learned subspace the summary compares with M*'s
        word2vec="results/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns-tied.txt",
        mstar="results/{corpus}/spectra/V{V}_L{L}/mstar.npz",
        learning_curve="results/{corpus}/figures/V{V}_L{L}_d{d}/learning_curve.csv",
        vocab="results/{corpus}/vocab/V{V}.tsv",
        tokens=part_files("results/{corpus}/tokens/V{V}/{part}.npz"),
        wordcounts=part_files("results/{corpus}/text/{part}.wordcounts.tsv"),
        provenance="results/{corpus}/summary/V{V}_L{L}_d{d}/provenance.json",
    output:
        markdown="results/{corpus}/summary/V{V}_L{L}_d{d}/summary.md",
        html=report(
            "results/{corpus}/summary/V{V}_L{L}_d{d}/summary.html",
            category="Summary",
            caption="../report/summary.rst",
        ),
        corpus=report(
            "results/{corpus}/summary/V{V}_L{L}_d{d}/corpus.csv",
            category="Corpus",
            caption="../report/corpus.rst",
        ),
    log:
        "logs/{corpus}/summary/V{V}_L{L}_d{d}/summary.log",
    benchmark:
        "benchmarks/{corpus}/summary/V{V}_L{L}_d{d}/summary.tsv"
    conda:
        ENV
    threads: 1
    resources:
        # M*'s eigenvectors are read whole (up to V x V) to take the top few; of the token files
        # only the article offsets (8 bytes an article)
        mem_mb=memory_request("results_summary"),
        runtime=time_request("results_summary"),
    params:
        runs=[*config["dynamics"]["runs"], "word2vec-tied"],
    script:
        "../scripts/results_summary.py"


rule performance:
    """Every job's wall time and peak memory from its benchmark file; runs after all of them."""
    input:
        rules.figures.input,
        "results/{corpus}/summary/V{V}_L{L}_d{d}/summary.md",
    output:
        table=report(
            "results/{corpus}/summary/V{V}_L{L}_d{d}/performance.csv",
            category="Performance",
            caption="../report/performance.rst",
        ),
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/performance.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/performance.png",
            category="Performance",
            caption="../report/performance.rst",
        ),
    log:
        "logs/{corpus}/summary/V{V}_L{L}_d{d}/performance.log",
    benchmark:
        "benchmarks/{corpus}/summary/V{V}_L{L}_d{d}/performance.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("performance"),
        runtime=time_request("performance"),
    params:
        benchmarks=["benchmarks/{corpus}", "benchmarks/datasets"],
        # the scale study's prefix corpora have their benchmarks inside the corpus's own
        skip=PREFIX,
        style=config["figures"]["style"],
    script:
        "../scripts/performance.py"
