"""Calls to the Pipedrive API and what its answers mean, as one small table plus the bodies.

| answer | action |
| --- | --- |
| 401 | `NeedsReauth`: the token was revoked or regenerated (a user has one token at a time) |
| 402 / 403 | `NeedsReauth` saying why: the plan has no API access / the user lacks permission |
| 429, daily token budget in the body | `RateLimited` until `Retry-After`, else the next UTC midnight |
| 429 (burst, 2-second windows) | `RateLimited` after `Retry-After`, else `x-ratelimit-reset` (short: slept) |
| 404 | `NoSuchCompany` (the company domain is wrong) |
| 400 about `cursor` / `marketing_status` | `CursorRejected` / `MarketingStatusUnavailable`, handled by the connector |
| 408, 5xx, timeouts, non-JSON or `success: false` bodies | bounded retries, then `SourceUnavailable` |
| any other 4xx | `SourceRejected` |

The token goes in the `x-api-token` header: never in a URL, a message or a log.

Why not `http.request_with_retries`: it raises on every 4xx before a connector can read the body,
and Pipedrive says in the body whether a 429 is the daily budget (hours) or the burst limit
(seconds), and in `x-ratelimit-reset` when there is no `Retry-After`. This module keeps the same
retry discipline and reuses its pieces (`_send`, `backoff_delay`, `parse_retry_after`).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from app.connectors import http
from app.connectors.base import SourceContext
from app.connectors.http import ERROR_ACTIONS, ErrorAction, SourceResponse, action_for_status, redact_url
from app.errors import Invalid, NeedsReauth, RateLimited, SourceRejected, SourceUnavailable

ENDPOINT_NAME = "pipedrive"
DEFAULT_ENDPOINT = "https://{company}.pipedrive.com"
ERRORS = {**ERROR_ACTIONS, 402: ErrorAction.REAUTH}
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_TOKEN = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable, header-safe
_DAILY = re.compile(r"daily|budget|per day", re.IGNORECASE)


class NoSuchCompany(SourceRejected):
    """Pipedrive answered 404: there is no company at that domain."""


class CursorRejected(SourceRejected):
    """A 400 about the `cursor` parameter: the traversal restarts from the watermark."""


class MarketingStatusUnavailable(SourceRejected):
    """A 400 about `include_fields=marketing_status`: the company has no Campaigns app."""


class _Transient(SourceUnavailable):
    """Worth another try."""


def parse_settings(settings: Any) -> tuple[str, str]:
    """`(company_domain, api_token)`, the domain as its subdomain ("acme" from
    "https://acme.pipedrive.com/"); raises `Invalid` on `settings.<key>`."""
    settings = settings if isinstance(settings, dict) else {}
    domain = settings.get("company_domain")
    if not isinstance(domain, str) or not domain.strip():
        raise Invalid("Enter the company domain, like acme for acme.pipedrive.com.", ["settings", "company_domain"])
    domain = re.sub(r"^[a-z]+://", "", domain.strip().lower()).split("/")[0]
    domain = domain.removesuffix(".pipedrive.com")
    if not _DOMAIN.match(domain):
        raise Invalid("The company domain is the first part of your Pipedrive address, like acme for "
                      "acme.pipedrive.com.", ["settings", "company_domain"])
    token = settings.get("api_token")
    if not isinstance(token, str) or not _TOKEN.match(token.strip()):
        raise Invalid("Enter the API token from Pipedrive's Personal preferences > API.", ["settings", "api_token"])
    return domain, token.strip()


@dataclass(frozen=True)
class ApiAnswer:
    body: dict[str, Any]
    server_time: datetime | None  # from the `Date` header: Pipedrive's clock, not ours


@dataclass(frozen=True)
class PipedriveApi:
    context: SourceContext
    company_domain: str
    token: str

    @property
    def base(self) -> str:
        template = self.context.endpoint(ENDPOINT_NAME, DEFAULT_ENDPOINT)
        return template.replace("{company}", self.company_domain)

    async def get(self, path: str, params: dict[str, str]) -> ApiAnswer:
        """The JSON body of a successful GET; raises the typed error of any other answer."""
        url = self.base + path
        headers = {"x-api-token": self.token, "Accept": "application/json"}
        attempt = 0
        while True:
            try:
                response = await http._send(self.context, "GET", url, params=params, headers=headers,
                                            follow_redirects=False)
                return interpret(response, url)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                failure: SourceUnavailable | RateLimited = _Transient(
                    f"Pipedrive did not answer ({type(exc).__name__} calling {redact_url(url)})")
            except (_Transient, RateLimited) as exc:
                failure = exc
            await self._wait_or_raise(failure, attempt)
            attempt += 1

    async def _wait_or_raise(self, failure: SourceUnavailable | RateLimited, attempt: int) -> None:
        if isinstance(failure, RateLimited):
            if failure.retry_after > self.context.max_inline_wait or attempt >= self.context.retries:
                raise failure
            await asyncio.sleep(failure.retry_after)
            return
        if attempt >= self.context.retries:
            raise SourceUnavailable(f"{failure} after {attempt + 1} tries.") from failure
        await asyncio.sleep(http.backoff_delay(attempt))


def interpret(response: SourceResponse, url: str) -> ApiAnswer:
    """The answer of a 2xx with a JSON object saying `success`; the typed error otherwise."""
    where = f"HTTP {response.status_code} from {redact_url(url)}"
    action = action_for_status(response.status_code, ERRORS)
    if action is None:
        body = _json_object(response)
        if body is None or body.get("success") is False:
            raise _Transient(f"Pipedrive answered with an unusable body ({where})")
        return ApiAnswer(body, _server_time(response))
    message = _error_text(response)
    if response.status_code == 401:
        raise NeedsReauth(f"Pipedrive refused the API token ({where}): it was changed or revoked. "
                          "Reconnect with the current token.")
    if response.status_code == 402:
        raise NeedsReauth(f"Pipedrive refused access ({where}): the company's plan or payment does not allow API "
                          "access. Check the Pipedrive subscription, then reconnect.")
    if response.status_code == 403:
        raise NeedsReauth(f"Pipedrive refused access ({where}): the token's user lacks the permission to list "
                          "persons. Reconnect with a user who has it (an admin).")
    if action is ErrorAction.RATE_LIMITED:
        raise _rate_limited(response, message, where)
    if action is ErrorAction.RETRY:
        raise _Transient(f"Pipedrive is unavailable ({where})")
    if response.status_code == 404:
        raise NoSuchCompany(f"Pipedrive has no company at this address ({where}). Check the company domain.")
    if response.status_code == 400 and "cursor" in message.lower():
        raise CursorRejected(f"Pipedrive no longer accepts the saved position ({where}).")
    if response.status_code == 400 and "marketing_status" in message.lower():
        raise MarketingStatusUnavailable(f"Pipedrive has no marketing status for this company ({where}).")
    raise SourceRejected(f"Pipedrive refused the request ({where}): {message[:200]}")


def _rate_limited(response: SourceResponse, message: str, where: str) -> RateLimited:
    retry_after = response.headers.get("Retry-After")
    if _DAILY.search(message):
        wait = http.parse_retry_after(retry_after) if retry_after else _seconds_to_utc_midnight(response)
        return RateLimited(f"Pipedrive's daily API token budget is spent ({where}); it resets at midnight UTC.", wait)
    wait = http.parse_retry_after(retry_after or response.headers.get("x-ratelimit-reset"))
    return RateLimited(f"Rate limited by Pipedrive ({where}).", wait)


def _seconds_to_utc_midnight(response: SourceResponse) -> float:
    now = _server_time(response) or datetime.now(timezone.utc)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return min(max((midnight - now).total_seconds(), 1.0), http.LONGEST_RETRY_AFTER)


def _json_object(response: SourceResponse) -> dict[str, Any] | None:
    try:
        body = response.json()
    except SourceUnavailable:
        return None
    return body if isinstance(body, dict) else None


def _error_text(response: SourceResponse) -> str:
    """The `error` (and `error_info`) of an error body, or "" when there is none to read."""
    body = _json_object(response) or {}
    parts = [body.get(key) for key in ("error", "error_info", "code")]
    return " ".join(str(p) for p in parts if isinstance(p, (str, int)) and p != "")


def _server_time(response: SourceResponse) -> datetime | None:
    try:
        moment = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
