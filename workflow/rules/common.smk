# Config validation, the results layout and the input functions shared by the rule files.

import os
import re
import subprocess
import sys

import numpy as np
import yaml
from snakemake.utils import validate

from qwemflow.backend import check_compute
from qwemflow.runtime import disk_request as runtime_disk
from qwemflow.runtime import learning_curve_times
from qwemflow.runtime import memory_request as runtime_memory
from qwemflow.runtime import time_request as runtime_request
from qwemflow.runtime import spectrum_eigenpairs as eigenpairs_wanted
from qwemflow.runtime import trains_in_mstar_eigenbasis as descends_in_eigenbasis
from qwemflow.schema import typed_from_text
from qwemflow.sources import is_local, local_path, read_manifest

# the values nested in --config come as text ('word2vec={workers: 8}'): typed as the schema says
with open(workflow.source_path("../schemas/config.schema.yaml")) as _schema:
    typed_from_text(config, yaml.safe_load(_schema))
validate(config, schema="../schemas/config.schema.yaml")
check_compute(config["compute"])
config["dynamics"]["runs"] = {
    name: run for name, run in config["dynamics"]["runs"].items() if run is not None
}
# top_words keeps the ablation and SGD runs affordable on a CPU; a GPU trains them on all V words
if config["compute"]["device"] == "cuda":
    config["dynamics"]["runs"] = {
        name: {key: value for key, value in run.items() if key != "top_words"}
        for name, run in config["dynamics"]["runs"].items()
    }

if config["corpus"]["source"] == "local" and not config["corpus"]["local"]["paths"]:
    raise ValueError(
        "config: corpus.source is 'local' but corpus.local.paths is empty; set it, e.g."
        " --config 'corpus={local: {paths: [/data/enwiki-extract]}}'"
    )
if config["spectral"]["n_eigenpairs"] < config["dim"]:
    raise ValueError(
        f"config: spectral.n_eigenpairs ({config['spectral']['n_eigenpairs']}) must be >= dim ({config['dim']})"
    )
# n_eigenpairs is capped by V in the rules; an embedding cannot have more dimensions than words
if config["dim"] > config["vocab_size"]:
    raise ValueError(
        f"config: dim ({config['dim']}) must be <= vocab_size ({config['vocab_size']}): an embedding has at most V dimensions"
    )
for _run_name, _run in config["dynamics"]["runs"].items():
    if _run.get("top_words") is not None and _run["top_words"] < config["dim"]:
        raise ValueError(
            f"config: dynamics.runs.{_run_name}.top_words ({_run['top_words']}) must be >= dim ({config['dim']}):"
            " the run embeds its top_words words in dim dimensions"
        )
_figure_runs = {
    f"fig2.{role}": run for role, run in config["figures"]["fig2"].items() if role.endswith("_run")
}
if config["figures"]["word2vec_run"] is not None:
    _figure_runs["word2vec_run"] = config["figures"]["word2vec_run"]
_figure_runs.update(
    {
        f"ablation.panels['{panel}']": run
        for panel, run in config["figures"]["ablation"]["panels"].items()
    }
)
for _role, _run in _figure_runs.items():
    if _run not in config["dynamics"]["runs"]:
        raise ValueError(
            f"config: figures.{_role} names '{_run}', which is not one of dynamics.runs"
        )
_small_init = config["dynamics"]["runs"][config["figures"]["fig2"]["small_init_run"]]["init"]
_word2vec_run = config["figures"]["word2vec_run"]
if _word2vec_run is not None and config["dynamics"]["runs"][_word2vec_run]["init"] != _small_init:
    raise ValueError(
        f"config: figures.word2vec_run ({_word2vec_run}) must start from the init of figures.fig2.small_init_run"
        f" ({_small_init}): Figure 2 draws it in the small-init column"
    )
