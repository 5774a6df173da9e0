# Reproduces Karkada et al. (NeurIPS 2025): word2vec learns the top eigenvectors of M*.
# Run: snakemake --cores all    (README for the stages, targets and presets)

import os
import sys

from snakemake.utils import min_version

min_version("9.0")

# The rule scripts import the workflow's package from src/, with or without `pip install`, in
# any conda env and on cluster nodes (jobs inherit the environment and re-read this file).
_SRC = os.path.join(workflow.basedir, "src")
sys.path.insert(0, _SRC)
os.environ.update(PYTHONPATH=os.pathsep.join(p for p in (_SRC, os.environ.get("PYTHONPATH")) if p))


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


rule all:
    default_target: True
    input:
        rules.counts.input,
        rules.figures.input,
        f"results/{CORPUS}/summary/{SETTING}/summary.html",
        f"results/{CORPUS}/figures/{SETTING}/performance.png",


onsuccess:
    # A run that finished the whole DAG ends with its HTML report (snakemake's --report on the
    # same config); partial runs (e.g. `snakemake counts`) leave it alone.
    if all(os.path.exists(path) for path in rules.all.input):
        write_report(REPORT)
