"""Job logs: a job that runs under SLURM names its job id, step and node in its log."""

import logging
import sys

import pytest

from qwemflow.jobs import log_to


@pytest.fixture
def job_log(tmp_path, monkeypatch):
    """The path of a job log; the process-wide logging and excepthook that log_to sets are undone."""
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    yield tmp_path / "job.log"
    for handler in root.handlers:
        handler.close()


def test_log_of_a_slurm_job_names_the_job(job_log, monkeypatch):
    monkeypatch.setenv("SLURM_JOB_ID", "4711")
    monkeypatch.setenv("SLURM_STEP_ID", "0")
    monkeypatch.setenv("SLURMD_NODENAME", "node07")
    log_to(str(job_log)).info("counted")
    lines = job_log.read_text().splitlines()
    assert lines[0].endswith("SLURM job 4711, step 0, node node07") and lines[1].endswith("counted")


def test_log_of_a_local_job_has_no_slurm_line(job_log, monkeypatch):
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    log_to(str(job_log)).info("counted")
    assert job_log.read_text().splitlines()[0].endswith("counted")
    assert "SLURM" not in job_log.read_text()
