"""MEN word pairs from the public archive, checksum verified; on any failure to obtain them (no
network, an HTTP error, a damaged archive) an empty table that says why, so that an optional
benchmark cannot sink the table. A checksum mismatch stays an error."""

import csv
import tempfile

from qwemflow.download import user_agent
from qwemflow.evaluate import optional_similarity_pairs
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
men = snakemake.params.men
with tempfile.TemporaryDirectory() as scratch:
    # One quick retry: an optional benchmark must not hold a run up when there is no network.
    pairs, reason = optional_similarity_pairs(
        men["url"],
        men["sha1"],
        men["member"],
        scratch,
        log,
        retries=1,
        backoff=1.0,
        timeout=snakemake.config["download"]["timeout_seconds"],
        user_agent=user_agent(snakemake.config["download"]["contact"]),
    )
if reason:
    log.warning("MEN is unavailable, so it is left out of the benchmarks: %s", reason)
with atomic_output(snakemake.output[0]) as tmp, open(tmp, "w", newline="") as sink:
    if reason:
        sink.write(f"# unavailable: {reason}\n")
    writer = csv.writer(sink, delimiter="\t", lineterminator="\n")
    writer.writerow(["word1", "word2", "score"])
    writer.writerows(pairs)
log.info("%d MEN pairs", len(pairs))
