"""The config is validated against the schema when the workflow starts."""

import re

import yaml
from conftest import REPO, run_snakemake, workflow_dir, write_config
from snakemake.utils import validate


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
