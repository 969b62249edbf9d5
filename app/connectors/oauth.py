"""OAuth 2.0 (RFC 6749) for the connectors that need it: the consent URL, the code exchange and
the refresh of access tokens.

A token set is the dict stored in a connection's (encrypted) settings:
`{"access_token", "refresh_token", "expires_at"}`, `expires_at` in epoch seconds.

What this module guarantees:
- The client authenticates with `client_id` and `client_secret` in the form body (RFC 6749
  §2.3.1; Google and HubSpot both accept it).
- An access token is refreshed `REFRESH_AHEAD` seconds before it expires. The refreshed token
  set is persisted (`FetchRequest.save_settings`) before it is returned or used, so a worker
  killed right after a refresh never leaves a rotated refresh token only in memory.
- A refresh response that carries a new `refresh_token` (rotation) replaces the stored one;
  otherwise the stored one is kept.
- A refresh the service refuses (`invalid_grant`, or 401) is `NeedsReauth`: the user revoked
  access and must reconnect. 5xx and timeouts are retried (bounded) and end as
  `SourceUnavailable`. A refused authorization code is `Invalid`.
- No token, code or client secret ever appears in a message or a log line; only the RFC error
  code (`invalid_grant`) a service answers is quoted.

Not done here: serialising two concurrent refreshes of one connection. A service that rotates
refresh tokens and invalidates the old one at once could then answer `invalid_grant` to the
slower worker.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import httpx

from app.connectors.base import FetchRequest, OAuthClient, SourceContext
from app.connectors.http import ERROR_ACTIONS, ErrorAction, SourceResponse, request_with_retries
from app.errors import Invalid, NeedsReauth, SourceError, SourceRejected, SourceUnavailable

REFRESH_AHEAD = 300.0  # seconds before expiry at which an access token is refreshed
DEFAULT_EXPIRES_IN = 3600  # RFC 6749 makes `expires_in` only RECOMMENDED

# The environment variables that configure each service's OAuth client (see app/config.py).
CLIENT_SETTINGS = {"google_contacts": "AUTOIMPORT_GOOGLE_CLIENT_ID/SECRET",
                   "hubspot": "AUTOIMPORT_HUBSPOT_CLIENT_ID/SECRET",
                   "salesforce": "AUTOIMPORT_SALESFORCE_CLIENT_ID/SECRET",
                   "mailchimp": "AUTOIMPORT_MAILCHIMP_CLIENT_ID/SECRET"}

# A token endpoint's 400/401/403 carry an RFC 6749 §5.2 error body that says what went wrong, so
# they are handed back to be read here rather than raised blind.
_TOKEN_ERROR_ACTIONS: Mapping[int, ErrorAction] = {
    **ERROR_ACTIONS, 400: ErrorAction.ACCEPT, 401: ErrorAction.ACCEPT, 403: ErrorAction.ACCEPT}


@dataclass(frozen=True)
class OAuthEndpoints:
    """Where a service's OAuth 2.0 lives, and what we ask for."""

    authorize_url: str  # the consent page
    token_url: str
    scopes: tuple[str, ...]
    extra_authorize_params: Mapping[str, str] = field(default_factory=dict)


def oauth_client(context: SourceContext, service_id: str, service_name: str) -> OAuthClient:
    """The OAuth application configured for the service; `Invalid` when the server has none."""
    client = context.oauth_clients.get(service_id)
    if client is None:
        variables = CLIENT_SETTINGS.get(service_id, f"AUTOIMPORT_{service_id.upper()}_CLIENT_ID/SECRET")
        raise Invalid(f"{service_name} is not configured on this server (set {variables}).", ["serviceId"])
    return client


def build_authorize_url(endpoints: OAuthEndpoints, client: OAuthClient, redirect_uri: str, state: str) -> str:
    """The consent page URL (authorization code grant, RFC 6749 §4.1.1)."""
    params = {"response_type": "code", "client_id": client.client_id, "redirect_uri": redirect_uri,
              "scope": " ".join(endpoints.scopes), "state": state, **endpoints.extra_authorize_params}
    return str(httpx.URL(endpoints.authorize_url).copy_merge_params(params))