if _word2vec_run is None and config["tied_word2vec"]["init"] != _small_init:
    raise ValueError(
        f"config: tied_word2vec.init ({config['tied_word2vec']['init']}) must equal the init of figures.fig2.small_init_run"
        f" ({_small_init}): Figures 1 and 2 draw the tied word2vec in the small-init column"
        " (or set figures.word2vec_run to a dynamics run that starts there)"
    )
_curve_run = config["dynamics"]["runs"].get(config["learning_curve"]["run"])
if _curve_run is None or (_curve_run["loss"], _curve_run["reweighting"]) != ("qwem", "setting-3.1"):
    raise ValueError(
        f"config: learning_curve.run ({config['learning_curve']['run']}) must be a dynamics run with"
        " loss qwem and reweighting setting-3.1, whose closed form is the theory's embedding"
    )
# gensim's trajectories are dynamics/<setting>/word2vec.npz and word2vec-tied.npz
for _run_name in config["dynamics"]["runs"]:
    if _run_name in ("word2vec", "word2vec-tied", "sgns", "sgns-tied"):
        raise ValueError(
            f"config: dynamics.runs.{_run_name}: the name belongs to a gensim word2vec model; rename the run"
        )

CORPUS = config["corpus"]["name"]
V = config["vocab_size"]
L = config["window"]
D = config["dim"]
SETTING = f"V{V}_L{L}_d{D}"
for _run in config["dynamics"]["table_runs"]:
    if _run not in config["dynamics"]["runs"]:
        raise ValueError(
            f"config: dynamics.table_runs names '{_run}', which is not one of dynamics.runs"
        )
# the gensim models, the spectral embeddings and the dynamics runs of the table
STREAM_MODELS = ["sgns", "sgns-tied"]
MODELS = [*STREAM_MODELS, *config["spectral"]["targets"], *config["dynamics"]["table_runs"]]
for _pair in config["figures"]["appendix"]["overlap_pairs"]:
    for _model in _pair:
        if _model not in MODELS:
            raise ValueError(
                f"config: figures.appendix.overlap_pairs names '{_model}', which this config does not build ({', '.join(MODELS)})"
            )
_scale_models = [*STREAM_MODELS, *config["spectral"]["targets"], *config["dynamics"]["runs"]]
for _model in config["scale_study"]["models"]:
    if _model not in _scale_models:
        raise ValueError(
            f"config: scale_study.models names '{_model}', which this config does not build ({', '.join(_scale_models)})"
        )
ENV = "../../envs/qwemflow.yaml"


# A corpus is a configured one, or a nested prefix of one (its first N words, the scale study's
# points) whose results sit inside its own: results/<corpus>/prefix<N>/.
CORPUS_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"
PREFIX = r"prefix[0-9]+"
PREFIX_CORPUS = re.compile(rf"{CORPUS_NAME}/{PREFIX}")
PREFIX_PART = "001"


wildcard_constraints:
    corpus=rf"{CORPUS_NAME}(/{PREFIX})?",
    part=r"[0-9][0-9][0-9]+",
    words=r"[0-9]+",
    V=r"[0-9]+",
    L=r"[0-9]+",
    d=r"[0-9]+",
    target=r"mstar|pmi|ppmi|ppmi-cds|g",
    model="|".join(
        re.escape(model) for model in dict.fromkeys([*MODELS, *config["scale_study"]["models"]])
    ),
    run="|".join(re.escape(run) for run in config["dynamics"]["runs"]),


def source_settings():
    """The config block of the corpus source in use (the bundled sample has none)."""
    source = config["corpus"]["source"]
    return {} if source == "enwiki-sample" else config["corpus"][source]


def manifest(corpus):
    """Rows of a corpus's manifest; known only once the checkpoint that writes it has run."""
    path = checkpoints.corpus_manifest.get(corpus=corpus).output[0]
    return read_manifest(path)


