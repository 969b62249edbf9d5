"""A generic OAuth 2.0 authorization server (RFC 6749), for tests and the demo.

`OAuthSimulator` is a Starlette app with two endpoints (paths configurable, so a service's
simulator can mount them where the real service has them):
- `GET /authorize` auto-approves: it redirects to `redirect_uri?code=...&state=...` (or
  `?error=access_denied&state=...` after `deny_next()`), checking `client_id`, `response_type`.
- `POST /token` handles the `authorization_code` and `refresh_token` grants with client
  authentication in the body or by HTTP Basic, answering RFC 6749 §5.1 / §5.2 bodies: codes are
  single-use and bound to their `redirect_uri`, access tokens expire after `expires_in`
  seconds of the simulator's clock (`advance(seconds)`), refresh tokens rotate when
  `rotate_refresh_tokens` is set (the old one then answers `invalid_grant`), and
  `revoke_refresh_tokens()` revokes every grant.

A resource server (a service simulator) checks bearer tokens with `account_for(token)` /
`bearer_account(request)`: the account the grant belongs to, or None when the token is unknown,
expired or revoked (answer 401 then). Each grant belongs to `next_account` at the time of the
consent. `requests` lists (method, path, form) of every call, with secret values masked, so
tests can count them; `fail_next(status, times, body)` scripts faults of the token endpoint.
`revoke(token)` is what a service's revocation endpoint does (RFC 7009: a refresh or an access
token revokes its whole grant); services mount it where they have it, `revoked` lists the
tokens revoked that way, and `fail_revocations_next(status)` scripts a failing one.
Thread-safe (the demo serves it on a socket in another thread).
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

SECRET_FORM_KEYS = ("code", "refresh_token", "client_secret")


@dataclass
class Grant:
    """One user's consent: the account, the scopes, the live refresh token."""

    account: str
    scope: str
    refresh_token: str
    revoked: bool = False


@dataclass
class AccessToken:
    grant: Grant
    expires_at: float


@dataclass
class Fault:
    status: int
    body: Any = field(default_factory=lambda: {"error": "server_error"})


