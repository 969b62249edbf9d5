"""A local CSV feed that answers like a published spreadsheet export, with scriptable faults.

`CsvFeedSimulator` is an ASGI (Starlette) app serving `GET /feed.csv` with a strong ETag, a
Last-Modified date and 304 answers to matching conditional requests. Tests mount it in
`httpx.ASGITransport`; end-to-end tests serve it on a real socket with `serve_in_thread`.
It is thread-safe, because in the second case the server runs in another thread than the test.
"""

from __future__ import annotations

import csv
import hashlib
import io
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

FEED_PATH = "/feed.csv"


@dataclass(frozen=True)
class ScriptedFault:
    """One scripted answer: a status (with headers and body), or a truncated body."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncate: bool = False


class CsvFeedSimulator:
    """Serves one CSV document at `/feed.csv`; see the module docstring.

    Public API: `set_rows(header, rows)`, `set_text(str | bytes)`, `fail_next(status, times,
    headers, body)`, `truncate_next(times)`, `requests` (method, path, lower-cased headers),
    `etag`, `content_type` (settable), `path`.
    """

    def __init__(self, text: str | bytes = "email\n", content_type: str = "text/csv; charset=utf-8") -> None:
        self.path = FEED_PATH
        self.content_type = content_type
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._faults: deque[ScriptedFault | None] = deque()  # None: answered normally
        self._body = b""
        self._modified = datetime(2024, 1, 1, tzinfo=timezone.utc)
        self.set_text(text)
        self._app = Starlette(routes=[Route(FEED_PATH, self._serve_feed, methods=["GET"])])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    @property
    def etag(self) -> str:
        with self._lock:
            return _strong_etag(self._body)

    @property
    def last_modified(self) -> str:
        with self._lock:
            return format_datetime(self._modified, usegmt=True)

    def set_text(self, text: str | bytes) -> None:
        """Replaces the document; its Last-Modified moves forward only when the bytes change."""
        body = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        with self._lock:
            if body != self._body:
                # At least one second later: HTTP dates have second resolution, and two edits in
                # the same second must not look unchanged to If-Modified-Since.
                now = datetime.now(timezone.utc).replace(microsecond=0)
                self._modified = max(now, self._modified + timedelta(seconds=1))
                self._body = body

    def set_rows(self, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        """Replaces the document with a CSV (comma, CRLF as spreadsheets export) of these rows."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        self.set_text(buffer.getvalue())

    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None,
                  body: bytes = b"", after: int = 0) -> None:
        """The next `times` requests are answered with this status (e.g. 503, or 429 + Retry-After),
        once `after` requests have been answered normally."""
        fault = ScriptedFault(status=status, headers=dict(headers or {}), body=body)
        with self._lock:
            self._faults.extend([None] * after + [fault] * times)

    def truncate_next(self, times: int = 1) -> None:
        """The next `times` requests declare the full Content-Length but send half the body."""
        with self._lock:
            self._faults.extend([ScriptedFault(truncate=True)] * times)

    async def _serve_feed(self, request: Request) -> Response:
        with self._lock:
            self.requests.append((request.method, request.url.path, dict(request.headers)))
            fault = self._faults.popleft() if self._faults else None
            body, modified = self._body, self._modified
        if fault is not None and not fault.truncate:
            return Response(fault.body, status_code=fault.status, headers=fault.headers)
        headers = {"ETag": _strong_etag(body), "Last-Modified": format_datetime(modified, usegmt=True),
                   "Content-Type": self.content_type}
        if _not_modified(request, headers["ETag"], modified):
            return Response(status_code=304, headers={k: v for k, v in headers.items()
                                                      if k != "Content-Type"})
        if fault is not None:  # truncated: a Starlette Response keeps a Content-Length it is given
            headers["Content-Length"] = str(len(body))
            return Response(body[: len(body) // 2], headers=headers)
        return Response(body, headers=headers)


def _strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since only otherwise."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return modified <= since


@contextmanager
def serve_in_thread(app: ASGIApp, startup_timeout: float = 10.0) -> Iterator[str]:
    """Serves `app` with uvicorn on 127.0.0.1 (a free port) in a background thread.

    Yields the base URL (`http://127.0.0.1:PORT`); stops the server on exit. The socket is bound
    here, before the thread starts, so the port cannot be taken between choosing and binding it.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # h11 explicitly: it is the implementation that closes the connection on a short body.
    # log_config=None leaves the test process's logging configuration alone.
    config = uvicorn.Config(app, http="h11", lifespan="off", log_level="critical", log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_started(server, thread, startup_timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("The simulator server did not start.")
        time.sleep(0.01)
