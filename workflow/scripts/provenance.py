"""The record of how this run's results were made (config, code, packages, machine, time)."""

import json

from qwemflow.files import atomic_output
from qwemflow.jobs import log_to
from qwemflow.provenance import run_record

log = log_to(snakemake.log[0])
record = run_record(snakemake.params.config, snakemake.params.git)
log.info("git %s, packages %s", record["git"], record["packages"])
with atomic_output(snakemake.output[0]) as tmp:
    tmp.write_text(json.dumps(record, indent=2) + "\n")
