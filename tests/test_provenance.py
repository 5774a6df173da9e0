"""The provenance record: a real git checkout's state, versions, and the summary's section."""

import subprocess
from datetime import UTC, datetime

import pytest

from qwemflow.provenance import git_state, provenance_markdown, run_record


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "Snakefile").write_text("rule all:\n")
    git(tmp_path, "add", "Snakefile")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first")
    return tmp_path


def test_git_state_names_the_commit_and_sees_an_edit(checkout):
    head = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert git_state(checkout) == {"commit": head, "dirty": False}
    (checkout / "Snakefile").write_text("rule all:\n    input: []\n")
    assert git_state(checkout) == {"commit": head, "dirty": True}
    (checkout / "new-untracked-file").write_text("results do not make a checkout dirty")
    git(checkout, "checkout", "Snakefile")
    assert git_state(checkout)["dirty"] is False


def test_outside_git_the_commit_is_unknown_not_guessed(tmp_path):
    assert git_state(tmp_path) == {"commit": None, "dirty": None}


def test_record_and_its_summary_section(checkout):
    started = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    config = {"vocab_size": 2000, "corpus": {"source": "enwiki-sample"}}
    record = run_record(config, git_state(checkout), started)
    assert record["config"] == config
    assert record["started"] == "2026-01-02T03:04:05+00:00"
    assert {"python", "qwemflow", "numpy", "gensim", "snakemake"} <= set(record["packages"])
    text = provenance_markdown(record)
    assert record["git"]["commit"][:12] in text and "(clean)" in text
    assert f"numpy {record['packages']['numpy']}" in text
    unversioned = provenance_markdown({**record, "git": {"commit": None, "dirty": None}})
    assert "not a git checkout" in unversioned
