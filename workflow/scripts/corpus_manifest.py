"""Write the corpus manifest: which part files make up the configured corpus."""

from functools import partial

from qwemflow.download import download_options, fetch_text
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.sources import (
    BUNDLED_DUMP,
    enwiki_manifest,
    gensim_test_data,
    local_manifest,
    single_file_manifest,
    write_manifest,
)
from qwemflow.synthetic import SyntheticCorpus, synthetic_manifest

log = log_to(snakemake.log[0])
source, settings = snakemake.params.source, snakemake.params.settings
if source == "enwiki-sample":
    rows = local_manifest([gensim_test_data(BUNDLED_DUMP)])
elif source == "enwiki":
    # the checksum listings, under the config's download limits (not params: no reason to rerun)
    fetch = partial(fetch_text, **download_options(snakemake.config["download"], "listing"))
    rows = enwiki_manifest(settings["base_url"], settings["date"], settings["parts"], fetch=fetch)
elif source == "text8":
    rows = single_file_manifest(
        settings["url"], "text8.zip", settings["size"], settings["md5"], settings["sha1"]
    )
elif source == "synthetic":
    rows = synthetic_manifest(SyntheticCorpus.from_config(settings))
else:  # local: an empty corpus.local.paths is refused when the workflow starts (common.smk)
    rows = local_manifest(settings["paths"], settings["part_mb"])
for row in rows:
    log.info("part %s: %s (%s)", row["part"], row["filename"], row["url"])
with atomic_output(snakemake.output[0]) as tmp:
    write_manifest(rows, tmp)
