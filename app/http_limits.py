"""The GraphQL request body, checked before Strawberry sees it.

- Size: a body larger than `max_bytes` is refused with 413, from its Content-Length when it
  declares one, otherwise as soon as the bytes read pass the limit (it is never held whole).
- Shape: a JSON body must be UTF-8 and a JSON object (no scalar, `null`, array, or nesting deep
  enough to exhaust the parser); anything else is a 400 that says what is wrong, not a 500.

Bodies of another content type pass through to Strawberry, which refuses them itself.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.connectors.http import format_size

MAX_JSON_DEPTH = 64


class BodyTooLarge(Exception):
    pass


class RequestBodyLimits:
    """ASGI middleware for the GraphQL endpoint; see the module docstring."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large()(scope, receive, send)
            return
        try:
            body = await self._read(receive)
        except BodyTooLarge:
            await self._too_large()(scope, receive, send)
            return
        problem = body_problem(body) if _is_json(headers.get("content-type", "")) else None
        if problem is not None:
            await _bad_request(problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLarge()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> JSONResponse:
        return _error(413, "BODY_TOO_LARGE",
                      f"The request body is larger than the {format_size(self.max_bytes)} this API accepts.")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


def body_problem(body: bytes) -> str | None:
    """What is wrong with a JSON request body, or None when it is a usable JSON object."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "The request body is not valid UTF-8; send JSON encoded as UTF-8."
    brackets = body.count(b"[") + body.count(b"{")  # counted in C: most bodies skip the walk below
    if brackets > MAX_JSON_DEPTH and _nesting_depth(text) > MAX_JSON_DEPTH:
        return f"The request body nests JSON more than {MAX_JSON_DEPTH} levels deep."
    try:
        document: Any = json.loads(text)
    except (ValueError, RecursionError):
        return "The request body is not valid JSON."
    if not isinstance(document, dict):
        return 'The request body must be a JSON object such as {"query": "...", "variables": {...}}.'
    return None


def _nesting_depth(text: str) -> int:
    """The deepest bracket nesting outside strings (a cheap pass before the recursive parser)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status)


def _bad_request(message: str) -> JSONResponse:
    return _error(400, "BAD_REQUEST", message)
