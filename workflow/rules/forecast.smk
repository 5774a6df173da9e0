# The forecast: every job of the default target with its expected time, memory and disk, from the
# cost model of the cluster requests (qwemflow.runtime), before anything runs (target forecast).


# A dry run in a scratch directory and some arithmetic: where Snakemake runs, never a cluster job
localrules:
    forecast_files,
    forecast,


FORECAST = {
    "snakefile": workflow.main_snakefile,
    # the cores Snakemake was given: a node's, unless forecast.cores_per_node says otherwise
    "cores": workflow.resource_settings.cores or os.cpu_count(),
}


rule forecast_files:
    """The forecast made at the start of the run, for its report."""
    output:
        jobs=report(
            "results/{corpus}/forecast/jobs.csv",
            category="Forecast",
            caption="../report/forecast.rst",
        ),
        summary=report(
            "results/{corpus}/forecast/summary.json",
            category="Forecast",
            caption="../report/forecast.rst",
        ),
    log:
        "logs/{corpus}/forecast/forecast.log",
    benchmark:
        "benchmarks/{corpus}/forecast/forecast.tsv"
    wildcard_constraints:
        corpus=CORPUS_NAME,
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=memory_request("forecast_files"),
        runtime=time_request("forecast_files"),
    params:
        forecast=FORECAST,
        # a new config (or --cores) is a new forecast, but not a new figure style: no job's cost
        config={
            **config,
            "figures": {k: v for k, v in config["figures"].items() if k != "style"},
        },
    script:
        "../scripts/forecast.py"


rule forecast:
    """Named target: the forecast written (results/<corpus>/forecast/) and printed, every time it is
    asked for (a rule without outputs always runs); nothing else runs, nothing is downloaded."""
    log:
        f"logs/{CORPUS}/forecast/forecast.log",
    conda:
        ENV
    params:
        forecast=FORECAST,
        jobs=f"results/{CORPUS}/forecast/jobs.csv",
        summary=f"results/{CORPUS}/forecast/summary.json",
    script:
        "../scripts/forecast.py"
