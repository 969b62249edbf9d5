"""HubSpot's API plumbing shared by the connector: endpoints, error rows, the JSON call, and the
check of a connection's credentials (`connect`).

A connection is either a private app token (`{"private_app_token": "pat-..."}`, checked with
`GET /account-info/v3/details` and one contacts read) or an OAuth token set (`{"access_token",
"refresh_token", "expires_at"}`, refreshed first if it is about to expire, then checked with
`GET /oauth/v1/access-tokens/{token}`, which names the portal and lists the granted scopes).
Either way the external account is the portal, "portal 12345678": the same name whichever way
it was connected, so every import reading one portal shares its sync budget (a private app token
does not tell the portal's domain, so the domain stays out of the name).

Tokens never appear in messages: the token metadata endpoint has the token in its path, so its
errors are replaced by plain ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from app.connectors import oauth
from app.connectors.base import ConnectedAccount, FetchRequest, SourceContext
from app.connectors.http import (
    ERROR_ACTIONS,
    ErrorAction,
    SourceResponse,
    parse_retry_after,
    redact_url,
    request_with_retries,
)
from app.connectors.hubspot_mapping import SERVICE_ID, SERVICE_NAME
from app.errors import Invalid, NeedsReauth, RateLimited, SourceError, SourceUnavailable

API, API_DEFAULT = "hubspot", "https://api.hubapi.com"
AUTHORIZE, AUTHORIZE_DEFAULT = "hubspot_authorize", "https://app.hubspot.com/oauth/authorize"
SCOPE = "crm.objects.contacts.read"
DAILY_LIMIT_WAIT = 3600.0

# 423 (a record locked by a large sync) and 477 (the account is migrating) ask for a retry; a 429
# is handed back so its body and headers say how long to wait.
API_ERROR_ACTIONS = {**ERROR_ACTIONS, 423: ErrorAction.RETRY, 477: ErrorAction.RETRY, 429: ErrorAction.READ_BODY}


def oauth_endpoints(context: SourceContext) -> oauth.OAuthEndpoints:
    return oauth.OAuthEndpoints(
        authorize_url=context.endpoint(AUTHORIZE, AUTHORIZE_DEFAULT),
        token_url=context.endpoint(API, API_DEFAULT) + "/oauth/v1/token",
        scopes=(SCOPE,),
    )


def rate_limit_delay(response: SourceResponse) -> float:
    """Seconds to wait after a 429: Retry-After, else the limit's own interval."""
    if response.headers.get("Retry-After"):
        return parse_retry_after(response.headers["Retry-After"])
    try:
        body = response.json()
    except SourceUnavailable:
        body = {}
    if isinstance(body, dict) and body.get("policyName") == "DAILY":
        return DAILY_LIMIT_WAIT
    interval = response.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds", "")
    return parse_retry_after(str(int(interval) / 1000) if interval.isdigit() else "1")


async def call_api(context: SourceContext, method: str, url: str, token: str, **kwargs: Any) -> Any:
    """A HubSpot API call whose answer must be JSON.

    401/403 are `NeedsReauth`; a 429 waits inline when short (bounded), else is `RateLimited`
    with the delay `rate_limit_delay` reads; 423/477/5xx, timeouts and bodies that are not JSON
    are retried a few times, then `SourceUnavailable`; other 4xx are `SourceRejected`.
    """
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    attempt = 0
    while True:
        response = await request_with_retries(context, method, url, table=API_ERROR_ACTIONS, headers=headers, **kwargs)
        try:
            if response.status_code == 429:
                wait = rate_limit_delay(response)
                if wait > context.max_inline_wait or attempt >= context.retries:
                    raise RateLimited(f"Rate limited by HubSpot (HTTP 429 from {redact_url(url)}).", wait)
                await asyncio.sleep(wait)
            else:
                return response.json()
        except SourceUnavailable:  # a body that is not JSON: transient, retried a few times
            if attempt >= context.retries:
                raise
        attempt += 1


