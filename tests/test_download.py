"""download.py against a real local HTTP server: resume, retry, verification and cleanup."""

from __future__ import annotations

import functools
import hashlib
import logging
import sys
import time
import tracemalloc
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from http_server import FileServer

from qwemflow.download import (  # noqa: E402
    PROJECT_URL_LABELS,
    DownloadError,
    download,
    download_options,
    fetch_text,
    file_digest,
    user_agent,
)
from qwemflow.sources import enwiki_manifest  # noqa: E402

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
    result = download(
        server.url("dump.bz2"), dest, expected_size=len(data), checksums=sums(data), **FAST
    )
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
    assert [(r.range, r.status, r.sent) for r in server.requests] == [
        (f"bytes={MiB}-", 206, len(data) - MiB)
    ]


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
    result = download(
        server.url("dump.bz2"), dest, expected_size=len(data), checksums=sums(data), **FAST
    )
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


# Bounded intake (issue 15): a hostile mirror may send an endless body, an endless listing or a
# slow drip. Each must end with an error naming the URL and the limit, having taken in far less
# than was offered, well within HANG (a hang detector, not a speed target).
HANG = 60.0
LISTING_LINE = b"0123456789abcdef0123456789abcdef  enwiki-20250101-pages-articles-multistream1.xml-p1p41242.bz2\n"


def hung_up(request, wait: float = 5.0) -> bool:
    """Whether the client closed the connection (the server notices within `wait` seconds)."""
    ends = time.monotonic() + wait
    while not request.hung_up and time.monotonic() < ends:
        time.sleep(0.05)
    return request.hung_up


@pytest.mark.parametrize("limit", ["expected_size", "max_bytes"])
def test_endless_body_stops_at_the_cap(served, tmp_path, limit):
    """Item 1: the cap (the expected size, else max_bytes) is enforced while streaming, the .part
    goes, and the violation is not retried."""
    server, _ = served
    server.endless["text8.zip"] = b"endless body "
    server.safety_bytes = 64 * MiB  # what a client without a cap would take in
    url, dest, cap = server.url("text8.zip"), tmp_path / "text8.zip", MiB
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        download(url, dest, retries=3, **{limit: cap}, **FAST)
    assert time.monotonic() - started < HANG
    message = str(info.value)
    assert url in message and f"limit of {cap} bytes" in message
    received = int(message.split("stopped at ")[1].split()[0])
    assert cap < received <= cap + MiB  # one block past the cap at most, none of it written
    assert leftovers(dest) == []
    assert len(server.requests) == 1
    assert hung_up(server.requests[0]) and server.requests[0].sent < server.safety_bytes / 4


def test_announced_size_over_the_cap_is_refused_before_the_body(served, tmp_path):
    server, data = served
    url, dest = server.url("dump.bz2"), tmp_path / "dump.bz2"
    with pytest.raises(DownloadError) as info:
        download(url, dest, max_bytes=MiB, retries=3, **FAST)
    message = str(info.value)
    assert (
        url in message
        and f"announces {len(data)} bytes, more than the limit of {MiB} bytes" in message
    )
    assert "download.max_file_gb" in message
    assert leftovers(dest) == [] and len(server.requests) == 1


def test_endless_checksum_listing_stops_at_the_cap(served):
    """Item 2: a listing is read with a small cap, in memory that stays far below what is served."""
    server, _ = served
    server.endless["enwiki/latest/enwiki-latest-md5sums.txt"] = LISTING_LINE
    server.safety_bytes = 64 * MiB
    url, cap = server.url("enwiki/latest/enwiki-latest-md5sums.txt"), 64 << 10
    fetch = functools.partial(fetch_text, max_bytes=cap, retries=3, **FAST)
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(DownloadError) as info:
            enwiki_manifest(server.url("").rstrip("/"), "latest", 1, fetch=fetch)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < HANG
    message = str(info.value)
    assert (
        url in message
        and f"limit of {cap} bytes" in message
        and "download.max_listing_mb" in message
    )
    assert peak < 4 * MiB
    assert len(server.requests) == 1
    assert hung_up(server.requests[0]) and server.requests[0].sent < server.safety_bytes / 4


