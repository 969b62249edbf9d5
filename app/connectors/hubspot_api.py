"""HubSpot's API plumbing shared by the connector: endpoints, error rows, the JSON call, and the
check of a connection's credentials (`connect`).

A connection is either a private app token (`{"private_app_token": "pat-..."}`, checked with
`GET /account-info/v3/details` and one contacts read) or an OAuth token set (`{"access_token",
"refresh_token", "expires_at"}`, refreshed first if it is about to expire, then checked with
the token introspection endpoint, which names the portal and lists the granted scopes).
Either way the external account is the portal, "portal 12345678": the same name whichever way
it was connected, so every import reading one portal shares its sync budget (a private app token
does not tell the portal's domain, so the domain stays out of the name).

OAuth speaks HubSpot's date-versioned OAuth API (`OAUTH_VERSION`): `POST .../token`, `.../token/introspect`
and `.../token/revoke`, every secret in the form body. The v1 paths (`/oauth/v1/token`,
`GET /oauth/v1/access-tokens/{token}` with the token in its path, `/oauth/v1/refresh-tokens/{token}`)
are deprecated in HubSpot's spec and end on 16 February 2027. Tokens never appear in messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.connectors import oauth
from app.connectors.base import ConnectedAccount, FetchRequest, OAuthClient, SourceContext
from app.connectors.http import (
    ERROR_ACTIONS,
    ErrorAction,
    SourceResponse,
    Verdict,
    parse_retry_after,
    request_with_retries,
)
from app.connectors.hubspot_mapping import SERVICE_ID, SERVICE_NAME
from app.errors import Invalid, NeedsReauth, SourceError, SourceUnavailable

API, API_DEFAULT = "hubspot", "https://api.hubapi.com"
AUTHORIZE, AUTHORIZE_DEFAULT = "hubspot_authorize", "https://app.hubspot.com/oauth/authorize"
SCOPE = "crm.objects.contacts.read"
DAILY_LIMIT_WAIT = 3600.0
OAUTH_VERSION = "2026-03"  # HubSpot's date-based OAuth API (spec: Auth/Oauth/Rollouts/279897/2026-03)
TOKEN_PATH = f"/oauth/{OAUTH_VERSION}/token"
INTROSPECT_PATH = f"/oauth/{OAUTH_VERSION}/token/introspect"
REVOKE_PATH = f"/oauth/{OAUTH_VERSION}/token/revoke"

# 423 (a record locked by a large sync) and 477 (the account is migrating) ask for a retry.
API_ERROR_ACTIONS = {**ERROR_ACTIONS, 423: ErrorAction.RETRY, 477: ErrorAction.RETRY}


def oauth_endpoints(context: SourceContext) -> oauth.OAuthEndpoints:
    return oauth.OAuthEndpoints(
        authorize_url=context.endpoint(AUTHORIZE, AUTHORIZE_DEFAULT),
        token_url=context.endpoint(API, API_DEFAULT) + TOKEN_PATH,
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


def classify_api_answer(response: SourceResponse) -> Verdict | None:
    """HubSpot's own rows: a 429 waits what `rate_limit_delay` reads, and a success whose body is
    not JSON is transient; the rest is `API_ERROR_ACTIONS`."""
    if response.status_code == 429:
        return Verdict(ErrorAction.RATE_LIMITED, f"Rate limited by HubSpot ({response.where}).",
                       rate_limit_delay(response))
    if response.status_code < 300:
        try:
            response.json()
        except SourceUnavailable:
            return Verdict(ErrorAction.RETRY, f"HubSpot answered with a body that is not JSON ({response.where})")
    return None


async def call_api(context: SourceContext, method: str, url: str, token: str, **kwargs: Any) -> Any:
    """A HubSpot API call whose answer must be JSON.

    401/403 are `NeedsReauth`; a 429 waits inline when short (bounded), else is `RateLimited`
    with the delay `rate_limit_delay` reads; 423/477/5xx, timeouts and bodies that are not JSON
    are retried, at most `context.retries` times in all, then `SourceUnavailable`; other 4xx are
    `SourceRejected`.
    """
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    response = await request_with_retries(context, method, url, classify=classify_api_answer,
                                          table=API_ERROR_ACTIONS, headers=headers, **kwargs)
    return response.json()


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
    metadata = await _introspect(context, client, access_token)
    scopes = metadata.get("scopes")
    if not isinstance(scopes, list) or SCOPE not in scopes:
        raise Invalid(f"HubSpot did not grant the {SCOPE} scope; connect again and allow it.", ["settings"])
    portal = metadata.get("hub_id")
    if isinstance(portal, bool) or not isinstance(portal, int):
        raise Invalid("HubSpot did not say which account this token belongs to.", ["settings"])
    return ConnectedAccount(external_account=f"portal {portal}", settings={**request.settings, "hub_id": portal})


async def _introspect(context: SourceContext, client: OAuthClient, access_token: str) -> dict[str, Any]:
    """The access token's metadata (`PublicAccessTokenInfoResponse`: `active`, `hub_id`, `scopes`,
    `token_use`...); `Invalid` unless HubSpot says the token is active."""
    url = context.endpoint(API, API_DEFAULT) + INTROSPECT_PATH
    form = {"token": access_token, "token_type_hint": "access_token"}
    try:
        response = await oauth.post_client_form(context, url, client, form)
        metadata = response.json()
    except SourceError:
        raise Invalid("HubSpot could not be reached to check the access token; connect the account again.",
                      ["settings"]) from None
    if response.status_code >= 400 or not isinstance(metadata, dict) or metadata.get("active") is not True:
        raise Invalid("HubSpot refused this access token; connect the account again.", ["settings"])
    if metadata.get("token_use", "access_token") != "access_token":
        raise Invalid("HubSpot described this token as something other than an access token.", ["settings"])
    return metadata
