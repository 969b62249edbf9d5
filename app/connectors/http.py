"""HTTP calls to sources: one retry loop for every connector, provider errors as data.

Every answer gets a `Verdict` (an `ErrorAction`, and the message, delay or error type to use):
first from the connector's `Classifier`, which sees the status, headers and body and speaks for
its own rows only, then from a status table. The default table says: 401/403 need
re-authorisation, 429 is a rate limit, 408/5xx and network failures are transient and retried
with backoff and jitter (bounded), any other 4xx is a refusal. A connector overrides single
entries (`{**ERROR_ACTIONS, 423: ErrorAction.RETRY}`) and writes a classifier for what only the
body tells (a THROTTLED 200, a daily budget in a 429). `request_with_retries` is the loop: at most
`context.retries + 1` requests a call, within `context.deadline`.
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
from typing import Any, Protocol

import httpx

from app.connectors.base import SourceContext
from app.errors import CursorExpired, NeedsReauth, RateLimited, SourceError, SourceRejected, SourceUnavailable

DEFAULT_RETRY_AFTER = 60.0
LONGEST_RETRY_AFTER = 24 * 3600.0


class ErrorAction(str, Enum):
    """What the one retry loop does with an answer."""

    ACCEPT = "accept"  # handed back: a success, or an answer the caller reads itself (a 304)
    RETRY = "retry"  # transient: try again after a backoff (or the verdict's delay), bounded
    RATE_LIMITED = "rate_limited"  # wait the verdict's delay inline when short, else `RateLimited`
    REAUTH = "reauth"  # `NeedsReauth`: the credentials are refused, retrying changes nothing
    REJECT = "reject"  # `SourceRejected`: the request itself is refused
    RESET_CURSOR = "reset_cursor"  # `CursorExpired`: the saved position is no longer accepted


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
"""The default table: a status not in it is ACCEPT below 400, RETRY from 500, REJECT otherwise."""


def action_for_status(status: int, table: Mapping[int, ErrorAction] = ERROR_ACTIONS) -> ErrorAction:
    """What the table says about a status; see `ERROR_ACTIONS` for the statuses it does not list."""
    if status in table:
        return table[status]
    if status < 400:
        return ErrorAction.ACCEPT
    return ErrorAction.RETRY if status >= 500 else ErrorAction.REJECT


@dataclass(frozen=True)
class Verdict:
    """A classifier's reading of one answer.

    `message` is the whole text of the error raised (no secret in it); empty, the loop words one
    from the action and the status. `retry_after` is the delay of RATE_LIMITED (a missing one
    reads `Retry-After`) and, for RETRY, replaces the backoff. `error` is a subclass of the
    action's exception type that a connector catches (a rejected cursor, an unknown company)."""

    action: ErrorAction
    message: str = ""
    retry_after: float | None = None
    error: type[SourceError] | None = None


ACCEPTED = Verdict(ErrorAction.ACCEPT)


