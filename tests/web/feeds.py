"""CSV feeds on a real socket for the browser tests: one `CsvFeedSimulator` per feed, by name.

`FeedServer.add(name, rows)` publishes a feed at `{base_url}/{name}/feed.csv`; `delay` slows every
answer of that feed (each page of a sync downloads the file again, so a slow feed makes a
first retrieval last long enough to watch its progress), and `failing(name, status)` publishes
one that always answers with an HTTP error. `held(name)` keeps a feed's answers waiting while a
block runs: a sync on it stays running for exactly as long as a test looks at the page. A name
nobody added answers 404.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.simulators.csv_feed import CsvFeedSimulator, serve_in_thread

HEADER = ["Email", "First name", "Last name", "Phone", "Plan", "Birthday"]
ALWAYS = 1_000_000  # "every request" for CsvFeedSimulator.fail_next


def people(count: int, domain: str, start: int = 0) -> list[list[str]]:
    """`count` distinct people at `domain`, with a custom column (Plan) and a date (Birthday)."""
    plans = ["Free", "Starter", "Pro", "Enterprise"]
    return [[f"person{n}@{domain}", f"First{n}", f"Last{n}", f"+1555{n:07d}", plans[n % 4],
             f"19{50 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}"] for n in range(start, start + count)]


@dataclass
class Feed:
    simulator: CsvFeedSimulator
    delay: float
    gate: threading.Event | None = None  # when set, requests wait until it is


class FeedServer:
    """An ASGI app serving every added feed under its name; thread-safe (served in a thread)."""

    def __init__(self) -> None:
        self.base_url = ""
        self._feeds: dict[str, Feed] = {}
        self._lock = threading.Lock()

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}/feed.csv"

    def add(self, name: str, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER,
            delay: float = 0.0) -> str:
        """Publishes (or replaces) the feed `name` with these rows; returns its URL."""
        simulator = CsvFeedSimulator()
        simulator.set_rows(header, rows)
        with self._lock:
            self._feeds[name] = Feed(simulator, delay)
        return self.url(name)

    def failing(self, name: str, status: int) -> str:
        """Publishes a feed that answers every request with `status`; returns its URL."""
        simulator = CsvFeedSimulator()
        simulator.fail_next(status, times=ALWAYS, body=b"Server error")
        with self._lock:
            self._feeds[name] = Feed(simulator, 0.0)
        return self.url(name)

    @contextmanager
    def held(self, name: str) -> Iterator[None]:
        """Requests for the feed `name` wait until the block ends (then they, and later ones, are
        answered)."""
        gate = threading.Event()
        with self._lock:
            self._feeds[name].gate = gate
        try:
            yield
        finally:
            gate.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        name, _, rest = scope["path"].lstrip("/").partition("/")
        with self._lock:
            feed = self._feeds.get(name)
        if feed is None:
            await PlainTextResponse("No such feed.", 404)(scope, receive, send)
            return
        if feed.gate is not None:
            await asyncio.to_thread(feed.gate.wait)
        if feed.delay:
            await asyncio.sleep(feed.delay)
        app: ASGIApp = feed.simulator
        await app(dict(scope, path="/" + rest, raw_path=("/" + rest).encode()), receive, send)


@contextmanager
def serve_feeds() -> Iterator[FeedServer]:
    """A `FeedServer` listening on a free port of 127.0.0.1 until the block ends."""
    server = FeedServer()
    with serve_in_thread(server) as base_url:
        server.base_url = base_url
        yield server
