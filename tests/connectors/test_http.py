"""The shared HTTP layer's own rules: one retry loop for every connector, bounded whatever the
source answers, within its deadline, bodies capped.

The scripted server is a real HTTP/1.1 server on loopback: each request takes the next answer of
its script (cycled) and is counted, so a test sees exactly how many requests one call made.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.google_contacts import classify_people_answer
from app.connectors.http import Classifier, SourceResponse, Verdict, format_size, request_with_retries
from app.connectors.hubspot_api import call_api, classify_api_answer
from app.connectors.pipedrive_api import PipedriveApi, classify_answer
from app.connectors.shopify import classify_graphql_answer, run_query
from app.errors import RateLimited, SourceError, SourceRejected, SourceUnavailable

HANG_TIMEOUT = 0.1  # the client's read timeout where a script hangs: a "hang" answer costs one read timeout
# Elsewhere: a loaded machine can take longer than HANG_TIMEOUT to answer a plain 503, and a request
# the client gave up on before the server read it is a try the server never counts.
READ_TIMEOUT = 10.0
THROTTLED = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
             "extensions": {"cost": {"requestedQueryCost": 10,
                                     "throttleStatus": {"maximumAvailable": 1000, "currentlyAvailable": 9,
                                                        "restoreRate": 100}}}}


def _answer(status: int, body: bytes, headers: str = "", declared: int | None = None) -> bytes:
    length = len(body) if declared is None else declared
    head = (f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n"
            f"Connection: close\r\n{headers}\r\n")
    return head.encode() + body


ANSWERS: dict[str, bytes | None] = {
    "503": _answer(503, b'{"success": false, "error": "unavailable"}'),
    "500": _answer(500, b"<html>oops</html>"),
    "429": _answer(429, b'{"success": false, "error": "Request over limit"}', "Retry-After: 1\r\n"),
    "throttled": _answer(200, json.dumps(THROTTLED).encode()),
    "not_json": _answer(200, b"<html>a proxy's error page</html>"),
    "truncated": _answer(200, b'{"data": {', declared=200),
    "hang": None,  # never answers: the client's read timeout fires
}
FAILURES = sorted(ANSWERS)


@dataclass
class ScriptedServer:
    script: Sequence[str]
    url: str = ""
    requests: int = 0
    _hung: list[asyncio.Future[None]] = field(default_factory=list)

    async def answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            reply = ANSWERS[self.script[self.requests % len(self.script)]]
            self.requests += 1
            if reply is None:
                hung = asyncio.get_running_loop().create_future()
                self._hung.append(hung)
                await hung
            else:
                writer.write(reply)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def scripted_server(script: Sequence[str]) -> AsyncIterator[ScriptedServer]:
    server_state = ScriptedServer(script)
    server = await asyncio.start_server(server_state.answer, "127.0.0.1", 0)
    server_state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield server_state
    finally:
        for hung in server_state._hung:
            if not hung.done():
                hung.set_result(None)
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=READ_TIMEOUT) as shared:
        yield shared


@pytest.fixture
async def hasty_client() -> AsyncIterator[httpx.AsyncClient]:
    """For scripts with a "hang": each costs one short read timeout."""
    async with httpx.AsyncClient(timeout=HANG_TIMEOUT) as shared:
        yield shared


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Waits of the retry loop, recorded and not slept (a real sleep yields once): the count of
    requests does not depend on how long the waits are, and the suite stays fast."""
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def record(seconds: float) -> None:
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", record)  # where the one retry loop sleeps
    return waits


def _context(client: httpx.AsyncClient, server: ScriptedServer, retries: int, **overrides: Any) -> SourceContext:
    settings: dict[str, Any] = {"max_bytes": 10_000, "max_inline_wait": 5.0, "deadline": 30.0} | overrides
    return SourceContext(http=client, production=False, retries=retries,
                         endpoints={"shopify": server.url, "pipedrive": server.url, "hubspot": server.url},
                         **settings)


def _google(response: SourceResponse) -> Verdict | None:
    return classify_people_answer(response, "/v1/people/me/connections", sent_sync_token=False)


CLASSIFIERS: dict[str, Classifier | None] = {
    "default": None, "hubspot": classify_api_answer, "shopify": classify_graphql_answer,
    "pipedrive": classify_answer, "google": _google}


def _scripts() -> list[list[str]]:
    rng = random.Random(10)
    fixed = [["503", "503", "503", "429"], ["503", "503", "503", "throttled"], ["hang", "429"],
             ["truncated", "not_json", "500"], FAILURES]
    return fixed + [[rng.choice(FAILURES) for _ in range(rng.randint(1, 6))] for _ in range(3)]