async def exchange_code(context: SourceContext, endpoints: OAuthEndpoints, client: OAuthClient,
                        code: str, redirect_uri: str, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Trades an authorization code for a token set; a refused code is `Invalid`. The answer's
    members named in `keep` (Salesforce's `instance_url`) are kept in the token set."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    response = await _post_token(context, endpoints, client, form)
    if response.status_code >= 400:
        error = _error_code(response)
        raise Invalid(f"The service refused the authorization ({error}); start the connection again.",
                      ["code"])
    answer = _token_answer(response)
    refresh_token = answer.get("refresh_token")
    if not isinstance(refresh_token, str) or not refresh_token:
        raise Invalid("The service granted access without a refresh token, so the connection could not "
                      "stay valid; remove this app's access in the service's settings and connect again.",
                      ["code"])
    return {**_kept(answer, keep), "access_token": answer["access_token"], "refresh_token": refresh_token,
            "expires_at": _expires_at(answer)}


def _kept(answer: Mapping[str, Any], keep: tuple[str, ...]) -> dict[str, str]:
    return {key: answer[key] for key in keep if isinstance(answer.get(key), str) and answer[key]}


async def fresh_access_token(request: FetchRequest, endpoints: OAuthEndpoints, client: OAuthClient,
                             keep: tuple[str, ...] = ()) -> str:
    """An access token valid for at least `REFRESH_AHEAD` seconds, refreshing it when needed
    (a refresh answer's members named in `keep` replace the stored ones).

    A refreshed token set is saved with `request.save_settings` before it is returned, and
    `request.settings` is updated in place. Raises `NeedsReauth` when the refresh is refused.
    """
    settings = request.settings
    access_token = settings.get("access_token")
    if isinstance(access_token, str) and access_token and not _expires_soon(settings.get("expires_at")):
        return access_token
    refresh_token = settings.get("refresh_token")
    if not isinstance(refresh_token, str) or not refresh_token:
        raise NeedsReauth("The access to the service has expired and cannot be renewed; reconnect the account.")
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    response = await _post_token(request.context, endpoints, client, form)
    if response.status_code >= 400:
        _raise_refresh_refused(response)
    answer = _token_answer(response)
    rotated = answer.get("refresh_token")
    new_settings = {**settings, **_kept(answer, keep), "access_token": answer["access_token"],
                    "expires_at": _expires_at(answer),
                    "refresh_token": rotated if isinstance(rotated, str) and rotated else refresh_token}
    await request.save_settings(new_settings)
    settings.clear()
    settings.update(new_settings)
    return cast(str, new_settings["access_token"])


async def _post_token(context: SourceContext, endpoints: OAuthEndpoints, client: OAuthClient,
                      form: dict[str, str]) -> SourceResponse:
    return await post_client_form(context, endpoints.token_url, client, form)


async def post_client_form(context: SourceContext, url: str, client: OAuthClient,
                           form: Mapping[str, str]) -> SourceResponse:
    """A form POST authenticated by the client's id and secret in the body (RFC 6749 §2.3.1), as
    token, introspection (RFC 7662) and revocation (RFC 7009) endpoints take it: the secrets stay
    out of URLs. A 400/401/403 is handed back for its body to be read."""
    data = {**form, "client_id": client.client_id, "client_secret": client.client_secret}
    return await request_with_retries(context, "POST", url, data=data,
                                      table=_TOKEN_ERROR_ACTIONS, headers={"Accept": "application/json"})


def _raise_refresh_refused(response: SourceResponse) -> None:
    error = _error_code(response)
    if error == "invalid_grant" or response.status_code == 401:
        raise NeedsReauth(f"The service refused to renew the access ({error}): access was revoked or "
                          "has lapsed; reconnect the account.")
    raise SourceRejected(f"The service refused to renew the access ({error}).")


def _error_code(response: SourceResponse) -> str:
    """The RFC 6749 `error` code of a refusal (a short ASCII word), or the HTTP status."""
    try:
        body = response.json()
    except SourceUnavailable:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str) and error.replace("_", "").isalnum() and len(error) <= 40:
        return error
    return f"HTTP {response.status_code}"


def _token_answer(response: SourceResponse) -> dict[str, Any]:
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str) or not body["access_token"]:
        raise SourceUnavailable("The service's token endpoint answered without an access token.")
    return body


def _expires_at(answer: Mapping[str, Any]) -> int:
    expires_in = answer.get("expires_in", DEFAULT_EXPIRES_IN)
    try:
        seconds = int(expires_in)
    except (TypeError, ValueError):
        seconds = DEFAULT_EXPIRES_IN
    return int(time.time()) + max(seconds, 0)


def _expires_soon(expires_at: object) -> bool:
    if isinstance(expires_at, bool) or not isinstance(expires_at, (int, float)):
        return True  # unknown expiry: refresh rather than fail mid-sync
    return expires_at - time.time() <= REFRESH_AHEAD


# A revocation endpoint's 4xx say whether the token was already unknown: read, not raised blind.
_REVOKE_ERROR_ACTIONS: Mapping[int, ErrorAction] = {
    **ERROR_ACTIONS, **dict.fromkeys((400, 401, 403, 404), ErrorAction.ACCEPT)}


async def revoke_token(context: SourceContext, method: str, url: str, service_name: str, *,
                       already_gone: tuple[int, ...], **kwargs: Any) -> None:
    """Calls a token revocation endpoint (RFC 7009 or the service's own). A status in
    `already_gone` (the service no longer knows the token) counts as revoked. Raises
    `SourceUnavailable` or `SourceRejected`, whose messages never carry the URL: some services
    put the token in the path."""
    try:
        response = await request_with_retries(context, method, url, table=_REVOKE_ERROR_ACTIONS,
                                              headers={"Accept": "application/json"}, **kwargs)
    except SourceError as exc:
        raise SourceUnavailable(f"{service_name}'s token revocation could not be reached ({type(exc).__name__}).") \
            from None
    if response.status_code >= 400 and response.status_code not in already_gone:
        raise SourceRejected(f"{service_name} refused to revoke the token (HTTP {response.status_code}, "
                             f"{_error_code(response)}).")


class OAuthConsent(ABC):
    """The consent half of an OAuth connector (`authorize_url`, `exchange_code`). A connector
    sets `service_id` and `service_name` and says where its service's endpoints are."""

    service_id: str
    service_name: str

    @abstractmethod
    def oauth_endpoints(self, context: SourceContext) -> OAuthEndpoints:
        """The consent page, token endpoint and scopes of the service (from `context.endpoints`)."""

    def authorize_url(self, context: SourceContext, redirect_uri: str, state: str) -> str:
        client = oauth_client(context, self.service_id, self.service_name)
        return build_authorize_url(self.oauth_endpoints(context), client, redirect_uri, state)

    async def exchange_code(self, code: str, redirect_uri: str, context: SourceContext) -> dict[str, Any]:
        client = oauth_client(context, self.service_id, self.service_name)
        return await exchange_code(context, self.oauth_endpoints(context), client, code, redirect_uri)
