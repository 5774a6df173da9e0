"""download.py against a real local HTTP server: resume, retry, verification and cleanup."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
if importlib.util.find_spec("qwemflow") is None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from http_server import FileServer  # noqa: E402
from qwemflow.download import DownloadError, download, fetch_text, file_digest  # noqa: E402

MiB = 1 << 20
FAST = {"backoff": 0.01}


@pytest.fixture
def served(tmp_path):
    """A directory with a 3 MiB random file, served over HTTP; yields (server, data)."""
    root = tmp_path / "www"
    root.mkdir()
    data = np.random.default_rng(20251).bytes(3 * MiB)
    (root / "dump.bz2").write_bytes(data)
    with FileServer(root) as server:
        yield server, data


def sums(data: bytes) -> dict[str, str]:
    return {"sha1": hashlib.sha1(data).hexdigest(), "md5": hashlib.md5(data).hexdigest()}


def leftovers(dest: Path) -> list[Path]:
    return sorted(dest.parent.glob(dest.name + "*"))


def test_full_download_verifies_checksums(served, tmp_path):
    server, data = served
    dest = tmp_path / "out" / "dump.bz2"
    result = download(server.url("dump.bz2"), dest, expected_size=len(data), checksums=sums(data), **FAST)
    assert result == dest
    assert dest.read_bytes() == data
    assert leftovers(dest) == [dest]
    assert [(r.range, r.status) for r in server.requests] == [(None, 200)]


def test_file_digest_matches_hashlib(tmp_path):
    data = np.random.default_rng(7).bytes(MiB + 123)
    path = tmp_path / "blob"
    path.write_bytes(data)
    for algorithm in ("md5", "sha1", "sha256"):
        assert file_digest(path, algorithm) == hashlib.new(algorithm, data).hexdigest()


def test_resumes_after_connection_cut(served, tmp_path):
    server, data = served
    server.cut_after = int(1.3 * MiB)
    dest = tmp_path / "dump.bz2"
    download(server.url("dump.bz2"), dest, expected_size=len(data), checksums=sums(data), **FAST)
    assert dest.read_bytes() == data
    first, second = server.requests
    assert first.range is None and first.sent == int(1.3 * MiB)
    assert second.range == f"bytes={first.sent}-"
    assert second.status == 206 and second.sent == len(data) - first.sent
    assert leftovers(dest) == [dest]


def test_resumes_existing_part_file(served, tmp_path):
    server, data = served
    dest = tmp_path / "dump.bz2"
    (tmp_path / "dump.bz2.part").write_bytes(data[:MiB])
    download(server.url("dump.bz2"), dest, checksums=sums(data), **FAST)
    assert dest.read_bytes() == data
    assert [(r.range, r.status, r.sent) for r in server.requests] == [(f"bytes={MiB}-", 206, len(data) - MiB)]


def test_complete_part_file_answered_416(served, tmp_path):
    server, data = served
    dest = tmp_path / "dump.bz2"
    (tmp_path / "dump.bz2.part").write_bytes(data)
    download(server.url("dump.bz2"), dest, expected_size=len(data), checksums=sums(data), **FAST)
    assert dest.read_bytes() == data
    assert [(r.range, r.status) for r in server.requests] == [(f"bytes={len(data)}-", 416)]


def test_checksum_mismatch_removes_everything(served, tmp_path):
    server, data = served
    dest = tmp_path / "dump.bz2"
    url = server.url("dump.bz2")
    wrong = hashlib.sha1(b"not the file").hexdigest()
    with pytest.raises(DownloadError) as info:
        download(url, dest, checksums={"sha1": wrong.upper()}, **FAST)
    message = str(info.value)
    assert url in message and "sha1" in message
    assert wrong in message and hashlib.sha1(data).hexdigest() in message
    assert leftovers(dest) == []


def test_size_mismatch_names_both_sizes(served, tmp_path):
    server, data = served
    dest = tmp_path / "dump.bz2"
    url = server.url("dump.bz2")
    with pytest.raises(DownloadError) as info:
        download(url, dest, expected_size=len(data) + 1000, **FAST)
    message = str(info.value)
    assert url in message and str(len(data) + 1000) in message and str(len(data)) in message
    assert leftovers(dest) == []


def test_404_fails_without_retrying(served, tmp_path):
    server, _ = served
    url = server.url("missing.bz2")
    started = time.monotonic()
    with pytest.raises(DownloadError, match="404") as info:
        download(url, tmp_path / "missing.bz2", retries=5, backoff=1.0)
    assert url in str(info.value)
    assert time.monotonic() - started < 1.0
    assert len(server.requests) == 1
    assert leftovers(tmp_path / "missing.bz2") == []


def test_server_ignoring_range_restarts_from_zero(served, tmp_path):
    server, data = served
    server.ignore_range = True
    dest = tmp_path / "dump.bz2"
    (tmp_path / "dump.bz2.part").write_bytes(b"\0" * (MiB // 2))
    download(server.url("dump.bz2"), dest, expected_size=len(data), checksums=sums(data), **FAST)
    assert dest.read_bytes() == data
    assert [(r.range, r.status) for r in server.requests] == [(f"bytes={MiB // 2}-", 200)]


def test_existing_verified_dest_is_not_downloaded(served, tmp_path):
    server, data = served
    dest = tmp_path / "dump.bz2"
    dest.write_bytes(data)
    result = download(server.url("dump.bz2"), dest, expected_size=len(data), checksums=sums(data), **FAST)
    assert result == dest and dest.read_bytes() == data
    assert server.requests == []


def test_server_errors_are_retried(served, tmp_path):
    server, data = served
    server.fail_statuses = [503, 429]
    dest = tmp_path / "dump.bz2"
    download(server.url("dump.bz2"), dest, checksums=sums(data), **FAST)
    assert dest.read_bytes() == data
    assert [r.status for r in server.requests] == [503, 429, 200]


def test_gives_up_after_last_retry_keeping_part(served, tmp_path):
    server, data = served
    server.fail_statuses = [503] * 3
    dest = tmp_path / "dump.bz2"
    part = tmp_path / "dump.bz2.part"
    part.write_bytes(data[:MiB])
    url = server.url("dump.bz2")
    with pytest.raises(DownloadError) as info:
        download(url, dest, expected_size=len(data), retries=2, **FAST)
    message = str(info.value)
    assert url in message and f"received {MiB} of {len(data)} bytes" in message
    assert len(server.requests) == 3
    assert part.read_bytes() == data[:MiB] and not dest.exists()


def test_fetch_text(served):
    server, _ = served
    listing = "0123abcd  enwiki-20250101-pages-articles-multistream1.xml-p1p41242.bz2\n"
    (server.root / "sha1sums.txt").write_text(listing, encoding="utf-8")
    assert fetch_text(server.url("sha1sums.txt"), **FAST) == listing
    assert server.requests[0].status == 200


def test_fetch_text_404_is_not_retried(served):
    server, _ = served
    url = server.url("nope.txt")
    with pytest.raises(DownloadError, match="404") as info:
        fetch_text(url, retries=5, backoff=1.0)
    assert url in str(info.value)
    assert len(server.requests) == 1
