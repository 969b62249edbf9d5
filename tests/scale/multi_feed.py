"""Many CSV feeds on one server: `GET /feeds/{n}.csv`, each with its own contacts and a strong ETag.

The scale-out test needs one feed URL per external account; `tests/simulators/csv_feed.py`
serves one document, so this small app serves `feeds` of them, built once, read-only.
"""

from __future__ import annotations

import csv
import hashlib
import io

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

HEADER = ["email", "first name", "last name"]


def feed_rows(feed: int, contacts: int) -> list[list[str]]:
    return [[f"f{feed}c{n}@example.com", f"First{n}", f"Feed{feed}"] for n in range(contacts)]


class MultiFeed:
    def __init__(self, feeds: int, contacts: int) -> None:
        self.documents = [_document(feed_rows(feed, contacts)) for feed in range(feeds)]
        self._app = Starlette(routes=[Route("/feeds/{feed:int}.csv", self._serve, methods=["GET"])])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    async def _serve(self, request: Request) -> Response:
        feed = request.path_params["feed"]
        if feed >= len(self.documents):
            return Response(status_code=404)
        body, etag = self.documents[feed]
        if etag in request.headers.get("If-None-Match", ""):
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag, "Content-Type": "text/csv; charset=utf-8"})


def _document(rows: list[list[str]]) -> tuple[bytes, str]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    body = buffer.getvalue().encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
