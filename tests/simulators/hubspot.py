"""A local HubSpot that answers like the real API, with scriptable faults.

`HubSpotSimulator` is an ASGI (Starlette) app serving, at the root of its base URL:
- `POST /crm/v3/objects/contacts/search`: `filterGroups` (OR of groups, AND of filters; at most
  5 groups, 6 filters a group, 18 in all), operators EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN
  HAS_PROPERTY NOT_HAS_PROPERTY, one sort rule, `properties`, `limit` 1..200 (default 10),
  `after` (an offset). Like the real search it never returns archived contacts, pages at most
  10,000 results (`after + limit > 10000` is a 400), and orders contacts sharing a sort value in
  no particular (but stable) order: a connector that assumes id order within a timestamp fails.
  `search_requests_per_second` (off by default) answers 429 past that rate, as HubSpot does.
- `GET /crm/v3/objects/contacts?limit=&after=` (list by id), `GET /account-info/v3/details`.
- OAuth, HubSpot's date-versioned OAuth API (`/oauth/2026-03/...`, its published spec
  `Auth/Oauth/Rollouts/279897/2026-03/oauth.json`): `GET /oauth/authorize` (auto-approves) and
  `POST /oauth/2026-03/token` (code and refresh grants, expiring access tokens, rotation when
  `rotate_refresh_tokens`, `revoke_refresh_tokens()`) from the generic `OAuthSimulator`, answering
  `AccessTokenResponse` (`refresh_token` and `token_use` on every answer, refreshes included,
  `hub_id`, `scopes`, `user_id`); `POST /oauth/2026-03/token/introspect` (client credentials and
  `token` in the form: `PublicAccessTokenInfoResponse` for a live access token,
  `PublicRefreshTokenInfoResponse` for a live refresh token, else a 400 error);
  `POST /oauth/2026-03/token/revoke` (200, for an unknown token too, as RFC 7009 has it). Refusals
  are the spec's `Error` (`category`, `correlationId`, `message`) with RFC 6749's `error` and
  `error_description` and the legacy `status` (`BAD_AUTH_CODE`, `BAD_REFRESH_TOKEN`...).

API calls take `Authorization: Bearer` with a private app token (`private_app_tokens`) or a live
OAuth access token; others get 401 (`EXPIRED_AUTHENTICATION` / `INVALID_AUTHENTICATION`), a
token without the contacts scope 403 `MISSING_SCOPES` (each `errors[]` entry with its `message`,
as the spec's `ErrorDetail` requires). `requests` lists every API call
(method, path, bearer token, JSON body). Thread-safe (the demo serves it on a socket).
"""

from __future__ import annotations

import hashlib
import json
import operator
import random
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.simulators.oauth import OAuthSimulator

