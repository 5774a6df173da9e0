"""Resumable, verified HTTP downloads for multi-gigabyte corpus files.

Dump files are large and mirrors drop connections, so a transfer streams into `<dest>.part`,
resumes it with a Range request after a failure, and only becomes `dest` (by an atomic rename)
once its size and published checksums match. Only the standard library is used so the download
rules run in any environment the workflow creates.

What a transfer takes in is bounded while it streams (downloads run on a cluster's login node):
at most its expected size, else the size the server announces, else max_bytes, written to disk
(or, for listings, held in memory); an overall deadline over all attempts; and a minimum average
rate over each window of rate_window seconds. Progress is logged every progress_seconds while
bytes arrive, however few.

Every request carries a User-Agent that names the tool, its version and where to find it, and the
operator's contact from the config (download.contact), as Wikimedia's User-Agent policy requires
of automated clients (https://meta.wikimedia.org/wiki/User-Agent_policy); dumps.wikimedia.org
blocks requests with a missing or generic one.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger(__name__)

BLOCK = 1 << 20
ALGORITHMS = ("md5", "sha1", "sha256")
PROGRESS_STEP = 5.0  # percent
PROGRESS_SECONDS = 10.0
# Defaults of the config's download block (config.yaml, workflow/schemas/config.schema.yaml).
MAX_FILE_BYTES = 32 * 10**9  # a file of unknown size; also the most a server may announce
MAX_LISTING_BYTES = 4 * 10**6  # a checksum listing, read into memory (enwiki's are ~100 kB)
DEADLINE_SECONDS = 12 * 3600.0  # one file or listing, all retries included
MIN_RATE = 10_000.0  # bytes/s, averaged over RATE_WINDOW seconds; 0 turns the check off
RATE_WINDOW = 120.0
LISTING_BLOCK = 1 << 16

T = TypeVar("T")


# The package's project URLs (pyproject.toml, [project.urls]) that may name the workflow in the
# User-Agent, the first present wins.
PROJECT_URL_LABELS = ("Repository", "Source", "Homepage", "Paper")


@cache
def package_version() -> str:
    """The installed qwemflow's version (its package metadata), else the source's __version__."""
    try:
        return metadata.version("qwemflow")
    except metadata.PackageNotFoundError:
        from . import __version__

        return __version__


@cache
def project_url() -> str:
    """The URL that identifies the workflow: the first of PROJECT_URL_LABELS in the installed
    package's metadata, or "" when it has none of them."""
    try:
        entries = metadata.metadata("qwemflow").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ""
    urls = dict(entry.split(", ", 1) for entry in entries if ", " in entry)
    return next((urls[label] for label in PROJECT_URL_LABELS if label in urls), "")


def user_agent(contact: str = "") -> str:
    """The User-Agent of every request, in the form Wikimedia's policy asks for:
    `qwemflow/<version> (<project URL>; <operator contact>) Python-urllib/<version>`; contact is
    the config's download.contact (an e-mail address or a web page), left out when empty."""
    if any(character in contact for character in "\r\n()"):
        raise ValueError(f"download.contact {contact!r}: no line breaks or parentheses")
    details = "; ".join(part for part in (project_url(), contact.strip()) if part)
    python = f"Python-urllib/{sys.version_info.major}.{sys.version_info.minor}"
    return " ".join(
        part
        for part in (f"qwemflow/{package_version()}", details and f"({details})", python)
        if part
    )


USER_AGENT = user_agent()  # without an operator contact


class DownloadError(RuntimeError):
    """A download that failed for good: after all retries, on a client error or a bad file."""


class UnreachableError(DownloadError):
    """The server could not be reached or kept failing through every retry (offline, say),
    as opposed to answering with an error or a bad file."""


class ChecksumMismatch(DownloadError):
    """A file that arrived whole but is not the one published: the wrong size or digest."""


class LimitExceeded(DownloadError):
    """A transfer stopped by a limit on what it may take in (bytes or time); not retried."""


class _Transient(Exception):
    """A failure worth retrying: the next attempt may succeed (and resume)."""


def download_options(settings: dict, kind: str = "file") -> dict:
    """Keyword arguments of download() (kind "file") or fetch_text() (kind "listing") from the
    config's download block; keys it lacks keep their defaults."""
    options = {
        "retries": settings.get("retries", 5),
        "backoff": settings.get("backoff_seconds", 2.0),
        "timeout": settings.get("timeout_seconds", 60.0),
        "deadline": settings.get("deadline_seconds", DEADLINE_SECONDS),
        "min_rate": 1000.0 * settings.get("min_kb_per_second", MIN_RATE / 1000.0),
        "rate_window": settings.get("rate_window_seconds", RATE_WINDOW),
        "user_agent": user_agent(settings.get("contact") or ""),
    }
    if kind == "file":
        options["max_bytes"] = int(1e9 * settings.get("max_file_gb", MAX_FILE_BYTES / 1e9))
        options["progress_seconds"] = settings.get("progress_seconds", PROGRESS_SECONDS)
    elif kind == "listing":
        options["max_bytes"] = int(1e6 * settings.get("max_listing_mb", MAX_LISTING_BYTES / 1e6))
    else:
        raise ValueError(f"unknown download kind {kind!r}; use 'file' or 'listing'")
    return options


