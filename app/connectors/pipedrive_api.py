"""Calls to the Pipedrive API and what its answers mean, as one small table plus the bodies.

| answer | action |
| --- | --- |
| 401 | `NeedsReauth`: the token was revoked or regenerated (a user has one token at a time) |
| 402 / 403 | `NeedsReauth` saying why: the plan has no API access / the user lacks permission |
| 429, daily token budget in the body | `RateLimited` until `Retry-After`, else the next UTC midnight |
| 429 (burst, 2-second windows) | `RateLimited` after `Retry-After`, else `x-ratelimit-reset` (short: slept) |
| 404 | `NoSuchCompany` (the company domain is wrong) |
| 400 | `BadRequest`, which the connector reads (it may retry without an optional parameter) |
| 408, 5xx, timeouts, non-JSON or `success: false` bodies | bounded retries, then `SourceUnavailable` |
| any other 4xx | `SourceRejected` |

Every call goes through the one retry loop (`http.request_with_retries`, at most `retries + 1`
requests); `classify_answer` is Pipedrive's own rows: the body says whether a 429 is the daily
budget (hours) or the burst limit (seconds), and `x-ratelimit-reset` stands in for a missing
`Retry-After`.

The token goes in the `x-api-token` header: never in a URL, a message or a log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from app.connectors import http
from app.connectors.base import SourceContext
from app.connectors.http import ErrorAction, SourceResponse, Verdict, request_with_retries
from app.errors import Invalid, SourceRejected

ENDPOINT_NAME = "pipedrive"
DEFAULT_ENDPOINT = "https://{company}.pipedrive.com"
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_TOKEN = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable, header-safe
_DAILY = re.compile(r"daily|budget|per day", re.IGNORECASE)


class NoSuchCompany(SourceRejected):
    """Pipedrive answered 404: there is no company at that domain."""


class BadRequest(SourceRejected):
    """Pipedrive answered 400: a parameter was refused. Its wording is not relied on; the
    connector knows which optional parameters it sent and may try without them."""


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
        headers = {"x-api-token": self.token, "Accept": "application/json"}
        response = await request_with_retries(self.context, "GET", self.base + path, classify=classify_answer,
                                              params=params, headers=headers)
        return ApiAnswer(response.json_object() or {}, _server_time(response))


def classify_answer(response: SourceResponse) -> Verdict | None:
    """Pipedrive's rows of the table in the module docstring; None leaves a status to the default
    table (5xx and 408 retried, other 4xx refused)."""
    where = response.where
    if response.status_code < 300:
        body = response.json_object()
        if body is None or body.get("success") is False:
            return Verdict(ErrorAction.RETRY, f"Pipedrive answered with an unusable body ({where})")
        return Verdict(ErrorAction.ACCEPT)
    if response.status_code in _REFUSALS:
        return Verdict(ErrorAction.REAUTH, _REFUSALS[response.status_code].format(where=where))
    message = _error_text(response)
    if response.status_code == 429:
        return _rate_limited(response, message, where)
    if response.status_code == 404:
        return Verdict(ErrorAction.REJECT, f"Pipedrive has no company at this address ({where}). Check the company "
                       "domain.", error=NoSuchCompany)
    if response.status_code == 400:
        return Verdict(ErrorAction.REJECT, f"Pipedrive refused the request ({where}): {message[:200]}",
                       error=BadRequest)
    return None


_REFUSALS = {
    401: "Pipedrive refused the API token ({where}): it was changed or revoked. Reconnect with the current token.",
    402: "Pipedrive refused access ({where}): the company's plan or payment does not allow API access. Check the "
         "Pipedrive subscription, then reconnect.",
    403: "Pipedrive refused access ({where}): the token's user lacks the permission to list persons. Reconnect "
         "with a user who has it (an admin).",
}


def _rate_limited(response: SourceResponse, message: str, where: str) -> Verdict:
    retry_after = response.headers.get("Retry-After")
    if _DAILY.search(message):
        wait = http.parse_retry_after(retry_after) if retry_after else _seconds_to_utc_midnight(response)
        return Verdict(ErrorAction.RATE_LIMITED, f"Pipedrive's daily API token budget is spent ({where}); it resets "
                       "at midnight UTC.", wait)
    wait = http.parse_retry_after(retry_after or response.headers.get("x-ratelimit-reset"))
    return Verdict(ErrorAction.RATE_LIMITED, f"Rate limited by Pipedrive ({where}).", wait)


def _seconds_to_utc_midnight(response: SourceResponse) -> float:
    now = _server_time(response) or datetime.now(timezone.utc)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return min(max((midnight - now).total_seconds(), 1.0), http.LONGEST_RETRY_AFTER)


def _error_text(response: SourceResponse) -> str:
    """The `error` (and `error_info`) of an error body, or "" when there is none to read."""
    body = response.json_object() or {}
    parts = [body.get(key) for key in ("error", "error_info", "code")]
    return " ".join(str(p) for p in parts if isinstance(p, (str, int)) and p != "")


def _server_time(response: SourceResponse) -> datetime | None:
    try:
        moment = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
