"""Write the corpus manifest: which part files make up the configured corpus."""

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.sources import BUNDLED_DUMP, enwiki_manifest, gensim_test_data, local_manifest, single_file_manifest, write_manifest

log = log_to(snakemake.log[0])
corpus = snakemake.params.corpus
source = corpus["source"]
if source == "enwiki-sample":
    rows = local_manifest([gensim_test_data(BUNDLED_DUMP)])
elif source == "enwiki":
    dump = corpus["enwiki"]
    rows = enwiki_manifest(dump["base_url"], dump["date"], dump["parts"])
elif source == "text8":
    text8 = corpus["text8"]
    rows = single_file_manifest(text8["url"], "text8.zip", text8["size"], text8["md5"], text8["sha1"])
else:
    if not corpus["local"]["paths"]:
        raise ValueError("corpus.source is 'local' but corpus.local.paths is empty in the config")
    rows = local_manifest(corpus["local"]["paths"])
for row in rows:
    log.info("part %s: %s (%s)", row["part"], row["filename"], row["url"])
with atomic_output(snakemake.output[0]) as tmp:
    write_manifest(rows, tmp)
