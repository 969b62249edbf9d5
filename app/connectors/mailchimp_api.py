"""Mailchimp's Marketing API 3.0 plumbing: the data centre, credentials, how an answer is classified,
the JSON call, and the check of a connection (`connect`).

A connection is an API key (`…-us21`: the suffix is the data centre, the API lives at
`https://us21.api.mailchimp.com/3.0`, HTTP Basic with any user name) or an OAuth 2.0 access token
(tokens do not expire and come without a refresh token; the data centre comes from
`GET https://login.mailchimp.com/oauth2/metadata` with `Authorization: OAuth <token>`; API calls
take `Authorization: Bearer <token>`). Either way `GET /` (the API root) names the account, and the
external account is "Mailchimp account {account_id}", the same whichever way it was connected.

Errors are data (`classify_mailchimp_response`, a pure function of status, headers and body, and
`STATUS_ACTIONS`, the table handed to `request_with_retries`). Mailchimp answers errors as
`application/problem+json` (`{"type", "title", "status", "detail", "instance"}`):

| answer | action |
| --- | --- |
| 2xx with a JSON body | use it |
| 2xx with a body cut short, 5xx, timeouts | retried (bounded) |
| 401 (`API Key Invalid`, a revoked token), 403 (`User Disabled`, `Forbidden`) | needs re-authorisation |
| 429 (`Too Many Requests`) | rate limited: `Retry-After` when sent, else `CONNECTION_LIMIT_WAIT` |
| 404 (`Resource Not Found`: an audience deleted), other 4xx | refused, with Mailchimp's title in the message |

Mailchimp answers 429 to more than 10 simultaneous connections of one user, or as a throttle.
A fetch sends its requests one after another, so it holds at most one of the user's 10
connections; several imports of one user running at once can still meet the limit, and then the
429 reschedules the sync.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from app.connectors.base import SourceContext
from app.connectors.http import ErrorAction, SourceResponse, Verdict, request_with_retries
from app.errors import Invalid, NeedsReauth, SourceError, SourceRejected, SourceUnavailable

API, API_DEFAULT = "mailchimp", "https://{dc}.api.mailchimp.com/3.0"
LOGIN, LOGIN_DEFAULT = "mailchimp_login", "https://login.mailchimp.com"
CONNECTION_LIMIT_WAIT = 10.0
_DATA_CENTRE = re.compile(r"^[a-z]{2,4}[0-9]{1,3}$")

class ResponseAction(str, Enum):
    OK = "ok"
    RETRY = "retry"
    RATE_LIMITED = "rate_limited"
    REAUTH = "reauth"
    REJECT = "reject"


def _problem(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def classify_mailchimp_response(status: int, headers: Mapping[str, str], body: bytes) -> ResponseAction:
    """What to do about one answer of the Marketing API; see the module docstring's table."""
    if status < 300:
        return ResponseAction.OK if _problem(body) is not None else ResponseAction.RETRY
    if status in (401, 403):
        return ResponseAction.REAUTH
    if status == 429:
        return ResponseAction.RATE_LIMITED
    if status == 408 or status >= 500:
        return ResponseAction.RETRY
    return ResponseAction.REJECT


def title_of(body: bytes) -> str:
    """The problem's `title` (a short phrase such as "Resource Not Found"), for messages."""
    problem = _problem(body) or {}
    title = problem.get("title")
    return title if isinstance(title, str) and len(title) <= 80 and title.isprintable() else ""


def data_centre_of_key(api_key: str) -> str | None:
    dc = api_key.rpartition("-")[2]
    return dc if "-" in api_key and _DATA_CENTRE.match(dc) else None


def api_base(context: SourceContext, dc: str) -> str:
    return context.endpoint(API, API_DEFAULT).replace("{dc}", dc)


def auth_header(settings: Mapping[str, Any]) -> str:
    key = settings.get("api_key")
    if isinstance(key, str) and key:
        return "Basic " + base64.b64encode(f"autoimport:{key}".encode()).decode()
    return f"Bearer {settings.get('access_token', '')}"


async def call_api(context: SourceContext, settings: Mapping[str, Any], path: str, **kwargs: Any) -> Any:
    """A GET on the account's API whose answer must be JSON; raises as the table says. The one
    retry loop retries what is transient, a 200 cut short included."""
    url = api_base(context, str(settings.get("dc", ""))) + path
    headers = {"Authorization": auth_header(settings), "Accept": "application/json"}
    response = await request_with_retries(context, "GET", url, classify=mailchimp_verdict, headers=headers, **kwargs)
    return response.json()


def mailchimp_verdict(response: SourceResponse) -> Verdict:
    """`classify_mailchimp_response` as the retry loop's verdict, with Mailchimp's words."""
    action = classify_mailchimp_response(response.status_code, response.headers, response.content)
    failure = response.where_with(title_of(response.content))
    if action is ResponseAction.RATE_LIMITED:
        return Verdict(ErrorAction.RATE_LIMITED, f"Mailchimp asked us to slow down ({failure}).",
                       response.retry_after_or(CONNECTION_LIMIT_WAIT))
    verdicts = {
        ResponseAction.OK: Verdict(ErrorAction.ACCEPT),
        ResponseAction.RETRY: Verdict(ErrorAction.RETRY, f"Mailchimp answered something unreadable ({failure})"),
        ResponseAction.REAUTH: Verdict(ErrorAction.REAUTH,
                                       f"Mailchimp refused the credentials ({failure}); reconnect the account."),
        ResponseAction.REJECT: Verdict(ErrorAction.REJECT, f"Mailchimp refused the request ({failure})."),
    }
    return verdicts[action]


async def oauth_data_centre(context: SourceContext, access_token: str) -> str:
    """The data centre of an OAuth token, from the login server's metadata endpoint."""
    url = context.endpoint(LOGIN, LOGIN_DEFAULT) + "/oauth2/metadata"
    try:
        response = await request_with_retries(context, "GET", url, classify=mailchimp_verdict,
                                              headers={"Authorization": f"OAuth {access_token}",
                                                       "Accept": "application/json"})
    except SourceRejected as exc:  # a refused token is a credentials problem, whatever the status
        raise NeedsReauth(f"Mailchimp refused the access token: {exc}") from None
    metadata = response.json()
    dc = metadata.get("dc") if isinstance(metadata, dict) else None
    if not isinstance(dc, str) or not _DATA_CENTRE.match(dc):
        raise SourceUnavailable("Mailchimp's metadata did not name the account's data centre.")
    return dc


async def connected_account(context: SourceContext, settings: dict[str, Any], where: list[str]) -> tuple[str, str]:
    """(account id, account name) from the API root; `Invalid` at `where` when refused."""
    try:
        root = await call_api(context, settings, "/", params={"fields": "account_id,account_name"})
    except NeedsReauth:
        raise Invalid("Mailchimp refused this access; check the API key (or sign in again).", where) from None
    except SourceError as exc:
        raise Invalid(f"Mailchimp could not be reached to check the access: {exc}", where) from None
    account = root.get("account_id") if isinstance(root, dict) else None
    if not isinstance(account, str) or not account:
        raise Invalid("Mailchimp did not say which account this access belongs to.", where)
    return account, str(root.get("account_name") or account)
