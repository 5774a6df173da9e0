"""Download one part file listed in the manifest, resuming and verifying it."""

from pathlib import Path

from qwemflow.download import download, download_options
from qwemflow.jobs import log_to
from qwemflow.sources import read_manifest

log = log_to(snakemake.log[0])
out = Path(snakemake.output[0])
rows = [row for row in read_manifest(snakemake.input.manifest) if row["filename"] == out.name]
if not rows:
    raise ValueError(f"{snakemake.input.manifest}: lists no file named {out.name}")
row = rows[0]
# Retry settings and limits come from the config, not params: they are not a reason to download again.
download(
    row["url"],
    out,
    expected_size=int(row["size"]) if row["size"] else None,
    checksums={algorithm: row[algorithm] for algorithm in ("md5", "sha1") if row[algorithm]},
    **download_options(snakemake.config["download"], "file"),
    log=log,
)
