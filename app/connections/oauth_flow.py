"""Connecting through OAuth 2.0: the consent round trip through the user's browser.

1. `connectService` on an OAuth service without credentials calls `begin_authorization`: a
   random state (32 bytes) is stored hashed with the account, the service, the connection name
   and a 10-minute expiry, and the service's consent URL is returned (`authorizeUrl`), with
   `redirect_uri = {public_url}/oauth/{service_id}/callback`.
2. The service sends the browser back to that callback with `code` and `state`, which calls
   `complete_authorization`. The state is the only thing tying the request to an account (the
   callback carries no API token), so it must exist (else it was altered), be unexpired, belong
   to this service and be unused: it is claimed by one conditional UPDATE (`used_at IS NULL`),
   so a replayed callback is refused even when two arrive at once.
   The state is also bound to the browser that started the consent (RFC 6749 §10.12): the
   `connectService` response sets a short-lived HttpOnly, SameSite=Lax cookie whose name
   derives from the state and whose value is an HMAC of it (`BrowserBinding`); the callback
   refuses a state arriving without it, before claiming it, so a consent started by someone else
   (an attacker's link) cannot be completed in this user's session. Stateless: the cookie proves
   it was handed out with this state, by this server, to this browser.
3. The code is exchanged for tokens, the connector checks them and names the external account
   (`connect`), and the connection is stored encrypted; connecting an external account the
   account is already connected to renews that connection (`store_connection`).

A state is consumed even when the rest fails: the user starts again from the app. Nothing here
logs or returns a code or a token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from starlette.responses import Response
from tortoise.expressions import Q

from app.connections.models import Connection, OAuthState
from app.connections.repository import expired_oauth_states, oauth_states_by_hash
from app.connections.service import connect_service, get_connection, store_connection
from app.connections.settings_check import RECONNECT_KEY, checked_settings
from app.connectors.base import AuthKind, OAuthConnector, SourceContext
from app.connectors.registry import get_connector
from app.errors import Invalid, NotFound
from app.security import SettingsCipher
from app.sync.schedule import SyncQueue

STATE_LIFETIME = timedelta(minutes=10)
STATE_KEPT = timedelta(days=1)  # used and expired states are deleted after this
CREDENTIAL_KEYS = ("access_token", "private_app_token", "api_key")  # given: connect at once, no consent
STATE_FIELD = ["state"]


BINDING_COOKIE_PREFIX = "autoimport_oauth_"


@dataclass(frozen=True)
class BrowserBinding:
    """The cookie that ties a consent to the browser that started it (set with the consent URL)."""

    name: str
    value: str
    path: str
    max_age: int = int(STATE_LIFETIME.total_seconds())


def browser_binding(state: str, cipher: SettingsCipher) -> BrowserBinding:
    """Named after the state (several consents may run in one browser), valued with its HMAC,
    sent only to the callbacks (of every service, so a state brought to another service's
    callback is still refused as that)."""
    digest = _hash(state)
    return BrowserBinding(name=BINDING_COOKIE_PREFIX + digest[:16], value=cipher.sign(f"oauth-state:{digest}"),
                          path="/oauth/")


def is_bound_to_browser(state: str, cookies: dict[str, str], cipher: SettingsCipher) -> bool:
    expected = browser_binding(state, cipher)
    return hmac.compare_digest(cookies.get(expected.name, ""), expected.value)


@dataclass(frozen=True)
class ConnectStart:
    """What `connectService` answers: a connection, or the consent page to send the user to
    (with the cookie that binds the consent to this browser)."""

    connection: Connection | None = None
    authorize_url: str | None = None
    binding: BrowserBinding | None = None


def redirect_uri(source: SourceContext, service_id: str) -> str:
    return f"{source.public_url.rstrip('/')}/oauth/{service_id}/callback"


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _oauth_connector(service_id: str) -> OAuthConnector:
    connector = get_connector(service_id)
    if connector.description.auth is not AuthKind.OAUTH2 or not hasattr(connector, "authorize_url"):
        raise Invalid(f"{connector.description.name} is not connected through OAuth.", ["serviceId"])
    return cast(OAuthConnector, connector)


async def start_connection(
    account_id: int,
    service_id: str,
    name: str | None,
    settings: Any,
    cipher: SettingsCipher,
    source: SourceContext,
    queue: SyncQueue | None = None,
) -> ConnectStart:
    """`connectService`: an OAuth service given no credentials starts the consent round trip
    (`settings` may then carry `connectionId`, the connection to renew); anything else connects
    at once with the settings given. The settings are checked against the service's spec first
    (`settings_check`), whichever way it goes."""
    description = get_connector(service_id).description
    settings = checked_settings(description, settings)
    if description.auth is AuthKind.OAUTH2 and not any(settings.get(key) for key in CREDENTIAL_KEYS):
        reconnect_id = await _reconnect_target(account_id, service_id, settings.get(RECONNECT_KEY))
        state = secrets.token_urlsafe(32)
        url = await begin_authorization(account_id, service_id, name, source, reconnect_id=reconnect_id,
                                        state=state)
        return ConnectStart(authorize_url=url, binding=browser_binding(state, cipher))
    return ConnectStart(connection=await connect_service(account_id, service_id, name, settings, cipher, source,
                                                         queue=queue))


async def _reconnect_target(account_id: int, service_id: str, given: object) -> int | None:
    if given is None:
        return None
    try:
        connection_id = int(str(given))
    except ValueError:
        connection_id = 0
    if not 0 < connection_id < 2**31:
        raise NotFound("There is no such connection.", ["settings", "connectionId"])
    connection = await get_connection(account_id, connection_id)
    if connection.service_id != service_id:
        raise NotFound("There is no such connection.", ["settings", "connectionId"])
    return connection.id


async def begin_authorization(account_id: int, service_id: str, name: str | None, source: SourceContext, *,
                              reconnect_id: int | None = None, state: str | None = None) -> str:
    """Stores a new state (`state`, or a random one) and returns the service's consent URL.
    Raises `Invalid` when the server has no OAuth client for the service (then nothing is stored)."""
    name = (name or "").strip() or None
    if name is not None and len(name) > 200:
        raise Invalid("The name is longer than 200 characters.", ["name"])
    state = state or secrets.token_urlsafe(32)
    url = _oauth_connector(service_id).authorize_url(source, redirect_uri(source, service_id), state)
    now = _now()
    await expired_oauth_states(Q(expires_at__lt=now - STATE_KEPT)).delete()
    await OAuthState.create(state_hash=_hash(state), account_id=account_id, service_id=service_id,
                            connection_name=name, reconnect_connection_id=reconnect_id,
                            expires_at=now + STATE_LIFETIME)
    return url


async def complete_authorization(service_id: str, code: str, state: str, cipher: SettingsCipher,
                                 source: SourceContext, *, cookies: dict[str, str],
                                 queue: SyncQueue | None = None) -> Connection:
    """The callback: checks the browser's binding cookie, claims the state, exchanges the code,
    checks the tokens, stores the connection (with its external account loaded). Raises `Invalid`
    with a message for the user when the state, the browser or the code is refused; then nothing
    is stored (a state refused for its browser is not even used up: its own browser may still
    come back with it)."""
    connector = _oauth_connector(service_id)
    if not code:
        raise Invalid("The service sent no authorization code back; start the connection again.", ["code"])
    if not is_bound_to_browser(state, cookies, cipher):
        await _refuse_unbound(state)
    pending = await claim_state(service_id, state)
    uri = redirect_uri(source, service_id)
    tokens = await connector.exchange_code(code, uri, source)
    connected = await connector.connect(tokens, source)
    connection = await store_connection(pending.account_id, service_id, pending.connection_name, connected, cipher,
                                        reconnect_id=pending.reconnect_connection_id, queue=queue)
    return await get_connection(pending.account_id, connection.id)


async def claim_state(service_id: str, state: str) -> OAuthState:
    """Marks the state used, once; `Invalid` saying why when it cannot be used."""
    digest = _hash(state or "")
    now = _now()
    claimed = await oauth_states_by_hash(digest, Q(service_id=service_id, used_at__isnull=True,
                                                   expires_at__gt=now)).update(used_at=now)
    pending = await oauth_states_by_hash(digest).first()
    if claimed == 1 and pending is not None:
        return pending
    raise Invalid(_refusal(pending, service_id, now), STATE_FIELD)


async def _refuse_unbound(state: str) -> None:
    """Raises `Invalid`: a known state says "another browser", an unknown one "not valid"."""
    if await oauth_states_by_hash(_hash(state or "")).exists():
        raise Invalid("This sign-in was started in another browser or session, or more than 10 minutes ago "
                      "(its cookie is gone), so it cannot be completed here. Start the connection again from the "
                      "app in this browser.", STATE_FIELD)
    raise Invalid(_refusal(None, "", _now()), STATE_FIELD)


def _refusal(pending: OAuthState | None, service_id: str, now: datetime) -> str:
    again = "Start the connection again from the app."
    if pending is None:
        return f"This sign-in link is not valid: it was altered, or it was not issued by this server. {again}"
    if pending.used_at is not None:
        return f"This sign-in link was already used, and it works only once. {again}"
    if pending.service_id != service_id:
        return f"This sign-in was started for another service. {again}"
    return f"This sign-in link has expired (it is valid for 10 minutes). {again}"


async def abandon_authorization(service_id: str, state: str) -> None:
    """The user refused consent (or the service reported an error): the state is used up."""
    await oauth_states_by_hash(_hash(state or ""), Q(service_id=service_id, used_at__isnull=True)).update(
        used_at=_now())


def set_binding_cookie(response: Response, binding: BrowserBinding, *, secure: bool) -> None:
    """Lax, so the service's top-level redirect back to the callback carries it; HttpOnly, so no
    script reads it; `secure` when the public URL is HTTPS."""
    response.set_cookie(binding.name, binding.value, max_age=binding.max_age, path=binding.path,
                        httponly=True, samesite="lax", secure=secure)