class Classifier(Protocol):
    """A connector's own rows: reads an answer (status, headers, body) and gives its verdict, or
    None to leave the answer to the status table. Called for every answer, successes included
    (a 200 can carry a THROTTLED body); never for a network failure, which is always RETRY."""

    def __call__(self, response: SourceResponse, /) -> Verdict | None: ...


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
    url: str = ""  # as requested, without query string or credentials (`redact_url`)

    @property
    def where(self) -> str:
        """"HTTP 503 from https://host/path", for messages: no query string, no credentials."""
        return f"HTTP {self.status_code} from {self.url}" if self.url else f"HTTP {self.status_code}"

    def where_with(self, detail: str) -> str:
        """`where` with the service's own name for the error, when it gives one:
        "HTTP 404 Resource Not Found from https://host/path"."""
        status = f"HTTP {self.status_code} {detail}" if detail else f"HTTP {self.status_code}"
        return f"{status} from {self.url}" if self.url else status

    def retry_after_or(self, otherwise: float) -> float:
        """The wait the answer's `Retry-After` asks for, else `otherwise` (the service's documented wait)."""
        value = self.headers.get("Retry-After")
        return parse_retry_after(value) if value else otherwise

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON is a transient failure of the source."""
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise SourceUnavailable("The service answered with a body that is not valid JSON.") from exc

    def json_object(self) -> dict[str, Any] | None:
        """The body when it is a JSON object, else None (an error page, an empty body)."""
        try:
            body = json.loads(self.content)
        except ValueError:
            return None
        return body if isinstance(body, dict) else None


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
        return SourceResponse(response.status_code, response.headers, content, redact_url(url))


async def request_with_retries(
    context: SourceContext,
    method: str,
    url: str,
    *,
    classify: Classifier | None = None,
    table: Mapping[int, ErrorAction] = ERROR_ACTIONS,
    follow_redirects: bool = False,
    **kwargs: Any,
) -> SourceResponse:
    """The one path of every connector's HTTP calls: sends a request, retrying what is transient,
    and returns the answer or raises the typed error its verdict names.

    Each answer is read by `classify` (the connector's own rows, body included), then, when it
    has no opinion, by the status `table`. At most `context.retries + 1` requests are sent,
    whatever the mix of 5xx, rate limits, timeouts and broken bodies: every try counts, waits
    for a rate limit included. A rate limit longer than `context.max_inline_wait`, or than the
    time left before the deadline, is raised as `RateLimited`, not slept through in the worker.

    The body is read whole (at most `context.max_bytes`) before it is classified, so a truncated
    body is a transient failure, never half a page.

    Redirects are not followed unless the caller passes `follow_redirects=True`, whatever the
    shared client is configured to do: a connector fetching a user-supplied URL follows them
    itself, checking every hop (see `url_guard`).

    The whole call, retries and rate-limit waits included, ends after `context.deadline`
    seconds with `SourceUnavailable`, however slowly the source sends its bytes.
    """
    attempts = _Attempts(context, asyncio.get_running_loop().time() + context.deadline)
    try:
        async with asyncio.timeout(context.deadline):
            while True:
                response, verdict = await _try_once(context, method, url, classify, table,
                                                    follow_redirects=follow_redirects, **kwargs)
                if verdict.action is ErrorAction.ACCEPT and response is not None:
                    return response
                await attempts.wait_or_raise(verdict, response)
    except TimeoutError:
        raise SourceUnavailable(f"The service did not answer within {context.deadline:g} s "
                                f"(calling {redact_url(url)}).") from None


async def _try_once(context: SourceContext, method: str, url: str, classify: Classifier | None,
                    table: Mapping[int, ErrorAction], **kwargs: Any) -> tuple[SourceResponse | None, Verdict]:
    """One request and its verdict; a network failure or a broken body is RETRY with no answer."""
    try:
        response = await _send(context, method, url, **kwargs)
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        return None, Verdict(ErrorAction.RETRY, f"The service did not answer ({type(exc).__name__} calling "
                                                f"{redact_url(url)})")
    verdict = classify(response) if classify is not None else None
    return response, verdict or Verdict(action_for_status(response.status_code, table))


@dataclass
class _Attempts:
    """The budget of one call: `context.retries` more tries after the first, before the deadline."""

    context: SourceContext
    deadline: float  # on the event loop's clock
    made: int = 1

    async def wait_or_raise(self, verdict: Verdict, response: SourceResponse | None) -> None:
        """Sleeps before the next try, or raises the verdict's error when there is none to make."""
        where = response.where if response is not None else ""
        if verdict.action is ErrorAction.RATE_LIMITED:
            await self._wait_for_limit(verdict, response, where)
        elif verdict.action is ErrorAction.RETRY:
            await self._wait_to_retry(verdict, where)
        else:
            raise _final_error(verdict, where)
        self.made += 1

    async def _wait_for_limit(self, verdict: Verdict, response: SourceResponse | None, where: str) -> None:
        wait = verdict.retry_after
        if wait is None:
            wait = parse_retry_after(response.headers.get("Retry-After") if response is not None else None)
        left = self.deadline - asyncio.get_running_loop().time()
        if wait > self.context.max_inline_wait or wait >= left or self.made > self.context.retries:
            error = verdict.error if verdict.error and issubclass(verdict.error, RateLimited) else RateLimited
            raise error(verdict.message or f"Rate limited by the service ({where}).", wait)
        await asyncio.sleep(wait)

    async def _wait_to_retry(self, verdict: Verdict, where: str) -> None:
        if self.made > self.context.retries:
            message = verdict.message or f"The service is unavailable ({where})"
            raise _typed(verdict, SourceUnavailable, f"{message} after {self.made} tries.")
        await asyncio.sleep(verdict.retry_after if verdict.retry_after is not None
                            else backoff_delay(self.made - 1))


_FINAL_ERRORS: Mapping[ErrorAction, tuple[type[SourceError], str]] = {
    ErrorAction.REAUTH: (NeedsReauth, "The service refused the credentials"),
    ErrorAction.REJECT: (SourceRejected, "The service refused the request"),
    ErrorAction.RESET_CURSOR: (CursorExpired, "The service no longer accepts the saved position"),
}


def _final_error(verdict: Verdict, where: str) -> SourceError:
    kind, wording = _FINAL_ERRORS[verdict.action]
    return _typed(verdict, kind, verdict.message or f"{wording} ({where}).")


def _typed(verdict: Verdict, kind: type[SourceError], message: str) -> SourceError:
    """The verdict's own error type when it is a kind of `kind` (else `kind`), with `message`."""
    error = verdict.error if verdict.error is not None and issubclass(verdict.error, kind) else kind
    return error(message)
