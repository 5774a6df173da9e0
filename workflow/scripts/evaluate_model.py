"""All benchmarks of one embedding, as tidy rows."""

from qwemflow.evaluate import benchmark_table, read_similarity_pairs
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.sources import gensim_test_data
from qwemflow.spectral import load_word2vec

log = log_to(snakemake.log[0])
words, vectors = load_word2vec(snakemake.input.embedding)
men = read_similarity_pairs(snakemake.input.men)
if not men:
    log.warning(
        "MEN skipped: %s has no pairs (see logs/datasets/men.log; offline?)", snakemake.input.men
    )
similarity = {
    "ws353": read_similarity_pairs(gensim_test_data("wordsim353.tsv")),
    "simlex999": read_similarity_pairs(gensim_test_data("simlex999.txt")),
    "men": men or None,
}
table = benchmark_table(
    snakemake.wildcards.model, words, vectors, gensim_test_data("questions-words.txt"), similarity
)
for row in table[table["category"].isin(["full", "all"])].itertuples():
    log.info(
        "%s %s: %.4f (%d questions, coverage %.2f)",
        row.model,
        row.benchmark,
        row.score,
        row.n_questions,
        row.coverage,
    )
with atomic_output(snakemake.output[0]) as tmp:
    table.to_csv(tmp, index=False)
