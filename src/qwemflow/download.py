"""Resumable, verified HTTP downloads for multi-gigabyte corpus files.

Dump files are large and mirrors drop connections, so a transfer streams into `<dest>.part`,
resumes it with a Range request after a failure, and only becomes `dest` (by an atomic rename)
once its size and published checksums match. Only the standard library is used so the download
rules run in any environment the workflow creates.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, TypeVar

logger = logging.getLogger(__name__)

BLOCK = 1 << 20
MB = 1e6
# Wikimedia's robot policy asks clients to identify themselves.
USER_AGENT = "qwemflow (+reproducible word2vec workflow)"
ALGORITHMS = ("md5", "sha1", "sha256")
PROGRESS_STEP = 5.0  # percent
PROGRESS_SECONDS = 10.0

T = TypeVar("T")


class DownloadError(RuntimeError):
    """A download that failed for good: after all retries, on a client error or a bad file."""


class UnreachableError(DownloadError):
    """The server could not be reached or kept failing through every retry (offline, say),
    as opposed to answering with an error or a bad file."""


class _Transient(Exception):
    """A failure worth retrying: the next attempt may succeed (and resume)."""


def file_digest(path, algorithm: str) -> str:
    """Hex digest of a file, streamed in 1 MiB blocks so multi-GB files need no memory."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported checksum algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    digest = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _open(url: str, timeout: float, headers: dict[str, str] | None = None):
    """The response to a GET; retryable failures become _Transient, other HTTP errors propagate."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            exc.close()
            raise _Transient(f"HTTP {exc.code} {exc.reason}") from exc
        raise
    except (OSError, http.client.HTTPException) as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc


def _read(response, size: int | None) -> bytes:
    """One block of the body (all of it for None); network failures mid-body are retryable."""
    try:
        return response.read(size)
    except (OSError, http.client.HTTPException) as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc


def _retrying(
    url: str, attempt: Callable[[], T], *, retries: int, backoff: float, log: logging.Logger,
    state: Callable[[], str] = lambda: "",
) -> T:
    """Run attempt() until it stops raising _Transient, sleeping backoff * 2**n before retry n+1."""
    n = 0
    while True:
        try:
            return attempt()
        except _Transient as exc:
            if n == retries:
                raise UnreachableError(f"{url}: giving up after {retries} retries ({exc}){state()}") from exc
            delay = backoff * 2**n
            log.warning("%s: %s; retry %d/%d in %.2f s", url, exc, n + 1, retries, delay)
            time.sleep(delay)
            n += 1


def fetch_text(url: str, *, timeout: float = 60.0, retries: int = 5, backoff: float = 1.0) -> str:
    """GET a small text resource (e.g. a checksum listing) with the download retry policy."""

    def attempt() -> str:
        try:
            response = _open(url, timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        with response:
            return _read(response, None).decode("utf-8")

    return _retrying(url, attempt, retries=retries, backoff=backoff, log=logger)


def _verify(url: str, path: Path, expected_size: int | None, checksums: dict[str, str]) -> None:
    """Raise DownloadError unless path has the expected size and every expected digest."""
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise DownloadError(f"{url}: size mismatch: expected {expected_size} bytes, got {size} bytes")
    for algorithm, expected in checksums.items():
        actual = file_digest(path, algorithm)
        if actual != expected:
            raise DownloadError(f"{url}: {algorithm} mismatch: expected {expected}, got {actual}")


class _Progress:
    """Progress lines at most every PROGRESS_STEP percent or PROGRESS_SECONDS, whichever first."""

    def __init__(self, log: logging.Logger, url: str, done: int, total: int | None):
        self.log, self.url, self.done, self.total = log, url, done, total
        self.started = self.last_time = time.monotonic()
        self.first = done
        self.last_percent = self._percent()

    def _percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0

    def _rate(self) -> float:
        return (self.done - self.first) / MB / max(time.monotonic() - self.started, 1e-9)

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        percent = self._percent()
        if percent - self.last_percent >= PROGRESS_STEP or now - self.last_time >= PROGRESS_SECONDS:
            self.last_percent, self.last_time = percent, now
            of = f" of {self.total / MB:.1f} MB ({percent:.0f}%)" if self.total else ""
            self.log.info("%s: %.1f MB%s at %.2f MB/s", self.url, self.done / MB, of, self._rate())

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        self.log.info("%s: transfer ended at %.1f MB in %.1f s (%.2f MB/s)", self.url, self.done / MB, elapsed, self._rate())


_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


class _Transfer:
    """One file's transfer into its .part file, one HTTP request per attempt."""

    def __init__(self, url: str, part: Path, expected_size: int | None, timeout: float, log: logging.Logger):
        self.url, self.part, self.timeout, self.log = url, part, timeout, log
        self.total = expected_size  # what the server reports when the caller gave no size

    def received(self) -> int:
        return self.part.stat().st_size if self.part.exists() else 0

    def state(self) -> str:
        total = "an unknown number of" if self.total is None else self.total
        return f"; received {self.received()} of {total} bytes"

    def attempt(self) -> None:
        offset = self.received()
        if self.total is not None and offset > self.total:
            self.log.warning("%s: %s is larger than the file; starting over", self.url, self.part)
            offset = 0
            self.part.write_bytes(b"")
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            response = _open(self.url, self.timeout, headers)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 416 and offset:
                self._unsatisfiable(offset, exc.headers.get("Content-Range", ""))
                return
            raise DownloadError(f"{self.url}: HTTP {exc.code} {exc.reason}") from exc
        with response:
            mode = self._start(response, offset)
            if mode == "wb":
                offset = 0
            length = response.headers.get("Content-Length")
            length = int(length) if length is not None else None
            progress = _Progress(self.log, self.url, offset, self.total)
            body = 0
            with open(self.part, mode) as fh:
                while block := _read(response, BLOCK):
                    fh.write(block)
                    body += len(block)
                    progress.update(len(block))
            progress.finish()
        if length is not None and body < length:
            raise _Transient(f"connection closed after {body} of {length} body bytes")

    def _start(self, response, offset: int) -> str:
        """The .part open mode for this response: append to a matching 206, rewrite on a 200."""
        if response.status == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
            if not match or int(match.group(1)) != offset:
                self.part.write_bytes(b"")
                raise _Transient(f"Content-Range {response.headers.get('Content-Range')!r} does not resume at {offset}")
            if match.group(3) != "*":
                self._learn_total(int(match.group(3)))
            self.log.info("%s: resuming at %.1f MB", self.url, offset / MB)
            return "ab"
        if response.status == 200:
            if offset:
                self.log.info("%s: server ignored the Range request; starting over", self.url)
            length = response.headers.get("Content-Length")
            if length is not None:
                self._learn_total(int(length))
            self.log.info("%s: downloading to %s", self.url, self.part)
            return "wb"
        raise DownloadError(f"{self.url}: unexpected HTTP {response.status} {response.reason}")

    def _learn_total(self, total: int) -> None:
        if self.total is None:
            self.total = total

    def _unsatisfiable(self, offset: int, content_range: str) -> None:
        """A 416 means the .part is complete if it holds the whole file; otherwise start over."""
        match = re.fullmatch(r"bytes\s+\*/(\d+)", content_range.strip())
        if match:
            self._learn_total(int(match.group(1)))
        if self.total is not None and offset == self.total:
            self.log.info("%s: %s already holds all %d bytes", self.url, self.part, offset)
            return
        self.part.write_bytes(b"")
        raise _Transient(f"HTTP 416 for a .part of {offset} bytes; starting over")


def download(
    url: str,
    dest,
    *,
    expected_size: int | None = None,
    checksums: dict[str, str] | None = None,
    retries: int = 5,
    backoff: float = 1.0,
    timeout: float = 60.0,
    log=None,
) -> Path:
    """Download url to dest, resuming, retrying and verifying; dest appears only when verified."""
    log = log or logger
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    checksums = {algorithm.lower(): digest.lower() for algorithm, digest in (checksums or {}).items()}
    for algorithm in checksums:
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unsupported checksum algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    if dest.exists():
        try:
            _verify(url, dest, expected_size, checksums)
        except DownloadError as exc:
            log.warning("%s exists but fails verification (%s); downloading again", dest, exc)
            dest.unlink()
        else:
            log.info("%s: already present and verified, not downloading", dest)
            return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    transfer = _Transfer(url, part, expected_size, timeout, log)
    log.info("%s: start -> %s", url, dest)
    _retrying(url, transfer.attempt, retries=retries, backoff=backoff, log=log, state=transfer.state)
    try:
        _verify(url, part, expected_size, checksums)
    except DownloadError:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, dest)
    log.info("%s: finished, %d bytes checked -> %s", url, dest.stat().st_size, dest)
    return dest
