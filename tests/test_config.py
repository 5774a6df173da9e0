"""The config is validated against the schema when the workflow starts."""

import hashlib
import re

import pytest
import yaml
from conftest import REPO, run_snakemake, workflow_dir, write_config
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from qwemflow.schema import typed_from_text


def changed_config_dir(tmp_path, change):
    workdir = workflow_dir(tmp_path / "wf")
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    change(config)
    write_config(workdir, config)
    return workdir


def test_default_config_dry_runs(tmp_path):
    result = run_snakemake(
        changed_config_dir(tmp_path, lambda c: None), "--dry-run", "--cores", "1"
    )
    assert "corpus_manifest" in result.stdout


def test_misspelled_key_is_named(tmp_path):
    workdir = changed_config_dir(tmp_path, lambda c: c.update(vocab_sise=c.pop("vocab_size")))
    result = run_snakemake(workdir, "--dry-run", "--cores", "1", check=False)
    assert result.returncode != 0
    assert "'vocab_sise' was unexpected" in result.stdout + result.stderr
    assert not (workdir / "results").exists()


def test_wrong_type_is_named(tmp_path):
    workdir = changed_config_dir(tmp_path, lambda c: c["corpus"].update(min_article_words="many"))
    result = run_snakemake(workdir, "--dry-run", "--cores", "1", check=False)
    assert result.returncode != 0
    assert "'many' is not of type 'integer'" in result.stdout + result.stderr
    assert "['corpus']['min_article_words']" in result.stdout + result.stderr


def test_config_text_is_typed_as_the_schema_says():
    """Snakemake passes the values nested in --config as text ('word2vec={workers: 8}'): they
    become the numbers, booleans and nulls the schema asks for; text stays text where the schema
    wants text, and text that is no number is left for the validation to name."""
    schema_path = REPO / "workflow/schemas/config.schema.yaml"
    schema = yaml.safe_load(schema_path.read_text())
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    config["word2vec"]["workers"] = "8"
    config["tied_word2vec"]["alpha"] = "0.01"
    config["forecast"] = {"tokens": "2e9", "nodes": "null"}
    config["dynamics"]["runs"]["qwem"]["init"] = "1e-12"
    config["download"]["contact"] = "12345"
    typed_from_text(config, schema)
    assert config["word2vec"]["workers"] == 8 and config["tied_word2vec"]["alpha"] == 0.01
    assert config["forecast"] == {"tokens": 2_000_000_000, "nodes": None}
    assert config["dynamics"]["runs"]["qwem"]["init"] == 1e-12
    assert config["download"]["contact"] == "12345"
    validate(config, schema=str(schema_path))
    config["word2vec"]["workers"] = "eight"
    typed_from_text(config, schema)
    with pytest.raises(WorkflowError, match="'eight' is not of type 'integer'"):
        validate(config, schema=str(schema_path))


def test_unknown_corpus_source_is_named(tmp_path):
    workdir = changed_config_dir(tmp_path, lambda c: c["corpus"].update(source="wikipedia"))
    result = run_snakemake(workdir, "--dry-run", "--cores", "1", check=False)
    assert result.returncode != 0
    assert "'wikipedia' is not one of" in result.stdout + result.stderr


def test_dim_larger_than_vocabulary_is_refused_at_start(tmp_path):
    workdir = changed_config_dir(tmp_path, lambda c: c.update(vocab_size=40, dim=50))
    result = run_snakemake(workdir, "--dry-run", "--cores", "1", check=False)
    assert result.returncode != 0
    assert "config: dim (50) must be <= vocab_size (40)" in result.stdout + result.stderr
    assert not (workdir / "results").exists()


def test_dynamics_run_on_fewer_words_than_dim_is_refused_at_start(tmp_path):
    workdir = changed_config_dir(
        tmp_path, lambda c: c["dynamics"]["runs"]["qwem-word2vec"].update(top_words=20)
    )
    result = run_snakemake(workdir, "--dry-run", "--cores", "1", check=False)
    assert result.returncode != 0
    assert (
        "config: dynamics.runs.qwem-word2vec.top_words (20) must be >= dim (50)"
        in result.stdout + result.stderr
    )


def documented_default_mb() -> float:
    """The default of corpus.max_document_mb in docs/usage.md's table of limits."""
    table = (REPO / "docs/usage.md").read_text()
    found = re.search(r"^\| `corpus\.max_document_mb`: [^|]*\| ([\d.]+) MB \|", table, re.MULTILINE)
    assert found, "docs/usage.md no longer gives max_document_mb's default"
    return float(found.group(1))


def test_max_document_mb_has_a_default_and_a_minimum(tmp_path):
    # a config without the key gets the documented default from the schema, as the workflow
    # validates it when it starts (common.smk: snakemake.utils.validate fills in defaults)
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    del config["corpus"]["max_document_mb"]
    validate(config, str(REPO / "workflow/schemas/config.schema.yaml"))
    assert config["corpus"]["max_document_mb"] == documented_default_mb()
    workdir = changed_config_dir(tmp_path / "zero", lambda c: c["corpus"].update(max_document_mb=0))
    result = run_snakemake(workdir, "--dry-run", "--cores", "1", check=False)
    assert result.returncode != 0
    assert "['corpus']['max_document_mb']" in result.stdout + result.stderr


def parsed_options(*args: str):
    """Snakemake's options for a run of this workflow with `args`, profiles applied."""
    from snakemake.cli import parse_args

    return parse_args(["--snakefile", str(REPO / "Snakefile"), *args])[1]


def test_the_workflow_profile_overrides_profile_so_slurm_runs_without_it(tmp_path):
    """Snakemake applies profiles/default after --profile, and it wins for keys both set: the
    docs say so, and run profiles/slurm with --workflow-profile none, whose own keys then hold
    and whose jobs' threads are not capped at the login node's cores (profiles/default's cores)."""
    own = tmp_path / "own"
    own.mkdir()
    (own / "config.yaml").write_text("cores: 7\nkeep-going: false\n")
    overridden = parsed_options("--profile", str(own))
    assert (overridden.cores, overridden.keep_going) != (7, False)
    alone = parsed_options("--profile", str(own), "--workflow-profile", "none")
    assert (alone.cores, alone.keep_going) == (7, False)
    slurm = parsed_options("--profile", str(REPO / "profiles/slurm"), "--workflow-profile", "none")
    assert slurm.executor == "slurm" and slurm.cores is None and slurm.jobs == 100
    assert slurm.keep_going and slurm.rerun_incomplete and slurm.printshellcmds
    docs = [(REPO / name).read_text() for name in ("README.md", "docs/usage.md")]
    commands = [
        line
        for text in docs
        for line in text.splitlines()
        if "snakemake --profile profiles/slurm" in line
    ]
    assert len(commands) >= 4
    assert [line for line in commands if "--workflow-profile none" not in line] == []
    assert "applies it after any `--profile`" in " ".join(docs[1].split())


def test_the_conda_env_changes_with_the_lock():
    """Snakemake names a conda env by its file's text, which points to requirements.lock without
    its content: the file carries the lock's digest, so a new lock is a new env."""
    env = (REPO / "envs/qwemflow.yaml").read_text()
    assert "--constraint ${QWEMFLOW_SOURCE}/requirements.lock" in env
    digest = re.search(r"^# requirements.lock sha256: ([0-9a-f]{64})$", env, re.MULTILINE)
    lock = hashlib.sha256((REPO / "requirements.lock").read_bytes()).hexdigest()
    assert digest is not None and digest.group(1) == lock, (
        "requirements.lock changed: put its sha256sum in envs/qwemflow.yaml"
    )
