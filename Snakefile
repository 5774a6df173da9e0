# Reproduces Karkada et al. (NeurIPS 2025): word2vec learns the top eigenvectors of M*.
# Run: snakemake --cores all    (docs/usage.md for the stages, targets and presets)

import os

from snakemake.utils import min_version

min_version("9.0")

# The rules and their scripts import the workflow's package, qwemflow: installed from this
# checkout (pip install -c requirements.lock -e .), or by the conda env of --sdm conda, which
# finds the checkout through this variable (envs/qwemflow.yaml).
os.environ.setdefault("QWEMFLOW_SOURCE", workflow.basedir)


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/counts.smk"
include: "workflow/rules/spectral.smk"
include: "workflow/rules/word2vec.smk"
include: "workflow/rules/dynamics.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/linear.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/scale_study.smk"
include: "workflow/rules/forecast.smk"


rule all:
    default_target: True
    input:
        rules.counts.input,
        rules.figures.input,
        f"results/{CORPUS}/summary/{SETTING}/summary.html",
        f"results/{CORPUS}/figures/{SETTING}/performance.png",
        # the forecast made at the start, for the report (`snakemake forecast` prints a new one)
        f"results/{CORPUS}/forecast/jobs.csv",


onsuccess:
    # A run that finished the whole DAG ends with its HTML report (snakemake's --report on the
    # same config); runs of other targets (e.g. `snakemake counts`) leave it alone.
    targets = workflow.dag_settings.targets
    if (not targets or "all" in targets) and all(os.path.exists(p) for p in rules.all.input):
        write_report(REPORT)