def corpus_parts(corpus):
    """The parts of a corpus, in order: its manifest's, or the one part of a prefix corpus."""
    if PREFIX_CORPUS.fullmatch(corpus):
        return [PREFIX_PART]
    return list(dict.fromkeys(row["part"] for row in manifest(corpus)))


def part_rows(wildcards):
    """The manifest rows (files) of one part."""
    rows = [row for row in manifest(wildcards.corpus) if row["part"] == wildcards.part]
    if not rows:
        raise ValueError(
            f"part {wildcards.part} is not in the manifest of corpus {wildcards.corpus}"
        )
    return rows


def part_source(wildcards):
    """The files a part is extracted from: local files in place, or downloaded copies."""
    return [
        (
            str(local_path(row))
            if is_local(row)
            else f"results/{wildcards.corpus}/raw/files/{row['filename']}"
        )
        for row in part_rows(wildcards)
    ]


def part_files(pattern):
    """Input function: `pattern` (with {part}) for every part of the corpus."""

    def files(wildcards):
        return expand(pattern, part=corpus_parts(wildcards.corpus), allow_missing=True)

    return files


def time_request(name):
    """Resource runtime (minutes, SLURM's --time) of the jobs of `name`: the cost model's expected
    time on the job's threads, from its input sizes, x SAFETY x attempt, plus a floor."""
    return runtime_request(config, name)


def memory_request(name):
    """Resource mem_mb of the jobs of `name`: what the cost model says such a job holds."""
    return runtime_memory(config, name)


def disk_request(name):
    """Resource disk_mb of the jobs of `name`: their scratch files (gensim's slices)."""
    return runtime_disk(config, name)


def fig2_runs(wildcards):
    """The two QWEM runs (small and large init) and the word2vec trajectories that Figure 2 draws:
    gensim's untied baseline at its own (large) init, and at small init the tied word2vec or the
    configured figures.word2vec_run."""
    fig2 = config["figures"]["fig2"]
    base = f"results/{wildcards.corpus}/dynamics/V{wildcards.V}_L{wildcards.L}_d{wildcards.d}"
    return {
        "small": f"{base}/{fig2['small_init_run']}.npz",
        "large": f"{base}/{fig2['large_init_run']}.npz",
        "word2vec": f"{base}/word2vec.npz",
        "word2vec_small": fig1_word2vec(wildcards),
        "clock": word2vec_clock(wildcards),
    }


def fig1_word2vec(wildcards):
    """The trajectory of the paper's word2vec in Figures 1 and 2: figures.word2vec_run, else the
    tied gensim model's."""
    run = config["figures"]["word2vec_run"] or "word2vec-tied"
    return f"results/{wildcards.corpus}/dynamics/V{wildcards.V}_L{wildcards.L}_d{wildcards.d}/{run}.npz"


def word2vec_clock(wildcards):
    """The tied word2vec's clock (word2vec_modes), which puts it on the theory's time wherever
    Figures 1 and 2 draw it; none when figures.word2vec_run draws a dynamics run instead."""
    if config["figures"]["word2vec_run"] is not None:
        return []
    return f"results/{wildcards.corpus}/dynamics/V{wildcards.V}_L{wildcards.L}_d{wildcards.d}/word2vec-tied-clock.npz"


def fig1_word2vec_loss(wildcards):
    """The tied word2vec's expected loss at its snapshots, where Figure 1 draws that model."""
    if config["figures"]["word2vec_run"] is not None:
        return []
    return f"results/{wildcards.corpus}/dynamics/V{wildcards.V}_L{wildcards.L}_d{wildcards.d}/word2vec-tied-loss.csv"


def snapshot_times(run):
    """The times (t / tau_1) at which a dynamics run keeps W: learning_curve.times log-spaced from
    0.5 tau_1 to the run's end for the learning curve's run, none for the others."""
    return learning_curve_times(config, run)


