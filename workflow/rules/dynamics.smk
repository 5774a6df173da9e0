# Learning dynamics: full-batch gradient descent on the expected loss, with the closed-form theory.


rule dynamics:
    input:
        counts="results/{corpus}/counts/V{V}_L{L}.npz",
        spectrum="results/{corpus}/spectra/V{V}_L{L}/mstar.npz",
    output:
        trajectory="results/{corpus}/dynamics/V{V}_L{L}_d{d}/{run}.npz",
        modes="results/{corpus}/dynamics/V{V}_L{L}_d{d}/modes/{run}.csv",
    log:
        "logs/{corpus}/dynamics/V{V}_L{L}_d{d}/{run}.log",
    benchmark:
        "benchmarks/{corpus}/dynamics/V{V}_L{L}_d{d}/{run}.tsv"
    conda:
        ENV
    # one thread: beside gensim's one-worker jobs a 2-core machine runs two jobs at once
    # (--set-threads dynamics=N gives it more on a larger node)
    threads: 1
    resources:
        mem_mb=memory_request("dynamics"),
        runtime=time_request("dynamics"),
        gpu=gpus(),
    params:
        run=lambda wildcards: config["dynamics"]["runs"][wildcards.run],
        settings={key: value for key, value in config["dynamics"].items() if key != "runs"},
        # W kept for the learning curve (t / tau_1)
        snapshot_times=lambda wildcards: snapshot_times(wildcards.run),
        # where the dense numerics run (qwemflow.backend)
        compute=config["compute"],
        # the tied word2vec's subsampling threshold, for the runs with word2vec's reweighting
        subsample=REWEIGHTING_SAMPLE,
    script:
        "../scripts/train_dynamics.py"


rule dynamics_embedding:
    input:
        dynamics="results/{corpus}/dynamics/V{V}_L{L}_d{d}/{model}.npz",
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        "results/{corpus}/embeddings/V{V}_L{L}_d{d}/{model}.txt",
    log:
        "logs/{corpus}/embeddings/V{V}_L{L}_d{d}/{model}.log",
    benchmark:
        "benchmarks/{corpus}/embeddings/V{V}_L{L}_d{d}/{model}.tsv"
    wildcard_constraints:
        model="|".join(re.escape(run) for run in config["dynamics"]["runs"]),
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("dynamics_embedding"),
        runtime=time_request("dynamics_embedding"),
    script:
        "../scripts/dynamics_embedding.py"
