# Target matrices (M*, PMI, PPMI, ...), their top eigenpairs, eigen-embeddings and eigenfeatures.


rule spectrum:
    input:
        "results/{corpus}/counts/V{V}_L{L}.npz",
    output:
        "results/{corpus}/spectra/V{V}_L{L}/{target}.npz",
    log:
        "logs/{corpus}/spectra/V{V}_L{L}/{target}.log",
    benchmark:
        "benchmarks/{corpus}/spectra/V{V}_L{L}/{target}.tsv"
    conda:
        ENV
    # one thread: beside gensim's one-worker jobs a 2-core machine runs two jobs at once
    # (--set-threads spectrum=N gives it more on a larger node)
    threads: 1
    resources:
        mem_mb=memory_request("spectrum"),
        runtime=time_request("spectrum"),
        gpu=gpus(),
    params:
        # one decomposition per target for all its readers: embeddings, Figure 4, the dynamics
        n_eigenpairs=lambda wildcards: spectrum_eigenpairs(wildcards.target, int(wildcards.V)),
        compute=config["compute"],
    script:
        "../scripts/spectrum.py"


rule eigen_embedding:
    input:
        spectrum="results/{corpus}/spectra/V{V}_L{L}/{target}.npz",
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        "results/{corpus}/embeddings/V{V}_L{L}_d{d}/{target}.txt",
    log:
        "logs/{corpus}/embeddings/V{V}_L{L}_d{d}/{target}.log",
    benchmark:
        "benchmarks/{corpus}/embeddings/V{V}_L{L}_d{d}/{target}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("eigen_embedding"),
        runtime=time_request("eigen_embedding"),
    script:
        "../scripts/eigen_embedding.py"


rule eigenfeatures:
    input:
        spectrum="results/{corpus}/spectra/V{V}_L{L}/mstar.npz",
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        report(
            "results/{corpus}/spectra/V{V}_L{L}/mstar_eigenfeatures.csv",
            category="Spectra",
            caption="../report/eigenfeatures.rst",
        ),
    log:
        "logs/{corpus}/spectra/V{V}_L{L}/mstar_eigenfeatures.log",
    benchmark:
        "benchmarks/{corpus}/spectra/V{V}_L{L}/mstar_eigenfeatures.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("eigenfeatures"),
        runtime=time_request("eigenfeatures"),
    params:
        n_features=config["spectral"]["eigenfeatures"]["n_features"],
        n_words=config["spectral"]["eigenfeatures"]["n_words"],
    script:
        "../scripts/eigenfeatures.py"
