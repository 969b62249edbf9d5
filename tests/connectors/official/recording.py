"""What the proof tests share: an ASGI wrapper that records every exchange with a simulator, the
tally of what was checked against each service's own material (printed at the end of the run), and
a count of the documented members an official client's answers were seen to have.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# service -> {"requests": n, "responses": n, "fields": n}: filled by the tests, printed by conftest.
TALLY: dict[str, Counter[str]] = {}


def count(service: str, **amounts: int) -> None:
    TALLY.setdefault(service, Counter()).update(amounts)


@dataclass
class Exchange:
    """One request to a simulator and its answer, as sent and received on the wire."""

    method: str
    path: str
    query: dict[str, list[str]]
    request_body: bytes
    request_headers: dict[str, str]
    status: int = 0
    response_body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.response_body)

    def request_json(self) -> Any:
        return json.loads(self.request_body) if self.request_body else None

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.request_body.decode(), keep_blank_values=True)


@dataclass
class Recorder:
    """Wraps an ASGI app; `exchanges` holds every HTTP exchange, in order."""

    app: ASGIApp
    exchanges: list[Exchange] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        exchange = Exchange(scope["method"], scope["path"], parse_qs(scope.get("query_string", b"").decode(),
                                                                     keep_blank_values=True), b"", headers)
        self.exchanges.append(exchange)

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                exchange.request_body += message.get("body", b"")
            return message

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
            elif message["type"] == "http.response.body":
                exchange.response_body += message.get("body", b"")
            await send(message)

        await self.app(scope, recording_receive, recording_send)


class MembersChecked:
    """Counts the members checked, so a test says how much of each answer it looked at."""

    def __init__(self) -> None:
        self.fields = 0

    def has(self, answer: Any, *members: str) -> None:
        assert isinstance(answer, dict), answer
        for member in members:
            assert member in answer, (member, sorted(answer))
            self.fields += 1
