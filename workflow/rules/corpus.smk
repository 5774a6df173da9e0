# Extraction (one job per part), vocabulary, and the corpus as integer ids.


if config["corpus"]["source"] == "synthetic":

    rule synthesize_text:
        input:
            # ancient: the parts depend on the settings (params), not on when the manifest was written
            manifest=ancient("results/{corpus}/raw/manifest.tsv"),
        output:
            text="results/{corpus}/text/{part}.txt.gz",
            word_counts="results/{corpus}/text/{part}.wordcounts.tsv",
        log:
            "logs/{corpus}/text/{part}.log",
        benchmark:
            "benchmarks/{corpus}/text/{part}.tsv"
        wildcard_constraints:
            corpus=CORPUS_NAME,
        conda:
            ENV
        threads: 1
        resources:
            # generated and written a chunk at a time: memory does not grow with the part
            mem_mb=memory_request("synthesize_text"),
            runtime=time_request("synthesize_text"),
        params:
            settings=config["corpus"]["synthetic"],
        script:
            "../scripts/synthesize_text.py"

else:

    rule extract_text:
        input:
            part_source,
        output:
            text="results/{corpus}/text/{part}.txt.gz",
            word_counts="results/{corpus}/text/{part}.wordcounts.tsv",
        log:
            "logs/{corpus}/text/{part}.log",
        benchmark:
            "benchmarks/{corpus}/text/{part}.tsv"
        wildcard_constraints:
            corpus=CORPUS_NAME,
        conda:
            ENV
        threads: 1
        resources:
            # the part is streamed a document at a time, each at most corpus.max_document_mb: measured
            # 18x a document's size at worst (4-byte-wide wikitext parsed, then through filter_wiki),
            # plus the interpreter and the part's word counts
            mem_mb=memory_request("extract_text"),
            runtime=time_request("extract_text"),
        params:
            min_article_words=config["corpus"]["min_article_words"],
            max_document_mb=config["corpus"]["max_document_mb"],
        script:
            "../scripts/extract_text.py"


# The scale study's corpora: the first N words of a corpus (scale_study.prefix_words).
rule prefix_text:
    input:
        part_files("results/{corpus}/text/{part}.txt.gz"),
    output:
        text=f"results/{{corpus}}/prefix{{words}}/text/{PREFIX_PART}.txt.gz",
        word_counts=f"results/{{corpus}}/prefix{{words}}/text/{PREFIX_PART}.wordcounts.tsv",
    log:
        "logs/{corpus}/prefix{words}/text/prefix.log",
    benchmark:
        "benchmarks/{corpus}/prefix{words}/text/prefix.tsv"
    wildcard_constraints:
        corpus=CORPUS_NAME,
    conda:
        ENV
    threads: 1
    resources:
        # an article at a time, plus the prefix's word counts
        mem_mb=memory_request("prefix_text"),
        runtime=time_request("prefix_text"),
    script:
        "../scripts/prefix_text.py"


rule vocabulary:
    input:
        part_files("results/{corpus}/text/{part}.wordcounts.tsv"),
    output:
        "results/{corpus}/vocab/V{V}.tsv",
    log:
        "logs/{corpus}/vocab/V{V}.log",
    benchmark:
        "benchmarks/{corpus}/vocab/V{V}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("vocabulary"),
        runtime=time_request("vocabulary"),
    script:
        "../scripts/build_vocab.py"


rule tokenize:
    input:
        text="results/{corpus}/text/{part}.txt.gz",
        vocab="results/{corpus}/vocab/V{V}.tsv",
    output:
        "results/{corpus}/tokens/V{V}/{part}.npz",
    log:
        "logs/{corpus}/tokens/V{V}/{part}.log",
    benchmark:
        "benchmarks/{corpus}/tokens/V{V}/{part}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        # all ids of the part, plus one line (article) of at most corpus.max_document_mb split into
        # interned tokens: measured 4.3x its size
        mem_mb=memory_request("tokenize"),
        runtime=time_request("tokenize"),
    script:
        "../scripts/tokenize_part.py"
