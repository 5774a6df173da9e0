# The gensim word2vec (SGNS) baseline on the same tokens and vocabulary.


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
    conda:
        ENV
    threads: config["word2vec"]["workers"]
    resources:
        mem_mb=word2vec_mem_mb,
        runtime=word2vec_runtime,
    params:
        settings=config["word2vec"],
        init_scale=None,
    script:
        "../scripts/train_word2vec.py"


rule word2vec_small_init:
    """The same gensim run from init_sz = word2vec.small_init: Figure 2's word2vec small-init panel."""
    input:
        tokens=part_files("results/{corpus}/tokens/V{V}/{part}.npz"),
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        trajectory="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-small-init.npz",
    log:
        "logs/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-small-init.log",
    benchmark:
        "benchmarks/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec-small-init.tsv"
    conda:
        ENV
    threads: config["word2vec"]["workers"]
    resources:
        mem_mb=word2vec_mem_mb,
        runtime=word2vec_runtime,
    params:
        settings=config["word2vec"],
        init_scale=config["word2vec"]["small_init"],
    script:
        "../scripts/train_word2vec.py"
