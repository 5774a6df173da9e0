"""Shared fixtures: the bundled real dump and one end-to-end run of the default DAG."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # tests/http_server.py

from qwemflow.sources import BUNDLED_DUMP, gensim_test_data  # noqa: E402


@pytest.fixture(scope="session")
def bundled_dump() -> Path:
    return gensim_test_data(BUNDLED_DUMP)


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the repository's workflow with `workdir` as its working directory."""
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir), *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def workflow_dir(path: Path) -> Path:
    """A working directory holding a copy of the default config."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "config.yaml", path / "config.yaml")
    return path


@pytest.fixture(scope="session")
def default_run(tmp_path_factory) -> Path:
    """The default DAG run once, end to end, on the bundled dump; tests read its outputs."""
    workdir = workflow_dir(tmp_path_factory.mktemp("default-run"))
    run_snakemake(workdir, "--cores", "2")
    return workdir