def scale_study_points(wildcards):
    """The scale study's corpora, smallest first: each prefix (scale_study.prefix_words), then
    the whole corpus, with the files that give its size and its models' scores."""
    setting = f"V{wildcards.V}_L{wildcards.L}_d{wildcards.d}"
    prefixes = sorted(config["scale_study"]["prefix_words"])
    return [
        {
            "corpus": corpus,
            "wordcounts": expand(
                f"results/{corpus}/text/{{part}}.wordcounts.tsv", part=corpus_parts(corpus)
            ),
            "evals": [
                f"results/{corpus}/eval/{setting}/models/{model}.csv"
                for model in config["scale_study"]["models"]
            ],
        }
        for corpus in [f"{wildcards.corpus}/prefix{n}" for n in prefixes] + [wildcards.corpus]
    ]


def scale_study_inputs(wildcards):
    """Every file the scale study reads: its points' word counts and scores."""
    return [
        path
        for point in scale_study_points(wildcards)
        for path in point["wordcounts"] + point["evals"]
    ]


REPORT = "results/report.html"


def write_report(path):
    """Snakemake's HTML report of the default target, for the config of this run."""
    settings = os.path.join(".snakemake", "report-config.yaml")
    with open(settings, "w") as sink:
        # in the config's order: mappings such as figures.ablation.panels mean their order
        yaml.safe_dump(config, sink, sort_keys=False)
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "all",
        "--snakefile",
        workflow.main_snakefile,
        "--configfile",
        settings,
        "--report",
        path,
        "--nolock",
    ]
    print(f"Writing the report: {path}", file=sys.stderr)
    subprocess.run(command, check=True)


def trains_in_mstar_eigenbasis(run, vocab_size):
    """Whether a dynamics run descends in M*'s own eigenbasis and so needs all its eigenpairs:
    full-batch QWEM under Setting 3.1 with psi = 1 (dynamics.quartic_distance, whose linearized
    target is M*) on the whole vocabulary (top_words trains on another matrix)."""
    return descends_in_eigenbasis(config, run, vocab_size)


def fig4_dims(wildcards):
    """The most eigen-embedding dimensions Figure 4 uses: figures.fig4.max_dim, capped by V."""
    return min(config["figures"]["fig4"]["max_dim"], int(wildcards.V))


def spectrum_eigenpairs(target, vocab_size):
    """How many eigenpairs of a target its readers need, capped by V: the eigen-embeddings
    (spectral.n_eigenpairs), the appendix's spectra; for M* also Figure 4 (figures.fig4.max_dim),
    and all of them when a dynamics run trains in its eigenbasis."""
    return eigenpairs_wanted(config, target, vocab_size)


def gpus():
    """GPUs a job of the spectrum and dynamics stages asks for: one on cuda (on SLURM the
    executor turns resource gpu into --gpus)."""
    return 1 if config["compute"]["device"] == "cuda" else 0


# word2vec's subsampling threshold in the runs with word2vec's reweighting: the tied word2vec's
# (the paper's word2vec, whose expected loss those runs descend). The figures' captions print it
# from here, so that they name the value the runs used.
REWEIGHTING_SAMPLE = config["tied_word2vec"]["sample"]


def run_settings(run):
    """What dynamics run `run` trains with: its own keys over the dynamics block's (as
    qwemflow.dynamics.run_dynamics merges them), for the captions of the figures that draw it."""
    shared = {key: value for key, value in config["dynamics"].items() if key != "runs"}
    return {**shared, **config["dynamics"]["runs"][run], "name": run}


FIG2 = config["figures"]["fig2"]


def word2vec_row():
    """The paper's word2vec as Figures 1 and 2 draw it: the tied gensim model's settings, or
    those of the dynamics run figures.word2vec_run (fig1_word2vec)."""
    if config["figures"]["word2vec_run"] is None:
        return {"gensim": True, **config["tied_word2vec"]}
    return {"gensim": False, **run_settings(config["figures"]["word2vec_run"])}