@pytest.mark.parametrize("retries", [0, 1, 3])
@pytest.mark.parametrize("classifier", sorted(CLASSIFIERS))
async def test_no_call_makes_more_than_retries_plus_one_requests(
    hasty_client: httpx.AsyncClient, slept: list[float], retries: int, classifier: str
) -> None:
    for script in _scripts():
        async with scripted_server(script) as server:
            context = _context(hasty_client, server, retries)
            # any typed error is an answer; what matters is how many requests it took
            with contextlib.suppress(SourceError):
                await request_with_retries(context, "POST", server.url + "/api", classify=CLASSIFIERS[classifier],
                                           json={"query": "{ shop { id } }"})
        assert server.requests <= retries + 1, (script, server.requests)


ConnectorCall = Callable[[SourceContext, ScriptedServer], Awaitable[Any]]


async def _hubspot(context: SourceContext, server: ScriptedServer) -> Any:
    return await call_api(context, "GET", server.url + "/crm/v3/objects/contacts", "pat-token")


async def _shopify(context: SourceContext, server: ScriptedServer) -> Any:
    return await run_query(context, {"shop": "acme.myshopify.com", "access_token": "shpat"}, "{ shop { id } }", {})


async def _pipedrive(context: SourceContext, server: ScriptedServer) -> Any:
    return await PipedriveApi(context, "acme", "token").get("/api/v2/persons", {})


@pytest.mark.parametrize(("call", "short_limit"), [(_hubspot, "429"), (_pipedrive, "429"), (_shopify, "429"),
                                                  (_shopify, "throttled")],
                         ids=["hubspot", "pipedrive", "shopify", "shopify-throttled-body"])
async def test_three_503s_and_a_short_limit_cost_four_requests_through_each_connector(
    client: httpx.AsyncClient, slept: list[float], call: ConnectorCall, short_limit: str
) -> None:
    """The audit's case: one call made 16 requests with `retries=3` when each connector wrapped
    the shared loop in a loop of its own."""
    async with scripted_server(["503", "503", "503", short_limit]) as server:
        with pytest.raises(SourceError):
            await call(_context(client, server, retries=3), server)
    assert server.requests == 4


async def test_a_short_rate_limit_is_waited_through_and_counts_as_a_try(
    client: httpx.AsyncClient, slept: list[float]
) -> None:
    async with scripted_server(["429", "503"]) as server:
        with pytest.raises(SourceUnavailable, match="after 2 tries"):
            await request_with_retries(_context(client, server, retries=1), "GET", server.url + "/x")
    assert server.requests == 2 and slept[0] == 1.0


async def test_the_deadline_holds_across_retries(hasty_client: httpx.AsyncClient) -> None:
    async with scripted_server(["hang"]) as server:
        started = time.monotonic()
        with pytest.raises(SourceUnavailable, match=r"within 0\.5 s"):
            await request_with_retries(_context(hasty_client, server, retries=50, deadline=0.5), "GET", server.url)
    assert time.monotonic() - started < 1.0


async def test_a_rate_limit_longer_than_the_time_left_is_raised_at_once(client: httpx.AsyncClient) -> None:
    async with scripted_server(["429"]) as server:
        started = time.monotonic()
        with pytest.raises(RateLimited) as limited:
            await request_with_retries(_context(client, server, retries=3, deadline=0.5), "GET", server.url)
    assert limited.value.retry_after == 1.0 and server.requests == 1 and time.monotonic() - started < 0.5


async def test_bodies_are_still_capped(client: httpx.AsyncClient) -> None:
    async with scripted_server(["not_json"]) as server:
        with pytest.raises(SourceRejected, match="larger than the 10 bytes"):
            await request_with_retries(_context(client, server, retries=3, max_bytes=10), "GET", server.url)
    assert server.requests == 1  # a refusal, not retried


@pytest.mark.parametrize(("size", "shown"), [(100, "100 bytes"), (1024, "1 KB"), (512 * 1024, "512 KB"),
                                             (1024 * 1024, "1 MB"), (5_000_000, "4.8 MB")])
def test_sizes_are_shown_in_the_largest_whole_unit(size: int, shown: str) -> None:
    assert format_size(size) == shown


def answering(response: httpx.Response) -> SourceContext:
    mock = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: response), follow_redirects=True)
    return SourceContext(http=mock, production=True, max_bytes=1000, retries=0)


async def test_a_304_declaring_the_full_length_is_not_truncated() -> None:
    context = answering(httpx.Response(304, headers={"Content-Length": "500"}))
    async with context.http:
        assert (await request_with_retries(context, "GET", "http://feed.test/x")).status_code == 304


async def test_redirects_are_not_followed_even_by_a_following_client() -> None:
    context = answering(httpx.Response(302, headers={"Location": "http://127.0.0.1/"}))
    async with context.http:
        assert (await request_with_retries(context, "GET", "http://feed.test/x")).status_code == 302
