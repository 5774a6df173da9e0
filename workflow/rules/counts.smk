# Windowed co-occurrence counts per part, merged, with P(i,j) and P(i).


rule count_part:
    input:
        "results/{corpus}/tokens/V{V}/{part}.npz",
    output:
        temp("results/{corpus}/counts/V{V}_L{L}/{part}.npz"),
    log:
        "logs/{corpus}/counts/V{V}_L{L}/{part}.log",
    benchmark:
        "benchmarks/{corpus}/counts/V{V}_L{L}/{part}.tsv"
    # before the gensim jobs (priority 1): every dense stage waits for the counts. Snakemake starts
    # the set of ready jobs with the largest sum of priorities, so 10 outweighs any number of
    # gensim jobs that fit beside a count (two at priority 1 would tie with a count at 2)
    priority: 10
    conda:
        ENV
    threads: 2
    resources:
        mem_mb=memory_request("count_part"),
        runtime=time_request("count_part"),
    params:
        window=lambda wildcards: int(wildcards.L),
    script:
        "../scripts/count_part.py"


rule merge_counts:
    input:
        part_files("results/{corpus}/counts/V{V}_L{L}/{part}.npz"),
    output:
        "results/{corpus}/counts/V{V}_L{L}.npz",
    log:
        "logs/{corpus}/counts/V{V}_L{L}.log",
    benchmark:
        "benchmarks/{corpus}/counts/V{V}_L{L}.tsv"
    priority: 10
    conda:
        ENV
    threads: 1
    resources:
        # one V x V matrix read and added per part
        mem_mb=memory_request("merge_counts"),
        runtime=time_request("merge_counts"),
    params:
        window=lambda wildcards: int(wildcards.L),
    script:
        "../scripts/merge_counts.py"


rule counts:
    input:
        f"results/{CORPUS}/vocab/V{V}.tsv",
        f"results/{CORPUS}/counts/V{V}_L{L}.npz",