class OAuthSimulator:
    """See the module docstring."""

    def __init__(self, client_id: str = "test-client-id", client_secret: str = "test-client-secret", *,
                 expires_in: int = 3600, rotate_refresh_tokens: bool = False,
                 authorize_path: str = "/authorize", token_path: str = "/token",
                 next_account: str = "ann@example.com") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in = expires_in
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.authorize_path = authorize_path
        self.token_path = token_path
        self.next_account = next_account
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._clock_offset = 0.0
        self._codes: dict[str, tuple[Grant, str]] = {}  # code -> (grant, redirect_uri)
        self._refresh: dict[str, Grant] = {}
        self._access: dict[str, AccessToken] = {}
        self._faults: deque[Fault] = deque()
        self._revocation_faults: deque[int] = deque()
        self.revoked: list[str] = []
        self._deny = 0
        self._app = Starlette(routes=self.routes())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    def routes(self) -> list[BaseRoute]:
        """The two endpoints, for a service simulator that serves them in its own app."""
        return [Route(self.authorize_path, self._authorize, methods=["GET"]),
                Route(self.token_path, self._token, methods=["POST"])]

    # -- scripting ------------------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Moves the simulator's clock: access tokens issued before may now be expired."""
        with self._lock:
            self._clock_offset += seconds

    def deny_next(self, times: int = 1) -> None:
        """The next consents are refused by the user (`error=access_denied`)."""
        with self._lock:
            self._deny += times

    def fail_next(self, status: int = 503, times: int = 1, body: Any = None) -> None:
        """The next token requests answer `status` with `body` (JSON), before anything else."""
        with self._lock:
            for _ in range(times):
                self._faults.append(Fault(status, body if body is not None else {"error": "server_error"}))

    def revoke_refresh_tokens(self) -> None:
        """The user removed the app's access: every refresh and access token stops working."""
        with self._lock:
            for grant in self._refresh.values():
                grant.revoked = True

    def fail_revocations_next(self, status: int = 503, times: int = 1) -> None:
        with self._lock:
            self._revocation_faults.extend([status] * times)

    def revoke(self, token: str) -> int:
        """Revokes the grant of a refresh or access token: 200, 400 for an unknown token, or a
        scripted failure's status (nothing revoked then)."""
        with self._lock:
            if self._revocation_faults:
                return self._revocation_faults.popleft()
            access = self._access.get(token)
            grant = self._refresh.get(token) or (access.grant if access else None)
            if grant is None:
                return 400
            grant.revoked = True
            self.revoked.append(token)
            return 200

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self._access.values():
                token.expires_at = min(token.expires_at, self.now() - 1)

    def issue_tokens(self, account: str | None = None, scope: str = "") -> dict[str, Any]:
        """A token set as the code exchange would give it, without the browser round trip."""
        with self._lock:
            grant = self._new_grant(account or self.next_account, scope)
            return self._token_set(grant)

    def account_for(self, access_token: str) -> str | None:
        """The account a live access token belongs to; None when unknown, expired or revoked."""
        with self._lock:
            token = self._access.get(access_token)
            if token is None or token.grant.revoked or token.expires_at <= self.now():
                return None
            return token.grant.account

    def bearer_account(self, request: Request) -> str | None:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        return self.account_for(value.strip()) if scheme.lower() == "bearer" else None

    def count(self, path: str | None = None, grant_type: str | None = None) -> int:
        return sum(1 for _, p, form in self.requests
                   if (path is None or p == path) and (grant_type is None or form.get("grant_type") == grant_type))

    @property
    def live_refresh_tokens(self) -> list[str]:
        with self._lock:
            return [token for token, grant in self._refresh.items() if not grant.revoked]

    @property
    def access_tokens(self) -> list[str]:
        with self._lock:
            return list(self._access)

    # -- endpoints ------------------------------------------------------------------------

    async def _authorize(self, request: Request) -> Response:
        params = request.query_params
        self._record("GET", request, dict(params))
        redirect_uri, state = params.get("redirect_uri", ""), params.get("state", "")
        if params.get("client_id") != self.client_id or not redirect_uri.startswith(("http://", "https://")):
            return Response("Unknown client or redirect URI.", status_code=400)
        if params.get("response_type") != "code":
            return self._redirect(redirect_uri, {"error": "unsupported_response_type", "state": state})
        with self._lock:
            if self._deny:
                self._deny -= 1
                return self._redirect(redirect_uri, {"error": "access_denied", "state": state})
            code = secrets.token_urlsafe(16)
            grant = Grant(self.next_account, params.get("scope", ""), "")
            self._codes[code] = (grant, redirect_uri)
        return self._redirect(redirect_uri, {"code": code, "state": state})

    async def _token(self, request: Request) -> Response:
        form = {key: str(value) for key, value in (await request.form()).items()}
        self._record("POST", request, form)
        with self._lock:
            if self._faults:
                fault = self._faults.popleft()
                return JSONResponse(fault.body, status_code=fault.status)
            if not self._client_authenticated(request, form):
                return _error(401, "invalid_client")
            grant_type = form.get("grant_type")
            if grant_type == "authorization_code":
                return self._code_grant(form)
            if grant_type == "refresh_token":
                return self._refresh_grant(form)
            return _error(400, "unsupported_grant_type")

    def _code_grant(self, form: dict[str, str]) -> Response:
        found = self._codes.pop(form.get("code", ""), None)  # single use
        if found is None:
            return _error(400, "invalid_grant")
        grant, redirect_uri = found
        if form.get("redirect_uri") != redirect_uri:
            return _error(400, "invalid_grant")
        grant = self._new_grant(grant.account, grant.scope)
        return JSONResponse(self._token_set(grant), headers=_NO_STORE)

    def _refresh_grant(self, form: dict[str, str]) -> Response:
        old = form.get("refresh_token", "")
        grant = self._refresh.get(old)
        if grant is None or grant.revoked:
            return _error(400, "invalid_grant")
        answer = self._token_set(grant, include_refresh=False)
        if self.rotate_refresh_tokens:
            del self._refresh[old]
            grant.refresh_token = secrets.token_urlsafe(24)
            self._refresh[grant.refresh_token] = grant
            answer["refresh_token"] = grant.refresh_token
        return JSONResponse(answer, headers=_NO_STORE)

    # -- helpers --------------------------------------------------------------------------

    def _new_grant(self, account: str, scope: str) -> Grant:
        grant = Grant(account, scope, secrets.token_urlsafe(24))
        self._refresh[grant.refresh_token] = grant
        return grant

    def _token_set(self, grant: Grant, include_refresh: bool = True) -> dict[str, Any]:
        access = "at-" + secrets.token_urlsafe(24)
        self._access[access] = AccessToken(grant, self.now() + self.expires_in)
        answer: dict[str, Any] = {"access_token": access, "token_type": "Bearer",
                                  "expires_in": self.expires_in, "scope": grant.scope}
        if include_refresh:
            answer["refresh_token"] = grant.refresh_token
        return answer

    def _client_authenticated(self, request: Request, form: dict[str, str]) -> bool:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except ValueError:
                return False
            return unquote(user) == self.client_id and unquote(password) == self.client_secret
        return form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret

    def _record(self, method: str, request: Request, values: dict[str, str]) -> None:
        masked = {key: ("***" if key in SECRET_FORM_KEYS else value) for key, value in values.items()}
        with self._lock:
            self.requests.append((method, request.url.path, masked))

    @staticmethod
    def _redirect(redirect_uri: str, params: dict[str, str]) -> Response:
        return RedirectResponse(str(httpx.URL(redirect_uri).copy_merge_params(params)), status_code=302)


_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(status: int, error: str) -> Response:
    return JSONResponse({"error": error}, status_code=status, headers=_NO_STORE)
