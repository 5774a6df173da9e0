# The gensim word2vec (SGNS) baseline on the same tokens and vocabulary.


rule word2vec:
    input:
        tokens=part_files("results/{corpus}/tokens/V{V}/{part}.npz"),
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        embedding="results/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns.txt",
        trajectory="results/{corpus}/dynamics/V{V}_L{L}_d{d}/word2vec.npz",
    params:
        settings=config["word2vec"],
    log:
        "logs/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns.log",
    benchmark:
        "benchmarks/{corpus}/embeddings/V{V}_L{L}_d{d}/sgns.tsv"
    threads: 2
    resources:
        # one part's ids at a time, plus gensim's two V x d matrices
        mem_mb=lambda wildcards, input: 1500 + int(4 * max_mb(input.tokens)) + int(2 * 8 * int(wildcards.V) * int(wildcards.d) / 1e6),
        runtime=lambda wildcards, input: 30 + int(mb(input.tokens) * config["word2vec"]["epochs"] / 100),
    conda:
        ENV
    script:
        "../scripts/train_word2vec.py"