def test_slow_drip_hits_the_deadline_logging_progress(served, tmp_path, caplog):
    """Item 3: a drip of a byte every 0.2 s, each read well within the per-read timeout, ends at
    the overall deadline (not retried; the .part kept for a later resume), with progress lines."""
    server, data = served
    server.drip["dump.bz2"] = 0.2
    server.safety_seconds = 20.0
    url, dest = server.url("dump.bz2"), tmp_path / "dump.bz2"
    started = time.monotonic()
    with (
        caplog.at_level(logging.INFO, logger="qwemflow.download"),
        pytest.raises(DownloadError) as info,
    ):
        download(
            url,
            dest,
            expected_size=len(data),
            deadline=2.0,
            min_rate=0,
            progress_seconds=0.5,
            retries=3,
            **FAST,
        )
    elapsed = time.monotonic() - started
    assert 2.0 <= elapsed < HANG
    message = str(info.value)
    assert url in message and "deadline of 2 s" in message
    received = int(message.split(" with ")[1].split()[0])
    assert 0 < received < 100 and f"{received} bytes received" in message
    progress = [
        r.getMessage()
        for r in caplog.records
        if r.getMessage().startswith(f"{url}: ") and "/s" in r.getMessage()
    ]
    assert len(progress) >= 2, caplog.text
    assert not dest.exists() and (tmp_path / "dump.bz2.part").read_bytes() == data[:received]
    assert len(server.requests) == 1


def test_slow_drip_below_the_minimum_rate_resumes_then_gives_up(served, tmp_path):
    """Item 3: under min_rate bytes/s over a rate_window, an attempt fails and is retried
    (resuming), up to the retry limit."""
    server, data = served
    server.drip["dump.bz2"] = 0.2
    server.safety_seconds = 20.0
    url, dest = server.url("dump.bz2"), tmp_path / "dump.bz2"
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        download(
            url, dest, expected_size=len(data), min_rate=1000, rate_window=1.0, retries=1, **FAST
        )
    assert time.monotonic() - started < HANG
    message = str(info.value)
    assert url in message and "minimum rate of 1000 bytes/s over 1 s" in message
    received = (tmp_path / "dump.bz2.part").stat().st_size
    assert 0 < received < 100 and f"received {received} of {len(data)} bytes" in message
    first, second = server.requests
    assert first.range is None and second.range.startswith("bytes=")
    assert 0 < int(second.range[6:-1]) <= first.sent and second.status == 206


def test_download_options_from_the_config_block():
    settings = {
        "retries": 2,
        "backoff_seconds": 1,
        "timeout_seconds": 30,
        "max_file_gb": 0.5,
        "max_listing_mb": 2,
        "deadline_seconds": 600,
        "min_kb_per_second": 5,
        "rate_window_seconds": 30,
        "progress_seconds": 20,
        "contact": "ops@example.org",
    }
    assert download_options(settings) == {
        "retries": 2,
        "backoff": 1,
        "timeout": 30,
        "deadline": 600,
        "min_rate": 5000.0,
        "rate_window": 30,
        "max_bytes": 500_000_000,
        "progress_seconds": 20,
        "user_agent": user_agent("ops@example.org"),
    }
    listing = download_options(settings, "listing")
    assert listing["max_bytes"] == 2_000_000 and "progress_seconds" not in listing
    assert listing["user_agent"] == user_agent("ops@example.org")


def test_user_agent_names_the_tool_version_url_and_operator(served, tmp_path):
    """Wikimedia blocks a missing or generic User-Agent: every request (files and listings) says
    qwemflow/<version> (<project URL>; <operator contact>), the contact from download.contact."""
    server, data = served
    version = metadata.version("qwemflow")
    urls = dict(e.split(", ", 1) for e in metadata.metadata("qwemflow").get_all("Project-URL"))
    url = next(urls[label] for label in PROJECT_URL_LABELS if label in urls)
    options = download_options({"contact": "ops@example.org", "backoff_seconds": 0.01})
    download(server.url("dump.bz2"), tmp_path / "dump.bz2", checksums=sums(data), **options)
    (server.root / "sums.txt").write_text("listing\n")
    fetch_text(
        server.url("sums.txt"), **download_options({"contact": "ops@example.org"}, "listing")
    )
    agents = {request.user_agent for request in server.requests}
    assert agents == {
        f"qwemflow/{version} ({url}; ops@example.org) Python-urllib/3.{sys.version_info.minor}"
    }
    assert user_agent("") == f"qwemflow/{version} ({url}) Python-urllib/3.{sys.version_info.minor}"
    with pytest.raises(ValueError, match="line breaks"):
        user_agent("ops@example.org\r\nX-Injected: 1")
