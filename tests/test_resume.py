"""A run killed with SIGKILL (a power loss, the out-of-memory killer, a cluster's time limit)
resumes after Snakemake's `--unlock` to the results of a run that was never interrupted
(conftest.KilledRun), and the workflow's profiles keep `rerun-incomplete`."""

import numpy as np
import pytest
import yaml
from conftest import KILLED_SAMPLE, REPO, small_config

CONFIG = small_config()
V, L = CONFIG["vocab_size"], CONFIG["window"]
# What the killed run makes (its target, `counts`): every stage is deterministic, so each file
# must equal the uninterrupted small run's, byte for byte (the text, word counts and vocabulary)
# or array for array (.npz files hold a zip's timestamps).
SAME_BYTES = ("text/001.txt.gz", "text/001.wordcounts.tsv", f"vocab/V{V}.tsv")
SAME_ARRAYS = (f"tokens/V{V}/001.npz", f"counts/V{V}_L{L}.npz")  # the part's counts are temp()


def documented_lock_message() -> list[str]:
    """The sentences of Snakemake's lock message that docs/usage.md ("After a kill or a power
    loss") quotes, but the directory's name."""
    section = (REPO / "docs/usage.md").read_text().split("### After a kill or a power loss")[1]
    quoted = " ".join(section.split("```")[1].split())
    return [sentence.strip() for sentence in quoted.split(": ...") if sentence.strip()]


@pytest.mark.workflow
def test_a_run_killed_twice_resumes_after_unlock_to_the_uninterrupted_results(
    killed_run, small_run
):
    workdir, record = killed_run
    # killed while extraction wrote its text: its temporary file was left, and the lock
    assert any(name.startswith(".tmp-") for name in record["temporaries after the first kill"])
    assert "001.txt.gz" not in record["temporaries after the first kill"]
    assert record["locks after the first kill"]
    # the next start is refused with Snakemake's advice (docs/usage.md, "After a kill")
    refused = record["refused"]
    assert refused.returncode != 0
    said = " ".join(refused.stderr.split())
    for sentence in documented_lock_message():
        assert sentence in said, f"docs/usage.md quotes {sentence!r}, Snakemake said: {said}"
    assert record["first unlock"].returncode == 0 and record["second unlock"].returncode == 0
    # the second kill came while the count job ran, before it wrote its output
    assert not record["count written before the second kill"]
    results, uninterrupted = workdir / KILLED_SAMPLE, small_run / KILLED_SAMPLE
    for name in SAME_BYTES:
        assert (results / name).read_bytes() == (uninterrupted / name).read_bytes(), name
    for name in SAME_ARRAYS:
        with np.load(results / name) as resumed, np.load(uninterrupted / name) as whole:
            assert sorted(resumed.files) == sorted(whole.files), name
            for key in whole.files:
                np.testing.assert_array_equal(resumed[key], whole[key], err_msg=f"{name}: {key}")
    # the killed jobs' temporary files were removed by the jobs that wrote those outputs again
    assert not [path for path in results.rglob(".tmp-*")]
    locks = workdir / ".snakemake/locks"
    assert not locks.exists() or not list(locks.iterdir())  # the finished run released its lock


@pytest.mark.parametrize("profile", ["default", "slurm"])
def test_the_profiles_keep_rerun_incomplete(profile):
    """A job killed after its first output was in place but before its last (or before Snakemake
    recorded it as done) leaves outputs Snakemake calls incomplete: with rerun-incomplete the next
    run redoes that job instead of stopping (docs/usage.md, "After a kill")."""
    settings = yaml.safe_load((REPO / "profiles" / profile / "config.yaml").read_text())
    assert settings["rerun-incomplete"] is True
