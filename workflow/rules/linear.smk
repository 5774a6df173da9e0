# Linear representations: Figure 4 (task vectors of analogy families in the M* eigen-embeddings)
# and the appendix (spectra of the targets, singular-vector overlaps, top-1 analysis).

FIG4 = config["figures"]["fig4"]
APPENDIX = config["figures"]["appendix"]
APPENDIX_TARGETS = ["mstar", "pmi", "ppmi", "g"]
OVERLAP_MODELS = sorted({model for pair in APPENDIX["overlap_pairs"] for model in pair})


rule fig4_data:
    input:
        eigenpairs="results/{corpus}/spectra/V{V}_L{L}/mstar.npz",
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        eigenvalues="results/{corpus}/figures/V{V}_L{L}/fig4a_eigenvalues.csv",
        fit="results/{corpus}/figures/V{V}_L{L}/fig4a_fit.csv",
        power="results/{corpus}/figures/V{V}_L{L}/fig4b_power.csv",
        snr="results/{corpus}/figures/V{V}_L{L}/fig4c_snr.csv",
        top1="results/{corpus}/figures/V{V}_L{L}/top1.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}/fig4_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}/fig4_data.tsv"
    conda:
        ENV
    threads: 2
    resources:
        # the stored eigenvectors while the first max_dim are copied out; then those, the
        # embeddings and a unit copy (V x max_dim), and batches of scores
        mem_mb=memory_request("fig4_data"),
        runtime=time_request("fig4_data"),
    params:
        fig4=FIG4,
    script:
        "../scripts/fig4_data.py"


rule fig4:
    input:
        eigenvalues="results/{corpus}/figures/V{V}_L{L}/fig4a_eigenvalues.csv",
        fit="results/{corpus}/figures/V{V}_L{L}/fig4a_fit.csv",
        power="results/{corpus}/figures/V{V}_L{L}/fig4b_power.csv",
        snr="results/{corpus}/figures/V{V}_L{L}/fig4c_snr.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}/fig4.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}/fig4.png",
            category="Linear representations",
            caption="../report/fig4.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}/fig4.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}/fig4.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("fig4"),
        runtime=time_request("fig4"),
    params:
        style=config["figures"]["style"],
        family=FIG4["spectrum_family"],
        # the eigen-embedding's dimensions (fig4_data's eigenpairs, capped by V)
        caption=lambda wildcards: {"dims": fig4_dims(wildcards), "family": FIG4["spectrum_family"]},
    script:
        "../scripts/plot_fig4.py"


rule top1_figure:
    input:
        "results/{corpus}/figures/V{V}_L{L}/top1.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}/top1.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}/top1.png",
            category="Linear representations",
            caption="../report/top1.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}/top1.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}/top1.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("top1_figure"),
        runtime=time_request("top1_figure"),
    params:
        style=config["figures"]["style"],
    script:
        "../scripts/plot_top1.py"


rule target_spectra_data:
    input:
        expand("results/{{corpus}}/spectra/V{{V}}_L{{L}}/{target}.npz", target=APPENDIX_TARGETS),
    output:
        "results/{corpus}/figures/V{V}_L{L}/target_spectra.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}/target_spectra_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}/target_spectra_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        # only the eigenvalues are read
        mem_mb=memory_request("target_spectra_data"),
        runtime=time_request("target_spectra_data"),
    params:
        targets=APPENDIX_TARGETS,
        rank=APPENDIX["spectra_rank"],
    script:
        "../scripts/target_spectra.py"


rule target_spectra:
    input:
        "results/{corpus}/figures/V{V}_L{L}/target_spectra.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}/target_spectra.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}/target_spectra.png",
            category="Linear representations",
            caption="../report/target_spectra.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}/target_spectra.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}/target_spectra.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("target_spectra"),
        runtime=time_request("target_spectra"),
    params:
        style=config["figures"]["style"],
    script:
        "../scripts/plot_target_spectra.py"


rule embedding_overlap_data:
    input:
        expand(
            "results/{{corpus}}/embeddings/V{{V}}_L{{L}}_d{{d}}/{model}.txt", model=OVERLAP_MODELS
        ),
    output:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/overlap.csv",
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/overlap_data.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/overlap_data.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("embedding_overlap_data"),
        runtime=time_request("embedding_overlap_data"),
    params:
        pairs=APPENDIX["overlap_pairs"],
        n_vectors=APPENDIX["overlap_vectors"],
    script:
        "../scripts/embedding_overlap.py"


rule embedding_overlap:
    input:
        "results/{corpus}/figures/V{V}_L{L}_d{d}/overlap.csv",
    output:
        pdf="results/{corpus}/figures/V{V}_L{L}_d{d}/overlap.pdf",
        png=report(
            "results/{corpus}/figures/V{V}_L{L}_d{d}/overlap.png",
            category="Linear representations",
            caption="../report/overlap.rst",
        ),
    log:
        "logs/{corpus}/figures/V{V}_L{L}_d{d}/overlap.log",
    benchmark:
        "benchmarks/{corpus}/figures/V{V}_L{L}_d{d}/overlap.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("embedding_overlap"),
        runtime=time_request("embedding_overlap"),
    params:
        style=config["figures"]["style"],
        # the pairs embedding_overlap_data compares, on this many vectors (capped by d)
        caption=lambda wildcards: {
            "pairs": APPENDIX["overlap_pairs"],
            "vectors": min(APPENDIX["overlap_vectors"], int(wildcards.d)),
        },
    script:
        "../scripts/plot_overlap.py"


rule linear:
    input:
        f"results/{CORPUS}/figures/V{V}_L{L}/fig4.png",
        f"results/{CORPUS}/figures/V{V}_L{L}/top1.png",
        f"results/{CORPUS}/figures/V{V}_L{L}/target_spectra.png",
        f"results/{CORPUS}/figures/{SETTING}/overlap.png",
