"""The forecast of the default target's DAG on the configured machine (qwemflow.forecast): its
jobs (jobs.csv) and summary (summary.json), printed and logged."""

from pathlib import Path

from qwemflow.files import atomic_output
from qwemflow.forecast import forecast, format_table, write_forecast
from qwemflow.jobs import log_to

log = log_to(snakemake.log[0])
settings = snakemake.params.forecast
jobs_csv = snakemake.output.get("jobs", snakemake.params.get("jobs"))
summary_json = snakemake.output.get("summary", snakemake.params.get("summary"))
table, summary = forecast(snakemake.config, settings["snakefile"], Path.cwd(), settings["cores"])
with atomic_output(jobs_csv) as jobs_tmp, atomic_output(summary_json) as summary_tmp:
    write_forecast(table, summary, jobs_tmp, summary_tmp)
text = format_table(table, summary)
log.info("\n%s", text)
print(text, flush=True)
