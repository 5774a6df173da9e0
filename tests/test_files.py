"""Outputs written by rename (and what a killed job leaves behind), and .npz inputs read with
errors that say which file is damaged and how to rebuild it."""

import os
import subprocess
import sys

import numpy as np
import pytest

from qwemflow.files import DamagedFileError, atomic_output, load_npz


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_killed_jobs_are_removed_live_ones_kept(tmp_path):
    out = tmp_path / "counts" / "V10_L2.npz"
    out.parent.mkdir()
    stale = out.with_name(f".tmp-{dead_pid()}-{out.name}")
    live = out.with_name(f".tmp-{os.getppid()}-{out.name}")  # a writer still running
    other = out.with_name(
        f".tmp-{dead_pid()}-other.npz"
    )  # another output's: not ours to judge here
    for path in (stale, live, other):
        path.write_bytes(b"half written")
    with atomic_output(out) as tmp:
        assert not stale.exists() and live.exists() and other.exists()
        np.savez(tmp, x=np.arange(3))
    assert not tmp.exists() and out.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, live.name, other.name])


def test_failed_block_leaves_no_output(tmp_path):
    out = tmp_path / "x.txt"
    with pytest.raises(RuntimeError):
        with atomic_output(out) as tmp:
            tmp.write_text("partial")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_truncated_npz_names_the_file_and_the_rule(tmp_path):
    path = tmp_path / "V10_L2.npz"
    np.savez(path, counts=np.ones((10, 10)), n_pairs=4)
    with load_npz(path, "merge_counts") as stats:
        assert stats["n_pairs"] == 4 and set(stats) == {"counts", "n_pairs"}
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(
        DamagedFileError, match=r"V10_L2.npz: cannot be read as .npz .*BadZipFile.*-R merge_counts"
    ):
        load_npz(path, "merge_counts")
    path.write_bytes(b"")
    with pytest.raises(DamagedFileError, match=r"V10_L2.npz: .*delete it"):
        load_npz(path, "merge_counts")


def test_damaged_member_names_the_file(tmp_path):
    path = tmp_path / "shard.npz"
    np.savez(path, counts=np.arange(1000.0))
    data = bytearray(path.read_bytes())
    data[200] ^= 0xFF  # inside the array's bytes: the zip directory is intact, the CRC is not
    path.write_bytes(bytes(data))
    with load_npz(path, "count_part") as shard:
        with pytest.raises(DamagedFileError, match=r"shard.npz: .*'counts'.*-R count_part"):
            shard["counts"]
