"""HTTP calls to sources, with provider errors mapped through a small table to an action.

The default table says: 401/403 need re-authorisation, 429 is a rate limit, 408/5xx and network
failures are transient and retried with backoff and jitter (bounded), any other 4xx is a refusal.
A connector passes its own rows to override single entries (`ERROR_ACTIONS | {400: ...}`).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import Any

import httpx

from app.connectors.base import SourceContext
from app.errors import NeedsReauth, RateLimited, SourceRejected, SourceUnavailable

DEFAULT_RETRY_AFTER = 60.0
LONGEST_RETRY_AFTER = 24 * 3600.0


class ErrorAction(str, Enum):
    REAUTH = "reauth"
    RATE_LIMITED = "rate_limited"
    RETRY = "retry"
    REJECT = "reject"
    READ_BODY = "read_body"  # handed back to the connector: the body says what went wrong


ERROR_ACTIONS: Mapping[int, ErrorAction] = {
    401: ErrorAction.REAUTH,
    403: ErrorAction.REAUTH,
    408: ErrorAction.RETRY,
    429: ErrorAction.RATE_LIMITED,
    500: ErrorAction.RETRY,
    502: ErrorAction.RETRY,
    503: ErrorAction.RETRY,
    504: ErrorAction.RETRY,
}


def action_for_status(status: int, table: Mapping[int, ErrorAction] = ERROR_ACTIONS) -> ErrorAction | None:
    """None for a success (or a 304) and for a status the connector reads itself (`READ_BODY`);
    otherwise what to do about the status."""
    if status < 400:
        return None
    if status in table:
        action = table[status]
    else:
        action = ErrorAction.RETRY if status >= 500 else ErrorAction.REJECT
    return None if action is ErrorAction.READ_BODY else action


def parse_retry_after(value: str | None, now: datetime | None = None) -> float:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), within sane bounds."""
    if not value:
        return DEFAULT_RETRY_AFTER
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return DEFAULT_RETRY_AFTER
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds:  # NaN
        return DEFAULT_RETRY_AFTER
    return min(max(seconds, 1.0), LONGEST_RETRY_AFTER)


def backoff_delay(attempt: int, base: float = 0.5, cap: float = 8.0) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(cap, base * 2**attempt))


def redact_url(url: httpx.URL | str) -> str:
    """The URL without query string or credentials, for messages and logs."""
    parsed = httpx.URL(str(url))
    return str(parsed.copy_with(query=None, fragment=None, userinfo=b""))


@dataclass(frozen=True)
class SourceResponse:
    """A response whose body was read whole (and within the size cap)."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON is a transient failure of the source."""
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise SourceUnavailable("The service answered with a body that is not valid JSON.") from exc


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = _declared_length(response)
    if declared is not None and declared > max_bytes:
        raise SourceRejected(too_large_message(max_bytes))
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise SourceRejected(too_large_message(max_bytes))
        chunks.append(chunk)
    _check_complete(response, declared)
    return b"".join(chunks)


def _declared_length(response: httpx.Response) -> int | None:
    """The Content-Length of a response that carries a body; None when there is none to trust."""
    value = response.headers.get("Content-Length", "")
    # A HEAD or 304 answer declares the length of the body it does not send; 1xx/204 have none.
    no_body = (response.request.method == "HEAD" or response.status_code < 200
               or response.status_code in (204, 304))
    return int(value) if value.isdigit() and not no_body else None


def _check_complete(response: httpx.Response, declared: int | None) -> None:
    """A body shorter than its Content-Length is a broken transfer: raised as a transport error,
    so it is retried like one and half a body is never returned.

    HTTP/1.1 over a socket already fails such a read; this covers transports that do not check
    (ASGI, mocks). Bytes are counted as received, before any Content-Encoding is undone, which is
    what Content-Length measures.
    """
    received = response.num_bytes_downloaded
    if declared is not None and received < declared:
        raise httpx.RemoteProtocolError(
            f"The body ended after {received} of {declared} bytes.", request=response.request)


def format_size(size: int) -> str:
    """A byte count for people: "512 bytes", "512 KB", "1.5 MB" (binary units)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} bytes"


def too_large_message(max_bytes: int) -> str:
    """The one wording of the size cap, for HTTP bodies and any other source a connector reads."""
    return f"The source is larger than the {format_size(max_bytes)} this service reads."


async def _send(context: SourceContext, method: str, url: str, **kwargs: Any) -> SourceResponse:
    async with context.http.stream(method, url, **kwargs) as response:
        content = await _read_capped(response, context.max_bytes)
        return SourceResponse(response.status_code, response.headers, content)


async def request_with_retries(
    context: SourceContext,
    method: str,
    url: str,
    *,
    table: Mapping[int, ErrorAction] = ERROR_ACTIONS,
    follow_redirects: bool = False,
    **kwargs: Any,
) -> SourceResponse:
    """Sends a request, retrying transient failures; raises the typed error for the others.

    The body is read whole (at most `context.max_bytes`) before returning, so a truncated body is
    a transient failure, never half a page. A rate limit longer than `context.max_inline_wait` is
    raised, not slept through in the worker.

    Redirects are not followed unless the caller passes `follow_redirects=True`, whatever the
    shared client is configured to do: a connector fetching a user-supplied URL follows them
    itself, checking every hop (see `url_guard`).

    The whole call, retries and rate-limit waits included, ends after `context.deadline`
    seconds with `SourceUnavailable`, however slowly the source sends its bytes.
    """
    try:
        async with asyncio.timeout(context.deadline):
            return await _request_with_retries(context, method, url, table=table,
                                               follow_redirects=follow_redirects, **kwargs)
    except TimeoutError:
        raise SourceUnavailable(f"The service did not answer within {context.deadline:g} s "
                                f"(calling {redact_url(url)}).") from None


async def _request_with_retries(
    context: SourceContext,
    method: str,
    url: str,
    *,
    table: Mapping[int, ErrorAction],
    follow_redirects: bool,
    **kwargs: Any,
) -> SourceResponse:
    attempt = 0
    while True:
        try:
            response: SourceResponse | None = await _send(context, method, url,
                                                        follow_redirects=follow_redirects, **kwargs)
            assert response is not None
            action = action_for_status(response.status_code, table)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            response, action = None, ErrorAction.RETRY
            failure = f"{type(exc).__name__} calling {redact_url(url)}"
        if action is None and response is not None:
            return response
        assert response is not None or action is ErrorAction.RETRY
        if response is not None:
            failure = f"HTTP {response.status_code} from {redact_url(url)}"
        if action is ErrorAction.REAUTH:
            raise NeedsReauth(f"The service refused the credentials ({failure}).")
        if action is ErrorAction.REJECT:
            raise SourceRejected(f"The service refused the request ({failure}).")
        if action is ErrorAction.RATE_LIMITED:
            assert response is not None
            wait = parse_retry_after(response.headers.get("Retry-After"))
            if wait > context.max_inline_wait or attempt >= context.retries:
                raise RateLimited(f"Rate limited by the service ({failure}).", wait)
            await asyncio.sleep(wait)
        elif attempt >= context.retries:
            raise SourceUnavailable(f"The service is unavailable ({failure}) after {attempt + 1} tries.")
        else:
            await asyncio.sleep(backoff_delay(attempt))
        attempt += 1
