"""Glue shared by the workflow's rule scripts."""

from __future__ import annotations

import logging
import os
import sys


def log_to(path: str, level: int = logging.INFO) -> logging.Logger:
    """Send this job's log records (and uncaught errors) to its Snakemake log file."""
    logging.basicConfig(
        filename=path,
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logger = logging.getLogger("qwemflow.job")

    def log_uncaught(kind, value, traceback):
        logger.error("job failed", exc_info=(kind, value, traceback))
        sys.__excepthook__(kind, value, traceback)

    sys.excepthook = log_uncaught
    if "SLURM_JOB_ID" in os.environ:
        # maps a log to its cluster job (sacct, seff, the scheduler's own log)
        logger.info(
            "SLURM job %s, step %s, node %s",
            os.environ["SLURM_JOB_ID"],
            os.environ.get("SLURM_STEP_ID", "-"),
            os.environ.get("SLURMD_NODENAME", "-"),
        )
    return logger
