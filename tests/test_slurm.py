"""The small test config's benchmark table through `--profile profiles/slurm` on a real one-node
SLURM cluster started for the session (conftest.slurm_cluster, slurm_run).

Every rule but the downloads (localrules) must run as its own SLURM job, and the results must
equal those of the local run of the same config that other tests read (`small_run`).
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, small_config
from slurm_cluster import cluster_daemons_alive, why_unavailable

pytestmark = pytest.mark.workflow

SAMPLE = "results/enwiki-sample"
CONFIG = small_config()
V, L = CONFIG["vocab_size"], CONFIG["window"]
SETTING = f"V{V}_L{L}_d{CONFIG['dim']}"
# Their logs are written on the submitting host (the rules are localrules).
LOCAL_LOGS = {"logs/enwiki-sample/raw/manifest.log", "logs/datasets/men.log"}


def test_every_rule_ran_as_a_slurm_job(slurm_run):
    workdir, output = slurm_run
    submitted = set(re.findall(r"has been submitted with SLURM jobid (\d+)", output))
    logs = {
        str(path.relative_to(workdir)): path.read_text()
        for path in (workdir / "logs").rglob("*.log")
    }
    recorded = {}
    for name, text in logs.items():
        ids = re.findall(r"SLURM job (\d+), step \d+, node \S+", text)
        if name in LOCAL_LOGS:
            assert not ids, f"{name}: a localrule ran as SLURM job {ids}"
        else:
            assert len(ids) == 1, f"{name}: no SLURM job id in the log of a cluster job:\n{text}"
            recorded[name] = ids[0]
    assert set(LOCAL_LOGS) <= set(logs)
    assert len(recorded) >= 18  # extraction to the table figure: every job but the two local ones
    assert (
        set(recorded.values()) == submitted
    )  # one job each, all of them the ones Snakemake submitted
    assert len(submitted) == len(recorded)


def same_npz(path_a, path_b, **tolerance):
    a, b = np.load(path_a), np.load(path_b)
    assert sorted(a.files) == sorted(b.files), path_a
    for key in a.files:
        if tolerance and a[key].dtype.kind == "f":
            np.testing.assert_allclose(a[key], b[key], err_msg=f"{path_a}: {key}", **tolerance)
        else:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{path_a}: {key}")


def test_cluster_results_equal_the_local_run(slurm_run, small_run):
    """Two runs of the same commit, one through SLURM and one local, write the same results: every
    CSV, table, word2vec text file and array, gensim's models and trajectories included (one
    worker each, trained slice by slice). Figures (their PDF and PNG metadata) aside."""
    workdir, _ = slurm_run
    cluster, local = workdir / SAMPLE, small_run / SAMPLE
    compared = []
    for path in sorted(local.rglob("*")):
        if path.is_dir() or path.suffix in (".pdf", ".png"):
            continue
        name = path.relative_to(local)
        assert (cluster / name).exists(), f"{name}: not written by the cluster run"
        if path.suffix == ".npz":
            same_npz(cluster / name, path)
        else:
            assert (cluster / name).read_bytes() == path.read_bytes(), f"{name} differs"
        compared.append(str(name))
    # the stages whose reruns used to differ, by name
    trajectories = [f"dynamics/{SETTING}/word2vec.npz", f"dynamics/{SETTING}/word2vec-tied.npz"]
    assert set(trajectories) | {f"embeddings/{SETTING}/sgns.txt"} <= set(compared)
    assert f"eval/{SETTING}/benchmarks.csv" in compared


def test_a_killed_clusters_leftover_directory_counts_as_dead(tmp_path):
    """A session killed mid-test leaves /run/slurm/conf pointing at a directory whose pid files
    name processes that are gone, or reused by something else: the next run must replace the link."""
    assert not cluster_daemons_alive(tmp_path)  # no pid files
    (tmp_path / "slurmctld.pid").write_text("999999999\n")  # above any pid_max: no such process
    (tmp_path / "slurmd.pid").write_text(
        f"{os.getpid()}\n"
    )  # alive, but python, not a slurm daemon
    assert not cluster_daemons_alive(tmp_path)
    stand_in = tmp_path / "slurmd"  # a live process whose name is slurmd's
    shutil.copy(shutil.which("sleep"), stand_in)
    with subprocess.Popen([stand_in, "30"]) as daemon:
        (tmp_path / "slurmd.pid").write_text(f"{daemon.pid}\n")
        try:
            # Popen can return before the child's exec has renamed it from python's name
            for _ in range(1000):
                if Path(f"/proc/{daemon.pid}/comm").read_text().startswith("slurmd"):
                    break
                time.sleep(0.01)
            assert cluster_daemons_alive(tmp_path)
        finally:
            daemon.kill()


def test_the_tests_install_no_system_packages(tmp_path, monkeypatch):
    """System packages are an explicit step (.ci/install-packages, which .ci/run calls): where
    SLURM's commands are missing, the cluster fixture says so and what to run, installing nothing."""
    sources = [*(REPO / "tests").glob("*.py"), REPO / "pyproject.toml"]
    installs = re.compile(r"apt-get\s+(?:-\S+\s+)*(?:update|install)")
    assert [path.name for path in sources if installs.search(path.read_text())] == []
    assert ".ci/install-packages" in (REPO / ".ci/run").read_text()
    if os.geteuid() != 0:
        assert "needs root" in why_unavailable()
        return
    monkeypatch.setenv("PATH", str(tmp_path))  # no slurm, munge (nor apt-get) on it
    reason = why_unavailable()
    assert "slurm-wlm and munge are not installed" in reason
    assert "install them as root with .ci/install-packages" in reason
