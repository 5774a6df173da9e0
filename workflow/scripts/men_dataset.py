"""MEN word pairs from the public archive, checksum verified; when the server cannot be reached
(offline), an empty table that says why. A checksum mismatch stays an error."""

import csv
import tarfile
import tempfile
from pathlib import Path

from qwemflow.download import UnreachableError, download
from qwemflow.evaluate import read_similarity_pairs
from qwemflow.files import atomic_output
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
men = snakemake.params.men
with tempfile.TemporaryDirectory() as scratch:
    archive = Path(scratch) / "MEN.tar.gz"
    try:
        # One quick retry: an optional benchmark must not hold a run up when there is no network.
        download(
            men["url"],
            archive,
            checksums={"sha1": men["sha1"]} if men["sha1"] else None,
            retries=1,
            backoff=1.0,
            timeout=snakemake.config["download"]["timeout_seconds"],
            log=log,
        )
        with tarfile.open(archive) as tar:
            tar.extract(men["member"], scratch, filter="data")
        pairs = read_similarity_pairs(Path(scratch) / men["member"])
        reason = ""
    except UnreachableError as error:
        pairs, reason = [], str(error)
        log.warning("MEN is unavailable, so it is left out of the benchmarks: %s", reason)
with atomic_output(snakemake.output[0]) as tmp, open(tmp, "w", newline="") as sink:
    if reason:
        sink.write(f"# unavailable: {reason}\n")
    writer = csv.writer(sink, delimiter="\t", lineterminator="\n")
    writer.writerow(["word1", "word2", "score"])
    writer.writerows(pairs)
log.info("%d MEN pairs", len(pairs))
