"""A local Google People API and Google OAuth 2.0, answering like the real ones, scriptable.

`GoogleContactsSimulator` is one ASGI (Starlette) app serving, at the root of whatever base URL
it is mounted on (tests give each endpoint name its own host on one in-process transport):
- `GET /v1/people/me/connections`: `personFields` required (and filters the answer), `pageSize`
  1..1000 (0 or absent: 100), `pageToken` -> `nextPageToken`, `requestSyncToken=true` ->
  `nextSyncToken` on the last page only, `syncToken` -> only people changed since, deleted ones
  as `metadata.deleted`; with a page or sync token every other parameter, `pageSize` included,
  must match the first call ("When the `page_token` or `sync_token` is specified, all other
  request parameters must match the first call", people.v1.json: 400 INVALID_ARGUMENT
  otherwise); a page token may be asked for again (the same page); sync tokens expire
  7 days after the full sync they descend from (400 FAILED_PRECONDITION, reason
  EXPIRED_SYNC_TOKEN); an optional quota on first pages of full
  listings (429 RESOURCE_EXHAUSTED). `totalItems` on full listings.
- `GET /v1/people/me` (the account's email), `GET /v1/contactGroups` (labels).
- `GET /o/oauth2/v2/auth` (auto-approves: redirects to `redirect_uri?code=...&state=...`) and
  `POST /token` (`authorization_code` and `refresh_token` grants, expiring access tokens,
  optional refresh-token rotation, `invalid_grant` once revoked): the shared
  `tests.simulators.oauth.OAuthSimulator`, as `sim.oauth`. The API answers 401
  UNAUTHENTICATED to unknown, expired or revoked access tokens.

Scripting: `add_person`, `edit_person`, `delete_person`, `seed(n)`, `seed_demo(n)`,
`add_group`, `fail_next(status, times, body, headers)`, `fail_on_call(n, status)`,
`rate_limit_next(retry_after)`, `truncate_next(times)`, `expire_sync_tokens()`,
`expire_access_tokens()`, `revoke_refresh_tokens()`, `issue_token_set()`; `requests` records
(method, path, query) of every call, `statuses` the status of each listing answered. Thread-safe, for `serve_in_thread`.
"""

from __future__ import annotations

import itertools
import json
import random
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.simulators.oauth import OAuthSimulator

SYNC_TOKEN_LIFETIME = 7 * 24 * 3600
ACCESS_TOKEN_LIFETIME = 3599
SCOPE = "https://www.googleapis.com/auth/contacts.readonly"
PERSON_FIELDS = {"addresses", "ageRanges", "biographies", "birthdays", "calendarUrls", "clientData", "coverPhotos",
                 "emailAddresses", "events", "externalIds", "genders", "imClients", "interests", "locales",
                 "locations", "memberships", "metadata", "miscKeywords", "names", "nicknames", "occupations",
                 "organizations", "phoneNumbers", "photos", "relations", "sipAddresses", "skills", "urls",
                 "userDefined"}
MATCHED_PARAMS = ("pageSize", "personFields", "requestSyncToken", "sortOrder", "sources", "syncToken")


@dataclass(frozen=True)
class ScriptedFault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncate: bool = False


@dataclass
class Listing:
    """A listing begun by a first call: the people it covers, in order, and its parameters."""

    names: list[str]
    params: dict[str, str]
    sync_version: int
    full: bool
    full_sync_at: float | None = None  # when the full sync this listing descends from was issued


def google_error(code: int, status: str, message: str, reason: str | None = None,
                 headers: dict[str, str] | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                             "domain": "googleapis.com", "metadata": {"service": "people.googleapis.com"}}]
    return JSONResponse({"error": error}, status_code=code, headers=headers)


