"""Salesforce's REST API plumbing: where things live, how an answer is classified, and the JSON call.

Errors are data. Salesforce answers an error with a JSON list of `{"errorCode", "message"}`, and
the code, not the status alone, says what to do; `classify_salesforce_response` (a pure function
of status, headers and body) returns the action, and `salesforce_verdict` hands it to the one
retry loop (`request_with_retries`) as its verdict:

| answer | action |
| --- | --- |
| 2xx | use it |
| 401 `INVALID_SESSION_ID` | refresh the access token once, call again; refused again: needs re-authorisation |
| 403 `REQUEST_LIMIT_EXCEEDED` | rate limited: `Retry-After` when sent, else an hour |
| 403 otherwise (`API_DISABLED_FOR_ORG`, `INSUFFICIENT_ACCESS`...) | needs re-authorisation: the user must fix access |
| `INVALID_QUERY_LOCATOR` (a `nextRecordsUrl` that expired) | resume from the cursor with a new query |
| 400 `QUERY_TIMEOUT`, 408, 5xx (`SERVER_UNAVAILABLE`), timeouts | retried (bounded) |
| 429 | rate limited |
| other 4xx (`MALFORMED_QUERY`, `INVALID_FIELD`, `NOT_FOUND`...) | refused, with Salesforce's code in the message |

`INVALID_SESSION_ID` means the session expired or was revoked; `REQUEST_LIMIT_EXCEEDED`, that the
org's API request limit (a rolling 24 h window) or a concurrency limit was reached.

The retry loop itself is `app.connectors.http.request_with_retries`; nothing here loops.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from typing import Any

import httpx

from app.connectors.base import SourceContext
from app.connectors.http import ErrorAction, SourceResponse, Verdict, request_with_retries
from app.errors import CursorExpired, NeedsReauth

LOGIN, LOGIN_DEFAULT = "salesforce_login", "https://login.salesforce.com"
DEFAULT_API_VERSION = "68.0"  # Winter '27, the current release on 2026-12 (check each release)
DAILY_LIMIT_WAIT = 3600.0
SCOPES = ("api", "refresh_token")

class ResponseAction(str, Enum):
    OK = "ok"
    RETRY = "retry"
    RATE_LIMITED = "rate_limited"
    REFRESH_SESSION = "refresh_session"
    REAUTH = "reauth"
    RESUME_FROM_CURSOR = "resume_from_cursor"
    REJECT = "reject"


def error_code(body: bytes) -> str | None:
    """The `errorCode` of a Salesforce error body (`[{"errorCode", "message"}]`), else None."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    first = parsed[0] if isinstance(parsed, list) and parsed else parsed
    code = first.get("errorCode") if isinstance(first, dict) else None
    return code if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) <= 60 else None


def classify_salesforce_response(status: int, headers: Mapping[str, str], body: bytes) -> ResponseAction:
    """What to do about one answer of the REST API; see the module docstring's table."""
    if status < 300:
        return ResponseAction.OK if _is_json(body) else ResponseAction.RETRY  # a truncated body: transient
    code = error_code(body)
    if code == "INVALID_QUERY_LOCATOR":
        return ResponseAction.RESUME_FROM_CURSOR
    if status == 401:
        return ResponseAction.REFRESH_SESSION
    if code == "REQUEST_LIMIT_EXCEEDED" or status == 429:
        return ResponseAction.RATE_LIMITED
    if status == 403:
        return ResponseAction.REAUTH
    if code == "QUERY_TIMEOUT" or status == 408 or status >= 500:
        return ResponseAction.RETRY
    return ResponseAction.REJECT


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


class SessionRefused(NeedsReauth):
    """The access token was refused (401): the caller refreshes it once and calls again."""


class LocatorExpired(CursorExpired):
    """A `nextRecordsUrl` expired: the caller queries again from its position."""


async def call_api(context: SourceContext, method: str, url: str, token: str, **kwargs: Any) -> Any:
    """A REST API call whose answer must be JSON; raises as the table says (`SessionRefused` and
    `LocatorExpired` for the caller to act on). The one retry loop retries what is transient."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    response = await request_with_retries(context, method, url, classify=salesforce_verdict, headers=headers, **kwargs)
    return response.json()


def salesforce_verdict(response: SourceResponse) -> Verdict:
    """`classify_salesforce_response` as the retry loop's verdict, with Salesforce's words."""
    action = classify_salesforce_response(response.status_code, response.headers, response.content)
    failure = response.where_with(error_code(response.content) or "")
    if action is ResponseAction.RATE_LIMITED:
        return Verdict(ErrorAction.RATE_LIMITED, f"Salesforce's API request limit is used up ({failure}).",
                       response.retry_after_or(DAILY_LIMIT_WAIT))
    verdicts = {
        ResponseAction.OK: Verdict(ErrorAction.ACCEPT),
        ResponseAction.RETRY: Verdict(ErrorAction.RETRY, "Salesforce answered something unreadable or did not "
                                                         f"finish in time ({failure})"),
        ResponseAction.REFRESH_SESSION: Verdict(ErrorAction.REAUTH, f"Salesforce refused the session ({failure}).",
                                                error=SessionRefused),
        ResponseAction.RESUME_FROM_CURSOR: Verdict(ErrorAction.RESET_CURSOR,
                                                   f"Salesforce's query locator expired ({failure}).",
                                                   error=LocatorExpired),
        ResponseAction.REAUTH: Verdict(ErrorAction.REAUTH, f"Salesforce refused access ({failure}); check the "
                                                           "user's API permission and reconnect."),
        ResponseAction.REJECT: Verdict(ErrorAction.REJECT, f"Salesforce refused the request ({failure})."),
    }
    return verdicts[action]


def api_base(instance_url: str, version: str) -> str:
    return f"{instance_url.rstrip('/')}/services/data/v{version}"


def org_and_user(identity_url: object) -> tuple[str, str] | None:
    """The org and user ids of the token answer's `id` (`https://login.salesforce.com/id/{org}/{user}`)."""
    if not isinstance(identity_url, str):
        return None
    parts = httpx.URL(identity_url).path.strip("/").split("/")[-3:]
    if len(parts) != 3 or parts[0] != "id" or not all(p.isalnum() and len(p) in (15, 18) for p in parts[1:]):
        return None
    return parts[1], parts[2]


def pick_version(versions: object) -> str | None:
    """`DEFAULT_API_VERSION` when the org serves it, else the newest it serves (`GET /services/data/`
    answers `[{"version": "65.0", "label", "url"}]`); None when the answer is unreadable."""
    if not isinstance(versions, list):
        return None
    served = [v["version"] for v in versions if isinstance(v, dict) and isinstance(v.get("version"), str)]
    numeric = [v for v in served if v.replace(".", "", 1).isdigit()]
    if DEFAULT_API_VERSION in numeric:
        return DEFAULT_API_VERSION
    return max(numeric, key=float) if numeric else None
