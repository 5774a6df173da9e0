# word2vec through gensim's skip-gram on the same tokens and vocabulary: the untied baseline
# (model sgns) and the paper's word2vec, one matrix for words and contexts (model sgns-tied).


rule word2vec:
    input:
        tokens=part_files("results/{corpus}/tokens/V{V}/{part}.npz"),
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        embedding="results/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns.txt",
        trajectory="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec.npz",
    log:
        "logs/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns.log",
    benchmark:
        "benchmarks/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns.tsv"
    # the longest jobs: started first, so that the dense stages fill the cores they leave
    priority: 1
    conda:
        ENV
    threads: config["word2vec"]["workers"]
    resources:
        mem_mb=memory_request("word2vec"),
        runtime=time_request("word2vec"),
        disk_mb=disk_request("word2vec"),
    params:
        settings=config["word2vec"],
        tied=False,
        snapshots=0,
    script:
        "../scripts/train_word2vec.py"


rule tied_word2vec:
    """The paper's word2vec: gensim's skip-gram with its output matrix tied to its input matrix."""
    input:
        tokens=part_files("results/{corpus}/tokens/V{V}/{part}.npz"),
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        embedding="results/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns-tied.txt",
        trajectory="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied.npz",
    log:
        "logs/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns-tied.log",
    benchmark:
        "benchmarks/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns-tied.tsv"
    priority: 1
    conda:
        ENV
    threads: config["tied_word2vec"]["workers"]
    resources:
        mem_mb=memory_request("tied_word2vec"),
        runtime=time_request("tied_word2vec"),
        disk_mb=disk_request("tied_word2vec"),
    params:
        settings=config["tied_word2vec"],
        tied=True,
        snapshots=config["tied_word2vec"]["snapshots"],
    script:
        "../scripts/train_word2vec.py"


rule tied_word2vec_loss:
    """The expected loss of the tied model's snapshots: the objective its stream of pairs samples
    (word2vec's subsampling and negatives), the same that the full-batch runs record."""
    input:
        counts="results/{corpus}/counts/V{V}_L{L}.npz",
        trajectory="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied.npz",
    output:
        "results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied-loss.csv",
    log:
        "logs/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied-loss.log",
    benchmark:
        "benchmarks/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied-loss.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("tied_word2vec_loss"),
        runtime=time_request("tied_word2vec_loss"),
    params:
        negative=config["tied_word2vec"]["negative"],
        sample=config["tied_word2vec"]["sample"],
    script:
        "../scripts/tied_word2vec_loss.py"


rule word2vec_modes:
    """The tied word2vec on the theory's clock: its modes' half-times against the linearization
    of its own loss and weights (qwemflow.clock), the same columns as the dynamics runs'."""
    input:
        counts="results/{corpus}/counts/V{V}_L{L}.npz",
        tokens=part_files("results/{corpus}/tokens/V{V}/{part}.npz"),
        trajectory="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied.npz",
        spectrum="results/{corpus}/spectra/V{V}_L{L}/mstar.npz",
    output:
        modes="results/{corpus}/dynamics/V{V}_L{L}_d{d}/modes/word2vec-tied.csv",
        clock="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied-clock.npz",
    log:
        "logs/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied-modes.log",
    benchmark:
        "benchmarks/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-tied-modes.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("word2vec_modes"),
        runtime=time_request("word2vec_modes"),
    params:
        settings=config["tied_word2vec"],
    script:
        "../scripts/word2vec_modes.py"