class NothingImported:
    async def unchanged_ids(self, records: Any) -> set[str]:
        return set()

    async def known_ids(self, external_ids: Any) -> set[str]:
        return set()


def _token_set(settings: Mapping[str, Any]) -> dict[str, Any]:
    tokens: dict[str, Any] = {}
    for key in ("access_token", "refresh_token"):
        value = settings.get(key)
        if not isinstance(value, str) or not value.strip():
            raise Invalid("Connect HubSpot with a private app token ({\"private_app_token\": \"pat-...\"}) "
                          "or through HubSpot's consent page.", ["settings", key])
        tokens[key] = value.strip()
    expires_at = settings.get("expires_at")
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)):
        raise Invalid("The token set needs expires_at (epoch seconds).", ["settings", "expires_at"])
    tokens["expires_at"] = expires_at
    return tokens


async def connect_private_app(token: object, context: SourceContext) -> ConnectedAccount:
    if not isinstance(token, str) or not token.strip():
        raise Invalid("Enter the access token of your HubSpot private app.", ["settings", "private_app_token"])
    token, api = token.strip(), context.endpoint(API, API_DEFAULT)
    where = ["settings", "private_app_token"]
    try:
        details = await call_api(context, "GET", api + "/account-info/v3/details", token)
    except NeedsReauth:
        raise Invalid("HubSpot refused this private app token; copy it again from the app's Auth tab.", where) from None
    except SourceError as exc:
        raise Invalid(f"HubSpot could not be reached to check the token: {exc}", where) from None
    portal = details.get("portalId") if isinstance(details, dict) else None
    if isinstance(portal, bool) or not isinstance(portal, int):
        raise Invalid("HubSpot did not say which account this token belongs to.", where)
    try:
        await call_api(context, "GET", api + "/crm/v3/objects/contacts", token, params={"limit": "1"})
    except NeedsReauth:
        raise Invalid(f"This private app cannot read contacts: give it the {SCOPE} scope.", where) from None
    except SourceError as exc:
        raise Invalid(f"HubSpot could not be reached to check the token: {exc}", where) from None
    return ConnectedAccount(external_account=f"portal {portal}",
                            settings={"private_app_token": token, "hub_id": portal})


async def connect_oauth(settings: Mapping[str, Any], context: SourceContext) -> ConnectedAccount:
    tokens = _token_set(settings)
    client = oauth.oauth_client(context, SERVICE_ID, SERVICE_NAME)
    request = FetchRequest(settings=tokens, criteria={}, cursor={}, limit=0, fingerprints=NothingImported(),
                           context=context)
    try:
        access_token = await oauth.fresh_access_token(request, oauth_endpoints(context), client)
    except SourceError:
        raise Invalid("HubSpot refused to renew this access; connect the account again.", ["settings"]) from None
    metadata = await _token_metadata(context, access_token)
    scopes = metadata.get("scopes")
    if not isinstance(scopes, list) or SCOPE not in scopes:
        raise Invalid(f"HubSpot did not grant the {SCOPE} scope; connect again and allow it.", ["settings"])
    portal = metadata.get("hub_id")
    if isinstance(portal, bool) or not isinstance(portal, int):
        raise Invalid("HubSpot did not say which account this token belongs to.", ["settings"])
    return ConnectedAccount(external_account=f"portal {portal}", settings={**request.settings, "hub_id": portal})


async def _token_metadata(context: SourceContext, access_token: str) -> dict[str, Any]:
    url = f"{context.endpoint(API, API_DEFAULT)}/oauth/v1/access-tokens/{access_token}"
    try:
        metadata = await call_api(context, "GET", url, access_token)
    except SourceError as exc:  # its message would hold the URL, hence the token
        refused = isinstance(exc, NeedsReauth) or "HTTP 404" in str(exc)
        reason = "refused this access token" if refused else "could not be reached to check the access token"
        raise Invalid(f"HubSpot {reason}; connect the account again.", ["settings"]) from None
    if not isinstance(metadata, dict):
        raise Invalid("HubSpot answered the token check with something unreadable.", ["settings"])
    return metadata