class GoogleContactsSimulator:
    """See the module docstring."""

    def __init__(self, account_email: str = "owner@example.com", client_id: str = "sim-client-id",
                 client_secret: str = "sim-client-secret", rotate_refresh_tokens: bool = False,
                 first_page_quota: int | None = None, clock: Callable[[], float] = time.time) -> None:
        self.account_email = account_email
        # Google's OAuth endpoints where Google has them (the shared OAuth 2.0 simulator).
        self.oauth = OAuthSimulator(client_id, client_secret, expires_in=ACCESS_TOKEN_LIFETIME,
                                    rotate_refresh_tokens=rotate_refresh_tokens, authorize_path="/o/oauth2/v2/auth",
                                    token_path="/token", next_account=account_email)
        self.first_page_quota = first_page_quota
        self.clock = clock
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.statuses: list[int] = []  # of every `connections.list` answer, in order
        self._lock = threading.Lock()
        self._faults: deque[ScriptedFault] = deque()
        self._faults_on_call: dict[int, ScriptedFault] = {}
        self._people: dict[str, dict[str, Any]] = {}
        self._versions: dict[str, int] = {}  # resource name -> version of its last change
        self._deleted: dict[str, int] = {}  # resource name -> version of its deletion
        self._groups: dict[str, dict[str, Any]] = {}
        self._version = 0
        self._ids = itertools.count(1)
        self._listings: dict[str, Listing] = {}
        self._sync_tokens: dict[str, tuple[int, dict[str, str], float]] = {}
        self.first_pages_served = 0
        self._app = Starlette(routes=[
            Route("/v1/people/me/connections", self._connections, methods=["GET"]),
            Route("/v1/people/me", self._me, methods=["GET"]),
            Route("/v1/contactGroups", self._contact_groups, methods=["GET"]),
            Route("/revoke", self._revoke, methods=["POST"]),
            *self.oauth.routes(),
        ])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    # -- data ---------------------------------------------------------------------------------

    def add_person(self, email: str | None, given: str = "", family: str = "", phone: str = "",
                   groups: Iterable[str] = (), **extra: Any) -> str:
        """Adds a contact; `extra` holds other Person fields as the API spells them. Returns its
        resource name."""
        with self._lock:
            name = f"people/c{next(self._ids):012d}"
            person: dict[str, Any] = {"resourceName": name, "metadata": {"sources": [{"type": "CONTACT"}]}}
            if email:
                person["emailAddresses"] = [{"metadata": {"primary": True}, "value": email}]
            if given or family:
                person["names"] = [{"metadata": {"primary": True}, "givenName": given, "familyName": family}]
            if phone:
                person["phoneNumbers"] = [{"metadata": {"primary": True}, "value": phone}]
            person["memberships"] = [{"contactGroupMembership": {"contactGroupResourceName": g}}
                                     for g in ["contactGroups/myContacts", *groups]]
            person.update(extra)
            self._people[name] = person
            self._touch(name)
            return name

    def seed(self, count: int, domain: str = "example.com", groups: Iterable[str] = ()) -> list[str]:
        groups = list(groups)
        return [self.add_person(f"person{n}@{domain}", f"First{n}", f"Last{n}", f"+1555{n:07d}", groups)
                for n in range(count)]

    def seed_demo(self, count: int = 50, seed: int = 7) -> list[str]:
        """Believable people: names, work emails, phones, birthdays, employers, a few labels."""
        rng = random.Random(seed)
        given = ["Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Giulia", "Hiro", "Ines", "Jonas",
                 "Keiko", "Luca", "Maya", "Nils", "Olga", "Pedro", "Rosa", "Sven", "Tara", "Umar"]
        family = ["Rossi", "Bianchi", "Novak", "Okafor", "Schmidt", "Tanaka", "Garcia", "Moreau", "Kowalski",
                  "Haddad", "Larsen", "Costa"]
        companies = [("Acme Corp", "acme.example"), ("Globex", "globex.example"), ("Initech", "initech.example"),
                     ("Umbrella Labs", "umbrella.example")]
        titles = ["Buyer", "CTO", "Office manager", "Designer", "Sales lead", "Founder"]
        cities = [("Milan", "Italy"), ("Berlin", "Germany"), ("Lyon", "France"), ("Austin", "United States")]
        clients = self.add_group("Clients")
        partners = self.add_group("Partners")
        names = []
        for n in range(count):
            first, last = rng.choice(given), rng.choice(family)
            company, domain = rng.choice(companies)
            city, country = rng.choice(cities)
            extra: dict[str, Any] = {
                "organizations": [{"metadata": {"primary": True}, "name": company, "title": rng.choice(titles)}],
                "addresses": [{"city": city, "country": country}],
            }
            if rng.random() < 0.6:
                year = rng.choice([rng.randint(1960, 2000), None])
                date = {"month": rng.randint(1, 12), "day": rng.randint(1, 28), **({"year": year} if year else {})}
                extra["birthdays"] = [{"metadata": {"primary": True}, "date": date}]
            if rng.random() < 0.3:
                extra["userDefined"] = [{"key": "Customer since", "value": str(rng.randint(2015, 2025))}]
            if rng.random() < 0.2:
                extra["biographies"] = [{"value": f"Met at the {city} fair.", "contentType": "TEXT_PLAIN"}]
            labels = [g for g, p in ((clients, 0.4), (partners, 0.15)) if rng.random() < p]
            email = f"{first.lower()}.{last.lower()}{n}@{domain}" if rng.random() < 0.95 else None
            names.append(self.add_person(email, first, last, f"+39 02 {rng.randint(1000000, 9999999)}",
                                         labels, **extra))
        return names

    def edit_person(self, resource_name: str, **changes: Any) -> None:
        """Replaces top-level Person fields; `given`/`family` edit the name."""
        with self._lock:
            person = self._people[resource_name]
            if "given" in changes or "family" in changes:
                name = (person.get("names") or [{"metadata": {"primary": True}}])[0]
                name.update({k: changes.pop(v) for k, v in (("givenName", "given"), ("familyName", "family"))
                             if v in changes})
                person["names"] = [name]
            person.update(changes)
            self._touch(resource_name)

    def delete_person(self, resource_name: str) -> None:
        with self._lock:
            del self._people[resource_name]
            self._version += 1
            self._deleted[resource_name] = self._version
            self._versions.pop(resource_name, None)

    def person(self, resource_name: str) -> dict[str, Any]:
        with self._lock:
            copy: dict[str, Any] = json.loads(json.dumps(self._people[resource_name]))
            return copy

    def add_group(self, name: str) -> str:
        with self._lock:
            resource = f"contactGroups/{secrets.token_hex(6)}"
            self._groups[resource] = {"resourceName": resource, "etag": secrets.token_hex(4), "name": name,
                                      "formattedName": name, "groupType": "USER_CONTACT_GROUP"}
            return resource

    def _touch(self, name: str) -> None:
        self._version += 1
        self._versions[name] = self._version
        self._people[name]["etag"] = f"%E{self._version}"
        self._people[name]["metadata"]["sources"][0]["etag"] = f"#{self._version}"

    # -- faults and tokens --------------------------------------------------------------------

    def fail_next(self, status: int, times: int = 1, body: bytes | dict[str, Any] = b"",
                  headers: dict[str, str] | None = None) -> None:
        """The next `times` API calls (not the OAuth ones) answer this status and body."""
        raw = json.dumps(body).encode() if isinstance(body, dict) else body
        with self._lock:
            self._faults.extend([ScriptedFault(status, dict(headers or {}), raw)] * times)

    def fail_on_call(self, number: int, status: int) -> None:
        """The `number`-th API call from now (1 = the next) answers `status` with a Google error."""
        with self._lock:
            self._faults_on_call[len(self.requests) + number] = ScriptedFault(status)

    def rate_limit_next(self, retry_after: str | None = None) -> None:
        body = {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
                          "message": "Quota exceeded for quota metric 'Read requests' of service "
                                     "'people.googleapis.com'."}}
        self.fail_next(429, body=body, headers={"Retry-After": retry_after} if retry_after else None)

    def truncate_next(self, times: int = 1) -> None:
        """The next `times` API calls declare the full Content-Length but send half the body."""
        with self._lock:
            self._faults.extend([ScriptedFault(truncate=True)] * times)

    def expire_sync_tokens(self) -> None:
        """Every sync token issued so far is now older than 7 days."""
        with self._lock:
            self._sync_tokens = {token: (version, params, issued - SYNC_TOKEN_LIFETIME - 1)
                                 for token, (version, params, issued) in self._sync_tokens.items()}

    @property
    def rotate_refresh_tokens(self) -> bool:
        return self.oauth.rotate_refresh_tokens

    @rotate_refresh_tokens.setter
    def rotate_refresh_tokens(self, value: bool) -> None:
        self.oauth.rotate_refresh_tokens = value

    @property
    def token_requests(self) -> list[dict[str, str]]:
        """The forms posted to the token endpoint (secrets masked)."""
        return [form for _, path, form in self.oauth.requests if path == "/token"]

    def expire_access_tokens(self) -> None:
        self.oauth.expire_access_tokens()

    def revoke_refresh_tokens(self) -> None:
        """The user removed our access: refreshes get `invalid_grant`, access tokens stop working."""
        self.oauth.revoke_refresh_tokens()

    def issue_token_set(self) -> dict[str, Any]:
        """A token set as stored after the code exchange (`expires_at`), without a browser."""
        answer = self.oauth.issue_tokens(scope=SCOPE)
        return {"access_token": answer["access_token"], "refresh_token": answer["refresh_token"],
                "expires_at": int(time.time()) + int(answer["expires_in"])}

    # -- the People API -----------------------------------------------------------------------

    def _begin(self, request: Request) -> Response | None:
        """Records the call; answers a scripted fault or a refused token, else None."""
        with self._lock:
            self.requests.append((request.method, request.url.path, dict(request.query_params)))
            fault = self._faults_on_call.pop(len(self.requests), None) or (
                self._faults.popleft() if self._faults else None)
        has_token = request.headers.get("Authorization", "").startswith("Bearer ")
        valid = self.oauth.bearer_account(request) is not None
        if fault is not None and fault.truncate:
            return _Truncated()
        if fault is not None:
            if fault.body or fault.status < 400:
                return Response(fault.body, status_code=fault.status, headers=fault.headers,
                                media_type="application/json")
            status = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                      429: "RESOURCE_EXHAUSTED"}.get(fault.status, "UNAVAILABLE" if fault.status >= 500
                                                     else "INVALID_ARGUMENT")
            return google_error(fault.status, status, "Scripted failure.", headers=fault.headers)
        if not valid:
            return google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected "
                                "OAuth 2 access token, login cookie or other valid authentication credential.",
                                "ACCESS_TOKEN_EXPIRED" if has_token else "CREDENTIALS_MISSING",
                                headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        return None

    async def _connections(self, request: Request) -> Response:
        refused = self._begin(request)
        response = self._list(request) if refused is None else await _finish(refused, lambda: self._list(request))
        self.statuses.append(response.status_code)
        return response

    def _list(self, request: Request) -> Response:
        query = dict(request.query_params)
        fields, problem = _person_fields(query.get("personFields"))
        size = _page_size(query.get("pageSize"))
        if problem or size is None:
            return google_error(400, "INVALID_ARGUMENT", problem or "pageSize must be between 1 and 1000.")
        params = {key: query.get(key, "") for key in MATCHED_PARAMS} | {"pageSize": str(size)}
        with self._lock:
            if query.get("pageToken"):
                listing_id, _, offset_text = query["pageToken"].rpartition(".")
                listing = self._listings.get(listing_id)
                if listing is None or not offset_text.isdigit():
                    return google_error(400, "INVALID_ARGUMENT", "Page token is not valid.")
                if listing.params != params:
                    return google_error(400, "INVALID_ARGUMENT", "Parameters must match the call that provided "
                                        "the page token.")
                offset = int(offset_text)
            else:
                begun = self._begin_listing(params)
                if isinstance(begun, Response):
                    return begun
                listing_id, listing, offset = begun, self._listings[begun], 0
            return JSONResponse(self._page(listing_id, listing, offset, size, fields))

    def _begin_listing(self, params: dict[str, str]) -> str | Response:
        sync_token = params["syncToken"]
        if sync_token:
            issued = self._sync_tokens.get(sync_token)
            if issued is None:
                return google_error(400, "INVALID_ARGUMENT", "Sync token is not valid.")
            since, token_params, issued_at = issued
            if self.clock() - issued_at > SYNC_TOKEN_LIFETIME:
                return google_error(400, "FAILED_PRECONDITION", "Sync token is expired. Clear local cache and "
                                    "retry call without the sync token.", "EXPIRED_SYNC_TOKEN")
            # Google's own sample sends only `syncToken` on incremental calls: `requestSyncToken`
            # may be left out there, the rest must match.
            loose = ("syncToken", "requestSyncToken")
            if {k: v for k, v in token_params.items() if k not in loose} != \
                    {k: v for k, v in params.items() if k not in loose}:
                return google_error(400, "INVALID_ARGUMENT", "Parameters must match the call that provided "
                                    "the sync token.")
            changed = [(v, n) for n, v in self._versions.items() if v > since]
            changed += [(v, n) for n, v in self._deleted.items() if v > since]
            names = [name for _, name in sorted(changed)]
            full_sync_at: float | None = issued_at
        else:
            if self.first_page_quota is not None and self.first_pages_served >= self.first_page_quota:
                return google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for the first page of a full "
                                    "sync request.", "RATE_LIMIT_EXCEEDED")
            self.first_pages_served += 1
            names = list(self._people)
            full_sync_at = None
        listing_id = secrets.token_urlsafe(9)
        self._listings[listing_id] = Listing(names, params, self._version, not sync_token, full_sync_at)
        return listing_id

    def _page(self, listing_id: str, listing: Listing, offset: int, size: int, fields: set[str]) -> dict[str, Any]:
        names = listing.names[offset:offset + size]
        body: dict[str, Any] = {"connections": [self._view(name, fields, listing.full) for name in names]}
        if offset + size < len(listing.names):
            body["nextPageToken"] = f"{listing_id}.{offset + size}"
        elif listing.params["requestSyncToken"] == "true" or listing.params["syncToken"]:
            token = f"sync.{secrets.token_urlsafe(12)}"
            # "Sync tokens expire 7 days after the full sync": a token from an incremental
            # listing keeps the age of the full sync it descends from.
            issued = listing.full_sync_at if listing.full_sync_at is not None else self.clock()
            self._sync_tokens[token] = (listing.sync_version, dict(listing.params), issued)
            body["nextSyncToken"] = token
        if listing.full:
            body["totalItems"] = body["totalPeople"] = len(listing.names)
        body["connections"] = [p for p in body["connections"] if p is not None]
        if not body["connections"]:
            del body["connections"]  # the API leaves an empty repeated field out
        return body

    def _view(self, name: str, fields: set[str], full: bool) -> dict[str, Any] | None:
        person = self._people.get(name)
        if person is None:
            if full or name not in self._deleted:
                return None
            return {"resourceName": name, "etag": f"%E{self._deleted[name]}",
                    "metadata": {"sources": [{"type": "CONTACT"}], "deleted": True}}
        view = {k: v for k, v in person.items() if k in fields or k in ("resourceName", "etag")}
        copy: dict[str, Any] = json.loads(json.dumps(view))  # the caller may not change our data
        return copy

    async def _me(self, request: Request) -> Response:
        refused = self._begin(request)
        body = {"resourceName": "people/me0", "etag": "%Eme",
                "emailAddresses": [{"metadata": {"primary": True, "verified": True}, "value": self.account_email}]}
        if refused is not None:
            return await _finish(refused, lambda: JSONResponse(body))
        if not request.query_params.get("personFields"):
            return google_error(400, "INVALID_ARGUMENT", "personFields mask is required. Please specify one or "
                                "more valid paths.")
        return JSONResponse(body)

    async def _revoke(self, request: Request) -> Response:
        """`POST /revoke` with `token` in the form (or the query), as oauth2.googleapis.com has it:
        200 `{}`, or 400 `invalid_token` for a token it does not know."""
        form = await request.form()
        token = str(form.get("token") or request.query_params.get("token") or "")
        status = self.oauth.revoke(token)
        if status == 200:
            return JSONResponse({})
        if status == 400:
            return JSONResponse({"error": "invalid_token", "error_description": "Token expired or revoked"}, 400)
        return JSONResponse({"error": "server_error"}, status)

    async def _contact_groups(self, request: Request) -> Response:
        refused = self._begin(request)
        with self._lock:
            groups = [{"resourceName": "contactGroups/myContacts", "name": "myContacts",
                       "formattedName": "My Contacts", "groupType": "SYSTEM_CONTACT_GROUP"},
                      *self._groups.values()]
        size = _page_size(request.query_params.get("pageSize")) or 30
        offset = int(request.query_params.get("pageToken") or 0)
        body: dict[str, Any] = {"contactGroups": groups[offset:offset + size], "totalItems": len(groups)}
        if offset + size < len(groups):
            body["nextPageToken"] = str(offset + size)
        response = JSONResponse(body)
        return await _finish(refused, lambda: response) if refused is not None else response


class _Truncated(Response):
    """Marker: answer the real body, cut in half, with the full Content-Length."""

    def __init__(self) -> None:
        super().__init__(b"")


async def _finish(refused: Response, answer: Callable[[], Response]) -> Response:
    """The refusal, or (for a scripted truncation) the real answer cut in half."""
    if not isinstance(refused, _Truncated):
        return refused
    real = answer()
    body = bytes(real.body)
    headers = {k: v for k, v in real.headers.items() if k.lower() != "content-length"}
    headers["Content-Length"] = str(len(body))
    return Response(body[: len(body) // 2], status_code=real.status_code, headers=headers)


def _person_fields(value: str | None) -> tuple[set[str], str]:
    if not value:
        return set(), "personFields mask is required. Please specify one or more valid paths."
    fields = {part.strip() for part in value.split(",") if part.strip()}
    unknown = fields - PERSON_FIELDS
    return fields, f"Invalid personFields mask path: \"{min(unknown)}\"." if unknown else ""


def _page_size(value: str | None) -> int | None:
    if value is None or value == "":
        return 100
    try:
        size = int(value)
    except ValueError:
        return None
    return 100 if size == 0 else size if 1 <= size <= 1000 else None
