"""A real HTTP file server on 127.0.0.1 for download tests, with switches to misbehave.

It serves files from one directory with single-range Range support (206 / 416) and always sets
Content-Length, like the Wikimedia mirrors. Tests flip `cut_after`, `ignore_range` or
`fail_statuses` to reproduce dropped connections, servers without Range support and 5xx errors,
fill `refused` to refuse one URL for good, fill `endless` or `drip` to play a hostile mirror (an
endless body or listing, a slow drip), fill `delay` to make transfers last, and read `requests` to
see what the client actually asked for (its User-Agent included) and `most_open` for the most
connections it held open at once.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlparse


@dataclass
class SeenRequest:
    """One GET as the server saw it, and what it answered."""

    path: str
    range: str | None
    user_agent: str | None = None
    status: int | None = None
    sent: int = 0  # body bytes written
    hung_up: bool = False  # the client closed the connection before the body ended
    # set when the server is done with it: a client can return before the handler records its answer
    answered: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - quiet test output
        pass

    def do_GET(self):
        files = self.server.files
        name = unquote(urlparse(self.path).path).lstrip("/")
        seen = SeenRequest(name, self.headers.get("Range"), self.headers.get("User-Agent"))
        with files.lock:
            files.seen.append(seen)
            status = files.fail_statuses.pop(0) if files.fail_statuses else files.refused.get(name)
        try:
            self._answer(seen, name, status)
        finally:
            seen.answered.set()

    def _answer(self, seen: SeenRequest, name: str, status: int | None) -> None:
        files = self.server.files
        if status is not None:
            return self._empty(seen, status)
        if name in files.endless:
            return self._endless(seen, files.endless[name])
        path = (files.root / name).resolve()
        if not path.is_file() or files.root not in path.parents:
            return self._empty(seen, 404)
        data = path.read_bytes()
        start, end, status = 0, len(data), 200
        requested = (
            seen.range
            and not files.ignore_range
            and re.fullmatch(r"bytes=(\d*)-(\d*)", seen.range.strip())
        )
        if requested:
            first, last = requested.groups()
            if first:
                start = int(first)
                if last:
                    end = min(int(last) + 1, len(data))
            elif last:
                start = max(len(data) - int(last), 0)
            if start >= len(data) or start >= end:
                return self._empty(seen, 416, {"Content-Range": f"bytes */{len(data)}"})
            status = 206
        body = data[start:end]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "none" if files.ignore_range else "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{len(data)}")
        self.end_headers()
        seen.status = status
        if name in files.delay:
            self.wfile.flush()
            files.stopping.wait(files.delay[name])
        with files.lock:
            cut, files.cut_after = files.cut_after, None
        if cut is not None:
            body = body[:cut]
            self.close_connection = True
        if name in files.drip:
            return self._drip(seen, body, files.drip[name])
        self.wfile.write(body)
        self.wfile.flush()
        seen.sent = len(body)

    def _endless(self, seen: SeenRequest, pattern: bytes) -> None:
        """200 without a Content-Length and `pattern` repeated until the client hangs up (the body
        ends with the connection), or until files.safety_bytes, so that a client without limits
        still finishes."""
        files = self.server.files
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        seen.status = 200
        self.close_connection = True
        chunk = pattern * max(1, (64 << 10) // len(pattern))
        while seen.sent < files.safety_bytes and not files.stopping.is_set():
            if not self._send(seen, chunk[: files.safety_bytes - seen.sent]):
                return

    def _drip(self, seen: SeenRequest, body: bytes, interval: float) -> None:
        """The body one byte every `interval` seconds, for at most files.safety_seconds."""
        files = self.server.files
        self.close_connection = True
        ends = time.monotonic() + files.safety_seconds
        for index in range(len(body)):
            if time.monotonic() > ends or not self._send(seen, body[index : index + 1]):
                return
            if files.stopping.wait(interval):
                return

    def _send(self, seen: SeenRequest, data: bytes) -> bool:
        """Write data; False once the client has hung up."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            seen.hung_up = True
            return False
        seen.sent += len(data)
        return True

    def _empty(self, seen: SeenRequest, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()
        seen.status = status


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    files: FileServer

    def process_request_thread(self, request, client_address):
        """One connection, from its accept to its close, counted while it is open."""
        files = self.files
        with files.lock:
            files.open_connections += 1
            files.most_open = max(files.most_open, files.open_connections)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with files.lock:
                files.open_connections -= 1


class FileServer:
    """Serve `root` on 127.0.0.1:<free port> while the `with` block runs.

    cut_after: the next GET sends full headers but only this many body bytes, then closes.
    ignore_range: answer every GET with 200 and the whole file, as servers without Range do.
    fail_statuses: status codes to answer the next GETs with, one per request, before serving.
    refused: name -> status code: every GET of that name gets it (a proxy refusing one URL, while
        the other files are served).
    endless: name -> pattern: GETs of that name get 200 with no Content-Length and the pattern
        repeated until the client hangs up (or safety_bytes): an endless body or listing.
    drip: name -> seconds: GETs of that (existing) file get its bytes one every so many seconds
        (for at most safety_seconds), the Content-Length announcing them all: a slow drip.
    delay: name -> seconds: GETs of that (existing) file wait this long between the headers and
        the body, so that transfers overlap in time.
    requests: every GET seen, in order, once answered.
    most_open: the most client connections open at the same time so far.
    """

    def __init__(self, root):
        self.root = Path(root).resolve()
        self.cut_after: int | None = None
        self.ignore_range = False
        self.fail_statuses: list[int] = []
        self.refused: dict[str, int] = {}
        self.endless: dict[str, bytes] = {}
        self.drip: dict[str, float] = {}
        self.delay: dict[str, float] = {}
        self.open_connections = 0
        self.most_open = 0
        self.safety_bytes = (
            256 << 20
        )  # bounds what a client without limits takes of an endless body
        self.safety_seconds = 30.0  # ... and how long one drip lasts
        self.stopping = threading.Event()
        self.seen: list[SeenRequest] = []
        self.lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def requests(self) -> list[SeenRequest]:
        """Every GET seen, in order, each once the server has finished answering it."""
        with self.lock:
            seen = list(self.seen)
        for request in seen:
            request.answered.wait(timeout=self.safety_seconds + 5)
        return seen

    def url(self, name: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/{quote(name)}"

    def __enter__(self) -> FileServer:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.files = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