def _size(n: float) -> str:
    """A byte count for log lines: exact below a kilobyte, else in kB, MB or GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


class _Clock:
    """The time limits of one download: an overall deadline from its start, over every attempt,
    and a minimum average rate over each window of rate_window seconds (checked per attempt)."""

    def __init__(self, url: str, deadline: float, min_rate: float, rate_window: float):
        self.url, self.deadline, self.min_rate, self.rate_window = (
            url,
            deadline,
            min_rate,
            rate_window,
        )
        self.started = time.monotonic()

    def remaining(self) -> float:
        return self.started + self.deadline - time.monotonic()

    def socket_timeout(self, timeout: float) -> float:
        """A blocked connect or read never outlasts the deadline."""
        return max(min(timeout, self.remaining()), 0.01)

    def check(self, received: int) -> None:
        """Raise LimitExceeded once the deadline has passed."""
        if self.remaining() <= 0:
            raise LimitExceeded(
                f"{self.url}: deadline of {self.deadline:g} s (download.deadline_seconds) passed after "
                f"{time.monotonic() - self.started:.1f} s with {received} bytes received"
            )

    def window(self, received: int) -> _RateWindow:
        return _RateWindow(self, received)


class _RateWindow:
    """Fails an attempt (retryably: the next connection may be faster) when fewer than
    min_rate * rate_window bytes arrive in a window of rate_window seconds."""

    def __init__(self, clock: _Clock, received: int):
        self.clock = clock
        self.start, self.start_bytes = time.monotonic(), received

    def check(self, received: int) -> None:
        clock, now = self.clock, time.monotonic()
        elapsed = now - self.start
        if clock.min_rate <= 0 or elapsed < clock.rate_window:
            return
        got = received - self.start_bytes
        if got < clock.min_rate * elapsed:
            raise _Transient(
                f"slower than the minimum rate of {clock.min_rate:g} bytes/s over {clock.rate_window:g} s "
                f"(download.min_kb_per_second, download.rate_window_seconds): {got} bytes in the last "
                f"{elapsed:.1f} s, {received} bytes received"
            )
        self.start, self.start_bytes = now, received


def file_digest(path, algorithm: str) -> str:
    """Hex digest of a file, streamed in 1 MiB blocks so multi-GB files need no memory."""
    if algorithm not in ALGORITHMS:
        raise ValueError(
            f"unsupported checksum algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}"
        )
    digest = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _open(url: str, timeout: float, headers: dict[str, str] | None = None, agent: str = USER_AGENT):
    """The response to a GET; retryable failures become _Transient, other HTTP errors propagate."""
    request = urllib.request.Request(url, headers={"User-Agent": agent, **(headers or {})})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            exc.close()
            raise _Transient(f"HTTP {exc.code} {exc.reason}") from exc
        raise
    except (OSError, http.client.HTTPException) as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc


def _read(response, size: int) -> bytes:
    """What has arrived of the body, up to size bytes (b"" at its end), without waiting for a full
    block, so that limits and progress are checked however slowly bytes come; network failures
    mid-body are retryable."""
    try:
        return response.read1(size)
    except (OSError, http.client.HTTPException) as exc:
        raise _Transient(f"{type(exc).__name__}: {exc}") from exc


def _retrying(
    url: str,
    attempt: Callable[[], T],
    *,
    retries: int,
    backoff: float,
    log: logging.Logger,
    state: Callable[[], str] = lambda: "",
    clock: _Clock | None = None,
) -> T:
    """Run attempt() until it stops raising _Transient, sleeping backoff * 2**n before retry n+1
    (never past the clock's deadline, which the next attempt then reports)."""
    n = 0
    while True:
        try:
            return attempt()
        except _Transient as exc:
            if n == retries:
                raise UnreachableError(
                    f"{url}: giving up after {retries} retries ({exc}){state()}"
                ) from exc
            delay = backoff * 2**n
            if clock is not None:
                delay = max(min(delay, clock.remaining()), 0.0)
            log.warning("%s: %s; retry %d/%d in %.2f s", url, exc, n + 1, retries, delay)
            time.sleep(delay)
            n += 1


def fetch_text(
    url: str,
    *,
    timeout: float = 60.0,
    retries: int = 5,
    backoff: float = 1.0,
    max_bytes: int = MAX_LISTING_BYTES,
    deadline: float = DEADLINE_SECONDS,
    min_rate: float = MIN_RATE,
    rate_window: float = RATE_WINDOW,
    user_agent: str = USER_AGENT,
) -> str:
    """GET a small text resource (e.g. a checksum listing) with the download retry policy, held in
    memory: more than max_bytes, announced or received, is a LimitExceeded naming the URL."""
    clock = _Clock(url, deadline, min_rate, rate_window)

    def attempt() -> str:
        clock.check(0)
        try:
            response = _open(url, clock.socket_timeout(timeout), agent=user_agent)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        with response:
            length = response.headers.get("Content-Length")
            length = int(length) if length is not None else None
            if length is not None and length > max_bytes:
                raise LimitExceeded(
                    f"{url}: announces {length} bytes, more than the limit of {max_bytes} bytes for a listing "
                    "(download.max_listing_mb)"
                )
            data, window = bytearray(), clock.window(0)
            while block := _read(response, LISTING_BLOCK):
                if len(data) + len(block) > max_bytes:
                    raise LimitExceeded(
                        f"{url}: larger than the limit of {max_bytes} bytes for a listing (download.max_listing_mb): "
                        f"stopped at {len(data) + len(block)} bytes"
                    )
                data += block
                clock.check(len(data))
                window.check(len(data))
        if length is not None and len(data) < length:
            raise _Transient(f"connection closed after {len(data)} of {length} bytes")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DownloadError(f"{url}: not UTF-8 text ({exc})") from exc

    return _retrying(url, attempt, retries=retries, backoff=backoff, log=logger, clock=clock)


def _verify(url: str, path: Path, expected_size: int | None, checksums: dict[str, str]) -> None:
    """Raise DownloadError unless path has the expected size and every expected digest."""
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise ChecksumMismatch(
            f"{url}: size mismatch: expected {expected_size} bytes, got {size} bytes"
        )
    for algorithm, expected in checksums.items():
        actual = file_digest(path, algorithm)
        if actual != expected:
            raise ChecksumMismatch(
                f"{url}: {algorithm} mismatch: expected {expected}, got {actual}"
            )


class _Progress:
    """Progress lines at most every PROGRESS_STEP percent or every `seconds`, whichever first, so
    a slow transfer keeps logging as long as any bytes arrive."""

    def __init__(
        self,
        log: logging.Logger,
        url: str,
        done: int,
        total: int | None,
        seconds: float = PROGRESS_SECONDS,
    ):
        self.log, self.url, self.done, self.total, self.seconds = log, url, done, total, seconds
        self.started = self.last_time = time.monotonic()
        self.first = done
        self.last_percent = self._percent()

    def _percent(self) -> float:
        return 100.0 * self.done / self.total if self.total else 0.0

    def _rate(self) -> float:
        return (self.done - self.first) / max(time.monotonic() - self.started, 1e-9)

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        percent = self._percent()
        if percent - self.last_percent >= PROGRESS_STEP or now - self.last_time >= self.seconds:
            self.last_percent, self.last_time = percent, now
            of = f" of {_size(self.total)} ({percent:.0f}%)" if self.total else ""
            self.log.info("%s: %s%s at %s/s", self.url, _size(self.done), of, _size(self._rate()))

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        self.log.info(
            "%s: transfer ended at %s in %.1f s (%s/s)",
            self.url,
            _size(self.done),
            elapsed,
            _size(self._rate()),
        )


_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


class _Transfer:
    """One file's transfer into its .part file, one HTTP request per attempt."""

    def __init__(
        self,
        url: str,
        part: Path,
        expected_size: int | None,
        timeout: float,
        log: logging.Logger,
        *,
        max_bytes: int = MAX_FILE_BYTES,
        clock: _Clock | None = None,
        progress_seconds: float = PROGRESS_SECONDS,
        user_agent: str = USER_AGENT,
    ):
        self.url, self.part, self.timeout, self.log = url, part, timeout, log
        self.user_agent = user_agent
        self.expected, self.max_bytes, self.progress_seconds = (
            expected_size,
            max_bytes,
            progress_seconds,
        )
        self.clock = clock or _Clock(url, DEADLINE_SECONDS, MIN_RATE, RATE_WINDOW)
        self.total = expected_size  # what the server reports when the caller gave no size

    def cap(self) -> tuple[int, str]:
        """The most the .part may hold, and where that limit comes from."""
        if self.expected is not None:
            return self.expected, "the expected size"
        if self.total is not None:
            return self.total, "the size the server announced"
        return self.max_bytes, "download.max_file_gb"

    def _over(self, received: int, announced: bool = False) -> LimitExceeded:
        """The error for a body over the cap; the .part, whose contents cannot be trusted, goes."""
        self.part.unlink(missing_ok=True)
        cap, source = self.cap()
        if announced:
            return LimitExceeded(
                f"{self.url}: announces {received} bytes, more than the limit of {cap} bytes ({source})"
            )
        return LimitExceeded(
            f"{self.url}: more than the limit of {cap} bytes ({source}): stopped at {received} bytes, {self.part.name} removed"
        )

    def received(self) -> int:
        return self.part.stat().st_size if self.part.exists() else 0

    def state(self) -> str:
        total = "an unknown number of" if self.total is None else self.total
        return f"; received {self.received()} of {total} bytes"

    def attempt(self) -> None:
        offset = self.received()
        self.clock.check(offset)
        if offset > self.cap()[0]:
            self.log.warning("%s: %s is larger than the file; starting over", self.url, self.part)
            offset = 0
            self.part.write_bytes(b"")
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            response = _open(
                self.url, self.clock.socket_timeout(self.timeout), headers, self.user_agent
            )
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
            cap = self.cap()[0]
            progress = _Progress(self.log, self.url, offset, self.total, self.progress_seconds)
            window = self.clock.window(offset)
            body = 0
            with open(self.part, mode) as fh:
                while block := _read(response, BLOCK):
                    if offset + body + len(block) > cap:
                        fh.close()
                        raise self._over(offset + body + len(block))
                    fh.write(block)
                    body += len(block)
                    progress.update(len(block))
                    self.clock.check(offset + body)
                    window.check(offset + body)
            progress.finish()
        if length is not None and body < length:
            raise _Transient(f"connection closed after {body} of {length} body bytes")

    def _start(self, response, offset: int) -> str:
        """The .part open mode for this response: append to a matching 206, rewrite on a 200."""
        if response.status == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
            if not match or int(match.group(1)) != offset:
                self.part.write_bytes(b"")
                raise _Transient(
                    f"Content-Range {response.headers.get('Content-Range')!r} does not resume at {offset}"
                )
            if match.group(3) != "*":
                self._learn_total(int(match.group(3)))
                if int(match.group(3)) > self.cap()[0]:
                    raise self._over(int(match.group(3)), announced=True)
            self.log.info("%s: resuming at %s", self.url, _size(offset))
            return "ab"
        if response.status == 200:
            if offset:
                self.log.info("%s: server ignored the Range request; starting over", self.url)
            length = response.headers.get("Content-Length")
            if length is not None:
                self._learn_total(int(length))
                if int(length) > self.cap()[0]:
                    raise self._over(int(length), announced=True)
            self.log.info("%s: downloading to %s", self.url, self.part)
            return "wb"
        raise DownloadError(f"{self.url}: unexpected HTTP {response.status} {response.reason}")

    def _learn_total(self, total: int) -> None:
        if self.total is None and total <= self.max_bytes:
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
    max_bytes: int = MAX_FILE_BYTES,
    deadline: float = DEADLINE_SECONDS,
    min_rate: float = MIN_RATE,
    rate_window: float = RATE_WINDOW,
    progress_seconds: float = PROGRESS_SECONDS,
    user_agent: str = USER_AGENT,
    log=None,
) -> Path:
    """Download url to dest, resuming, retrying and verifying; dest appears only when verified.

    At most expected_size bytes are taken in, else the size the server announces, which may not
    exceed max_bytes; more is a LimitExceeded (not retried) that removes the .part. The whole
    download, retries included, must end within deadline seconds (LimitExceeded, the .part kept for
    a later resume), and each attempt must average min_rate bytes/s over every rate_window seconds
    (retried, resuming)."""
    log = log or logger
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    checksums = {
        algorithm.lower(): digest.lower() for algorithm, digest in (checksums or {}).items()
    }
    for algorithm in checksums:
        if algorithm not in ALGORITHMS:
            raise ValueError(
                f"unsupported checksum algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}"
            )
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
    clock = _Clock(url, deadline, min_rate, rate_window)
    transfer = _Transfer(
        url,
        part,
        expected_size,
        timeout,
        log,
        max_bytes=max_bytes,
        clock=clock,
        progress_seconds=progress_seconds,
        user_agent=user_agent,
    )
    log.info("%s: start -> %s", url, dest)
    _retrying(
        url,
        transfer.attempt,
        retries=retries,
        backoff=backoff,
        log=log,
        state=transfer.state,
        clock=clock,
    )
    try:
        _verify(url, part, expected_size, checksums)
    except DownloadError:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, dest)
    log.info("%s: finished, %d bytes checked -> %s", url, dest.stat().st_size, dest)
    return dest