PORTAL_ID = 12345678
HUB_DOMAIN = "example.hubspot.com"
CLIENT_ID, CLIENT_SECRET = "hubspot-client-id", "hubspot-client-secret"
PRIVATE_APP_TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
OAUTH_BASE = "/oauth/2026-03"
APP_ID, USER_ID, USER = 456789, 123, "owner@example.com"
CONTACTS_SCOPE = "crm.objects.contacts.read"
SEARCH_PATH = "/crm/v3/objects/contacts/search"
SEARCH_RESULTS_CAP = 10_000
SEARCH_LIMIT_MAX = 200
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
START = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
NUMERIC = {"hs_object_id", "lastmodifieddate", "createdate"}
DEFAULT_PROPERTIES = ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname")


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def iso(ms: int) -> str:
    return (EPOCH + timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class SimContact:
    id: int
    properties: dict[str, str]
    created_ms: int
    modified_ms: int
    archived: bool = False
    # Ties come in a stable order that is not the id order (like a search index's).
    tie: str = ""

    def __post_init__(self) -> None:
        self.tie = hashlib.sha1(str(self.id).encode()).hexdigest()[:12]

    def value(self, name: str) -> str | None:
        if name == "hs_object_id":
            return str(self.id)
        if name == "lastmodifieddate":
            return iso(self.modified_ms)
        if name == "createdate":
            return iso(self.created_ms)
        return self.properties.get(name)

    def sort_key(self, name: str) -> Any:
        if name == "lastmodifieddate":
            return self.modified_ms
        if name == "hs_object_id":
            return self.id
        if name == "createdate":
            return self.created_ms
        return (self.properties.get(name) or "").casefold()

    def to_json(self, properties: Iterable[str]) -> dict[str, Any]:
        return {"id": str(self.id), "properties": {name: self.value(name) for name in properties},
                "createdAt": iso(self.created_ms), "updatedAt": iso(self.modified_ms), "archived": self.archived}


@dataclass(frozen=True)
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    truncate: bool = False


class HubSpotOAuth(OAuthSimulator):
    """The generic authorization server, answering like HubSpot's `/oauth/2026-03/token`."""

    def __init__(self, portal_id: int, **kwargs: Any) -> None:
        super().__init__(CLIENT_ID, CLIENT_SECRET, authorize_path="/oauth/authorize",
                         token_path=f"{OAUTH_BASE}/token", next_account=str(portal_id), **kwargs)

    def _token_set(self, grant: Any, include_refresh: bool = True) -> dict[str, Any]:
        # `refresh_token` is required in an AccessTokenResponse: a refresh that does not rotate
        # answers the same one.
        answer = super()._token_set(grant, include_refresh=True)
        scopes = (grant.scope or CONTACTS_SCOPE).split()
        answer.pop("scope", None)
        return {**answer, "token_type": "bearer", "token_use": "access_token", "hub_id": int(grant.account),
                "user_id": USER_ID, "scopes": scopes}

    async def _token(self, request: Request) -> Response:
        response = await super()._token(request)
        if response.status_code not in (400, 401):
            return response
        error = json.loads(bytes(response.body)).get("error")
        grant_type = self.requests[-1][2].get("grant_type") if self.requests else None
        if error == "invalid_client":
            status, message = "BAD_CLIENT_ID", "missing or invalid client id"
        elif grant_type == "refresh_token":
            status, message = "BAD_REFRESH_TOKEN", "refresh token is invalid, expired or revoked"
        elif grant_type == "authorization_code":
            status, message = "BAD_AUTH_CODE", "missing or invalid auth code"
        else:
            status, message = "BAD_GRANT_TYPE", "missing or invalid grant type"
        return oauth_error(error or "invalid_request", status, message)

    def token_info(self, token: str, app_id: int = APP_ID) -> dict[str, Any] | None:
        """What introspection says of a live access or refresh token, as the spec's
        `PublicAccessTokenInfoResponse` / `PublicRefreshTokenInfoResponse`; None otherwise."""
        with self._lock:
            access, grant = self._access.get(token), self._refresh.get(token)
            if access is not None and not access.grant.revoked and access.expires_at > self.now():
                expires_in = int(access.expires_at - self.now())
                return {**self._token_info(access.grant, token, app_id), "token_use": "access_token",
                        "expires_in": expires_in, "is_private_distribution": False,
                        "signed_access_token": _signed_access_token(access.grant, app_id, access.expires_at)}
            if grant is not None and not grant.revoked:
                return {**self._token_info(grant, token, app_id), "token_use": "refresh_token"}
            return None

    def _token_info(self, grant: Any, token: str, app_id: int) -> dict[str, Any]:
        return {"active": True, "token": token, "token_type": "bearer", "client_id": self.client_id,
                "app_id": app_id, "hub_id": int(grant.account), "hub_domain": HUB_DOMAIN, "user": USER,
                "user_id": USER_ID, "scopes": (grant.scope or CONTACTS_SCOPE).split()}

    def client_authenticated(self, request: Request, form: dict[str, str]) -> bool:
        return self._client_authenticated(request, form)

    def scopes_of(self, access_token: str) -> list[str] | None:
        with self._lock:
            token = self._access.get(access_token)
            return (token.grant.scope or CONTACTS_SCOPE).split() if token else None


def _signed_access_token(grant: Any, app_id: int, expires_at: float) -> dict[str, Any]:
    scopes = grant.scope or CONTACTS_SCOPE
    return {"appId": app_id, "appInstallId": f"{app_id}-{grant.account}", "audience": "api.hubapi.com",
            "expiresAt": int(expires_at * 1000), "hubId": int(grant.account), "hublet": "na1",
            "installingUserId": USER_ID, "isPrivateDistribution": False, "isServiceAccount": False,
            "isUserLevel": False, "newSignature": "sim", "scopeToScopeGroupPks": "", "scopes": scopes,
            "signature": "sim", "trialScopeToScopeGroupPks": "", "trialScopes": "", "userId": USER_ID}


def oauth_error(error: str, status: str, message: str, code: int = 400) -> JSONResponse:
    """A refusal of the OAuth API: the spec's `Error` with RFC 6749's fields and the legacy ones."""
    return JSONResponse({"error": error, "error_description": message, "status": status, "message": message,
                         "category": "BAD_REQUEST" if code == 400 else "INVALID_AUTHENTICATION",
                         "correlationId": str(uuid.uuid4())}, status_code=code)


def hubspot_error(status: int, category: str, message: str, **extra: Any) -> JSONResponse:
    body = {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category, **extra}
    return JSONResponse(body, status_code=status)


class HubSpotSimulator:
    """See the module docstring. Scripting: `add_contact`, `seed`, `edit`, `archive`,
    `fail_next`, `fail_on_search(n, ...)`, `rate_limit_next`, `malform_next`, `truncate_next`,
    `revoke_private_app_tokens`, and `oauth` (issue_tokens, expire_access_tokens,
    revoke_refresh_tokens, rotate_refresh_tokens)."""

    def __init__(self, portal_id: int = PORTAL_ID, hub_domain: str = HUB_DOMAIN, *, expires_in: int = 1800,
                 rotate_refresh_tokens: bool = False, search_requests_per_second: float | None = None) -> None:
        self.portal_id, self.hub_domain = portal_id, hub_domain
        self.oauth = HubSpotOAuth(portal_id, expires_in=expires_in, rotate_refresh_tokens=rotate_refresh_tokens)
        self.private_app_tokens: dict[str, tuple[str, ...]] = {PRIVATE_APP_TOKEN: (CONTACTS_SCOPE,)}
        self.search_requests_per_second = search_requests_per_second
        self.requests: list[tuple[str, str, str, Any]] = []  # method, path, bearer token, JSON body
        self.contacts: dict[int, SimContact] = {}
        self._lock = threading.RLock()
        self._next_id = 101
        self._clock_ms = to_ms(START)
        self._faults: deque[Fault] = deque()
        self._search_faults: dict[int, Fault] = {}
        self._search_times: deque[float] = deque()
        # The options of the lifecyclestage property: (value, label, hidden), HubSpot's defaults.
        self.lifecycle_stages: list[tuple[str, str, bool]] = [
            ("subscriber", "Subscriber", False), ("lead", "Lead", False),
            ("marketingqualifiedlead", "Marketing Qualified Lead", False),
            ("salesqualifiedlead", "Sales Qualified Lead", False), ("opportunity", "Opportunity", False),
            ("customer", "Customer", False), ("evangelist", "Evangelist", False), ("other", "Other", False)]
        routes = [
            Route(SEARCH_PATH, self._search, methods=["POST"]),
            Route("/crm/v3/objects/contacts", self._list, methods=["GET"]),
            Route("/account-info/v3/details", self._details, methods=["GET"]),
            Route(f"{OAUTH_BASE}/token/introspect", self._introspect, methods=["POST"]),
            Route(f"{OAUTH_BASE}/token/revoke", self._revoke, methods=["POST"]),
            Route("/crm/v3/properties/contacts/{name}", self._property, methods=["GET"]),
            *self.oauth.routes(),
        ]
        self._app = Starlette(routes=routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    # -- data -----------------------------------------------------------------------------

    def tick(self, step_ms: int = 1000) -> int:
        """The simulator's clock (in the past, from 2024-03-01): each change moves it forward."""
        with self._lock:
            self._clock_ms += step_ms
            return self._clock_ms

    def add_contact(self, email: str | None, *, modified_ms: int | None = None, archived: bool = False,
                    **properties: str) -> int:
        with self._lock:
            number, self._next_id = self._next_id, self._next_id + 1 + (self._next_id % 3)  # ids with gaps
            moment = modified_ms if modified_ms is not None else self.tick()
            values = {"email": email, **properties} if email is not None else dict(properties)
            self.contacts[number] = SimContact(number, values, moment, moment, archived)
            return number

    def seed(self, count: int, *, modified_ms: int | None = None, domain: str = "example.com",
             **properties: str) -> list[int]:
        """`count` contacts p{n}@domain; all modified at `modified_ms` when given."""
        return [self.add_contact(f"p{n}@{domain}", modified_ms=modified_ms, firstname=f"First{n}",
                                 lastname=f"Last{n}", **properties) for n in range(count)]

    def edit(self, contact_id: int, **properties: str) -> None:
        """Changes properties; the contact's lastmodifieddate moves to now (the sim's clock)."""
        with self._lock:
            contact = self.contacts[contact_id]
            contact.properties.update(properties)
            contact.modified_ms = self.tick()

    def archive(self, contact_id: int) -> None:
        with self._lock:
            self.contacts[contact_id].archived = True
            self.contacts[contact_id].modified_ms = self.tick()

    def seed_demo(self, count: int = 250, seed: int = 7) -> None:
        """Believable people for the demo: names, companies, stages, some opted out."""
        rng = random.Random(seed)
        first = ["Ada", "Bruno", "Chiara", "Diego", "Elena", "Farah",
                 "Giulia", "Hugo", "Ines", "Jonas", "Keiko", "Luca"]
        last = ["Rossi", "Bianchi", "Martin", "Schmidt", "Novak", "Silva", "Kowalski", "Dubois", "Jensen", "Costa"]
        companies = [("Acme", "acme.example"), ("Globex", "globex.example"), ("Initech", "initech.example"),
                     ("Umbrella", "umbrella.example"), ("Hooli", "hooli.example")]
        places = [("Milan", "Italy"), ("Berlin", "Germany"), ("Lyon", "France"), ("Porto", "Portugal"),
                  ("Austin", "United States")]
        stages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"]
        for n in range(count):
            given, family = rng.choice(first), rng.choice(last)
            company, domain = rng.choice(companies)
            city, country = rng.choice(places)
            self.add_contact(f"{given}.{family}{n}@{domain}".lower(), firstname=given, lastname=family,
                             phone=f"+39 02 {rng.randint(1000000, 9999999)}", company=company,
                             jobtitle=rng.choice(["Marketing Manager", "CTO", "Buyer", "Founder", "Analyst"]),
                             lifecyclestage=rng.choice(stages), city=city, country=country,
                             website=f"https://www.{domain}", hs_email_optout=rng.choice(["false"] * 9 + ["true"]))

    # -- faults ---------------------------------------------------------------------------

    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None, body: Any = None) -> None:
        """The next `times` API calls (not OAuth) answer `status` with a HubSpot error body."""
        with self._lock:
            self._faults.extend([Fault(status, dict(headers or {}), body)] * times)

    def fail_on_search(self, number: int, status: int, headers: dict[str, str] | None = None, body: Any = None) -> None:
        """The `number`-th search call from now (1 = the next) answers `status`."""
        with self._lock:
            self._search_faults[self.search_count + number] = Fault(status, dict(headers or {}), body)

    def rate_limit_next(self, retry_after: str | None = None, times: int = 1) -> None:
        headers = {"Retry-After": retry_after} if retry_after else {}
        self.fail_next(429, times, {**headers, **_limit_headers(0)}, _rate_limit_body())

    def malform_next(self, times: int = 1) -> None:
        """The next API calls answer 200 with a body that is not JSON (cut half way)."""
        with self._lock:
            self._faults.extend([Fault(200, {"Content-Type": "application/json"}, b'{"total": 3, "results": [{"id')]
                                * times)

    def truncate_next(self, times: int = 1) -> None:
        """The next API calls declare the full Content-Length but send half the body."""
        with self._lock:
            self._faults.extend([Fault(truncate=True)] * times)

    def revoke_private_app_tokens(self) -> None:
        with self._lock:
            self.private_app_tokens.clear()

    @property
    def search_count(self) -> int:
        with self._lock:
            return sum(1 for method, path, _, _ in self.requests if path == SEARCH_PATH)

    def search_bodies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [body for _, path, _, body in self.requests if path == SEARCH_PATH]

    # -- endpoints ------------------------------------------------------------------------

    async def _api(self, request: Request, handler: Callable[[Any, str], Response]) -> Response:
        """Records the call, applies scripted faults and authentication, then the handler."""
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        token = _bearer(request)
        with self._lock:
            self.requests.append((request.method, request.url.path, token, body))
            fault = self._faults.popleft() if self._faults else None
            if fault is None and request.url.path == SEARCH_PATH:
                fault = self._search_faults.pop(self.search_count, None)
        if fault is not None and not fault.truncate:
            return _fault_response(fault)
        refused = self._refuse(token, needs_contacts=request.url.path.startswith("/crm/"))
        answer = refused or self._throttle(request) or handler(body, token)
        if fault is not None:  # truncated: the full Content-Length, half the bytes
            content = bytes(answer.body)
            return Response(content[: len(content) // 2], status_code=answer.status_code,
                            headers={"Content-Type": "application/json", "Content-Length": str(len(content))})
        return answer

    def _refuse(self, token: str, needs_contacts: bool) -> Response | None:
        with self._lock:
            scopes = self.private_app_tokens.get(token)
        if scopes is None and self.oauth.account_for(token) is not None:
            scopes = tuple(self.oauth.scopes_of(token) or ())
        if scopes is None:
            if token in self.oauth.access_tokens:
                return hubspot_error(401, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.")
            return hubspot_error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.")
        if needs_contacts and CONTACTS_SCOPE not in scopes:
            return hubspot_error(403, "MISSING_SCOPES", "This app hasn't been granted all required scopes to "
                                 "make this call.",
                                 errors=[{"message": "One or more of the following scopes are required.",
                                          "context": {"requiredGranularScopes": [CONTACTS_SCOPE]}}])
        return None

    def _throttle(self, request: Request) -> Response | None:
        rate = self.search_requests_per_second
        if rate is None or request.url.path != SEARCH_PATH:
            return None
        now = time.monotonic()
        with self._lock:
            while self._search_times and now - self._search_times[0] >= 1.0:
                self._search_times.popleft()
            if len(self._search_times) >= rate:
                return JSONResponse(_rate_limit_body(), status_code=429, headers=_limit_headers(0, rate))
            self._search_times.append(now)
        return None

    async def _search(self, request: Request) -> Response:
        return await self._api(request, lambda body, _: self._run_search(body))

    def _run_search(self, body: Any) -> Response:
        if not isinstance(body, dict):
            return hubspot_error(400, "VALIDATION_ERROR", "Invalid input JSON on line 1.")
        try:
            query = SearchQuery.parse(body)
        except ValueError as exc:
            return hubspot_error(400, "VALIDATION_ERROR", str(exc))
        with self._lock:
            found = query.select(c for c in self.contacts.values() if not c.archived)
        found.sort(key=query.sort_key)
        page = found[query.after: query.after + query.limit]
        answer: dict[str, Any] = {"total": len(found), "results": [c.to_json(query.properties) for c in page]}
        if query.after + query.limit < len(found):
            after = str(query.after + query.limit)
            answer["paging"] = {"next": {"after": after, "link": f"?after={after}"}}
        return JSONResponse(answer, headers=_limit_headers(1))

    async def _list(self, request: Request) -> Response:
        def listing(_: Any, __: str) -> Response:
            limit = min(max(int(request.query_params.get("limit", "10") or 10), 1), 100)
            after = int(request.query_params.get("after", "0") or 0)
            with self._lock:
                found = sorted((c for c in self.contacts.values() if not c.archived and c.id > after),
                               key=lambda c: c.id)
            page = found[:limit]
            answer: dict[str, Any] = {"results": [c.to_json(DEFAULT_PROPERTIES) for c in page]}
            if len(found) > limit:
                answer["paging"] = {"next": {"after": str(page[-1].id)}}
            return JSONResponse(answer)
        return await self._api(request, listing)

    async def _details(self, request: Request) -> Response:
        return await self._api(request, lambda _, __: JSONResponse({
            "portalId": self.portal_id, "accountType": "STANDARD", "timeZone": "Europe/Rome",
            "companyCurrency": "EUR", "additionalCurrencies": [], "utcOffset": "+01:00",
            "utcOffsetMilliseconds": 3600000, "uiDomain": "app-eu1.hubspot.com", "dataHostingLocation": "eu1"}))

    async def _property(self, request: Request) -> Response:
        """`GET /crm/v3/properties/contacts/{name}`: the property's definition with its options (only
        `lifecyclestage` is defined here; any other name is HubSpot's 404)."""
        name = request.path_params["name"]

        def definition(_: Any, __: str) -> Response:
            if name != "lifecyclestage":
                return hubspot_error(404, "OBJECT_NOT_FOUND", f"Unable to find property {name}")
            options = [{"label": label, "value": value, "displayOrder": n, "hidden": hidden}
                       for n, (value, label, hidden) in enumerate(self.lifecycle_stages)]
            return JSONResponse({"name": name, "label": "Lifecycle Stage", "type": "enumeration",
                                 "fieldType": "radio", "groupName": "contactinformation", "options": options,
                                 "calculated": False, "hasUniqueValue": False, "hidden": False})
        return await self._api(request, definition)

    async def _oauth_form(self, request: Request) -> tuple[dict[str, str], Response | None]:
        """The form of an introspection or revocation, recorded (secrets masked); a refusal when
        the client is not authenticated."""
        form = {key: str(value) for key, value in (await request.form()).items()}
        masked = {key: "***" if key in ("token", "client_secret") else value for key, value in form.items()}
        with self._lock:
            self.requests.append((request.method, request.url.path, "", masked))
        if not self.oauth.client_authenticated(request, form):
            return form, oauth_error("invalid_client", "BAD_CLIENT_ID", "missing or invalid client id", 401)
        return form, None

    async def _introspect(self, request: Request) -> Response:
        form, refused = await self._oauth_form(request)
        if refused is not None:
            return refused
        info = self.oauth.token_info(form.get("token", ""))
        if info is None:
            return oauth_error("invalid_token", "BAD_TOKEN", "token is invalid, expired or revoked")
        return JSONResponse(info)

    async def _revoke(self, request: Request) -> Response:
        """200 once revoked, and for a token it does not know (RFC 7009 §2.2)."""
        form, refused = await self._oauth_form(request)
        if refused is not None:
            return refused
        status = self.oauth.revoke(form.get("token", ""))
        if status in (200, 400):
            return Response(status_code=200)
        return hubspot_error(status, "INTERNAL_ERROR", "Scripted failure.")


@dataclass
class SearchQuery:
    tests: list[list[Callable[[SimContact], bool]]]
    sort: tuple[str, bool] | None
    properties: tuple[str, ...]
    limit: int
    after: int

    @classmethod
    def parse(cls, body: dict[str, Any]) -> SearchQuery:
        limit, after = body.get("limit", 10), str(body.get("after") or "0")
        if not isinstance(limit, int) or not 1 <= limit <= SEARCH_LIMIT_MAX:
            raise ValueError(f"limit must be between 1 and {SEARCH_LIMIT_MAX}.")
        if not after.isdigit():
            raise ValueError("after must be a number.")
        if int(after) + limit > SEARCH_RESULTS_CAP:
            raise ValueError(f"The search API pages at most {SEARCH_RESULTS_CAP} results (after={after}, "
                             f"limit={limit}).")
        groups = [group.get("filters", []) for group in body.get("filterGroups") or []]
        if len(groups) > 5 or any(len(g) > 6 for g in groups) or sum(len(g) for g in groups) > 18:
            raise ValueError("Too many filters: at most 5 filterGroups of 6 filters, 18 filters in all.")
        for group in groups:
            for spec in group:
                _check_filter(spec)
        tests = [[_compile(spec) for spec in group] for group in groups]
        sorts = body.get("sorts") or []
        if len(sorts) > 1:
            raise ValueError("Only one sort rule can be applied to a search.")
        sort = None
        if sorts:
            rule = sorts[0]
            name = rule if isinstance(rule, str) else rule.get("propertyName")
            sort = (str(name),
                    (rule.get("direction", "ASCENDING") if isinstance(rule, dict) else "ASCENDING") == "DESCENDING")
        properties = tuple(body.get("properties") or DEFAULT_PROPERTIES)
        return cls(tests, sort, tuple(dict.fromkeys((*properties, "createdate", "hs_object_id", "lastmodifieddate"))),
                   limit, int(after))

    def select(self, contacts: Iterable[SimContact]) -> list[SimContact]:
        """The contacts matching any group (all of its filters), each filter applied in bulk."""
        candidates = list(contacts)
        if not self.tests:
            return candidates
        found: dict[int, SimContact] = {}
        for group in self.tests:
            matching = candidates
            for test in group:
                matching = [c for c in matching if test(c)]
            found.update((c.id, c) for c in matching)
        return list(found.values())

    def sort_key(self, contact: SimContact) -> Any:
        tie = contact.tie
        if self.sort is None:
            return (0, contact.id)
        name, descending = self.sort
        key = contact.sort_key(name)
        if descending:
            key = -key if isinstance(key, int) else "".join(chr(0x10FFFF - ord(ch)) for ch in key)
        return (key, tie)


OPERATORS = {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"}


def _check_filter(spec: Any) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
        raise ValueError("A filter needs a propertyName.")
    if spec.get("operator") not in OPERATORS:
        raise ValueError(f"Unknown operator {spec.get('operator')!r}.")


def _number(name: str, value: Any) -> int:
    text = str(value)
    if text.lstrip("-").isdigit():
        return int(text)
    if name in ("lastmodifieddate", "createdate"):
        return to_ms(datetime.fromisoformat(text.replace("Z", "+00:00")))
    raise ValueError(text)


def _compile(spec: dict[str, Any]) -> Callable[[SimContact], bool]:
    """A filter as a predicate, its values converted once."""
    name, operator_name = spec["propertyName"], spec["operator"]
    if operator_name in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return lambda c: (c.value(name) not in (None, "")) == (operator_name == "HAS_PROPERTY")
    numeric = name in NUMERIC

    def convert(value: Any) -> Any:
        return _number(name, value) if numeric else str(value).casefold()

    actual: Callable[[SimContact], Any]
    if numeric:
        actual = operator.attrgetter({"lastmodifieddate": "modified_ms", "hs_object_id": "id",
                                      "createdate": "created_ms"}[name])
    else:
        actual = lambda c: (c.value(name) or "").casefold()  # noqa: E731
    if operator_name in ("IN", "NOT_IN"):
        values = {convert(v) for v in spec.get("values") or []}
        return lambda c: (actual(c) in values) == (operator_name == "IN")
    value = convert(spec.get("value"))
    if operator_name == "BETWEEN":
        high = convert(spec.get("highValue"))
        return lambda c: bool(value <= actual(c) <= high)
    compare = {"EQ": operator.eq, "NEQ": operator.ne, "LT": operator.lt, "LTE": operator.le, "GT": operator.gt,
               "GTE": operator.ge}[operator_name]
    return lambda c: bool(compare(actual(c), value))


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _limit_headers(remaining: int, maximum: float = 5) -> dict[str, str]:
    return {"X-HubSpot-RateLimit-Interval-Milliseconds": "1000", "X-HubSpot-RateLimit-Max": str(int(maximum)),
            "X-HubSpot-RateLimit-Remaining": str(remaining)}


def _rate_limit_body() -> dict[str, Any]:
    return {"status": "error", "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()), "policyName": "SECONDLY", "category": "RATE_LIMITS"}


def _fault_response(fault: Fault) -> Response:
    if isinstance(fault.body, bytes):
        return Response(fault.body, status_code=fault.status, headers=fault.headers)
    body = fault.body if fault.body is not None else {
        "status": "error", "message": f"Simulated HTTP {fault.status}.", "correlationId": str(uuid.uuid4()),
        "category": "RATE_LIMITS" if fault.status == 429 else "INTERNAL_ERROR"}
    return JSONResponse(body, status_code=fault.status, headers=fault.headers)
