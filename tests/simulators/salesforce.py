"""A local Salesforce org that answers like the REST API, with scriptable faults.

`SalesforceSimulator` is an ASGI (Starlette) app; its root is both the login server and the org's
instance (`instance_url` points back at `instance_url`, by default the same base):
- OAuth 2.0 web-server flow from the generic `OAuthSimulator` at `/services/oauth2/authorize` and
  `/services/oauth2/token`, answering as Salesforce does: `instance_url`, `id`
  (`{login}/id/{org}/{user}`), `issued_at`, `signature`, `token_type`, `scope` and no
  `expires_in` (sessions end after the org's timeout: `session_seconds`); refresh answers carry no
  `refresh_token`. `POST /services/oauth2/revoke` (form `token`) revokes the grant; an unknown
  token is 400 `invalid_token`.
- `GET /services/data/` lists the versions served (`versions`, no authentication).
- `GET /services/data/vNN.0/query?q=SOQL` (the subset in `soql.py`) answers `totalSize`, `done`,
  `records` (with `attributes`, relationship fields as nested objects, `SystemModstamp` as
  `2026-01-01T00:00:00.000+0000`) and `nextRecordsUrl` (`/services/data/vNN.0/query/01g...-2000`)
  while not done, in batches of `batch_size` (2000, as Salesforce's default).
  `GET` on a `nextRecordsUrl` gives the next batch; `expire_locators()` makes every locator
  answer 400 `INVALID_QUERY_LOCATOR`, as Salesforce does after minutes of inactivity.
- `GET /services/data/vNN.0/sobjects/Lead/describe` (fields with the `Status` picklist),
  `/sobjects/{Contact|Lead}/listviews` and `/listviews/{id}/describe` (with the view's `query`).
- Errors as Salesforce sends them, a JSON list of `{"message", "errorCode"}`: 401
  `INVALID_SESSION_ID` for an unknown, expired or revoked token, 403 `REQUEST_LIMIT_EXCEEDED`
  (`rate_limit_next`), 400 `MALFORMED_QUERY` / `INVALID_FIELD`, 404 `NOT_FOUND` for an unknown
  path or version.
`requests` lists (method, path, query params) of every API call. Thread-safe (the demo serves it,
behind a path prefix: `mount_prefix` makes `instance_url` the address its token endpoint was
reached at, plus that prefix).
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tests.simulators import soql
from tests.simulators.oauth import OAuthSimulator

CLIENT_ID, CLIENT_SECRET = "salesforce-consumer-key", "salesforce-consumer-secret"
ORG_ID, USER_ID = "00D5g000004ABCDEA4", "0055g00000AbCdEAAV"
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
VERSIONS = ("64.0", "65.0", "66.0", "67.0", "68.0")
COMMON_FIELDS = ("Id", "Email", "FirstName", "LastName", "Name", "Phone", "MobilePhone", "HasOptedOutOfEmail",
                 "SystemModstamp", "CreatedDate", "LastModifiedDate", "OwnerId", "Title", "LeadSource", "IsDeleted")
OBJECT_FIELDS = {
    "Contact": (*COMMON_FIELDS, "AccountId", "Account.Name", "MailingCity", "MailingState", "MailingPostalCode",
                "MailingCountry", "Department"),
    "Lead": (*COMMON_FIELDS, "Company", "City", "State", "PostalCode", "Country", "Status", "IsConverted"),
}
PREFIX = {"Contact": "003", "Lead": "00Q"}
LEAD_STATUSES = (("Open - Not Contacted", True), ("Working - Contacted", True), ("Closed - Converted", True),
                 ("Closed - Not Converted", True), ("Nurturing (retired)", False))


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def sf_error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse([{"message": message, "errorCode": code}], status_code=status)


class SalesforceOAuth(OAuthSimulator):
    """The generic authorization server, answering like Salesforce's `/services/oauth2/token`."""

    def __init__(self, simulator: SalesforceSimulator, **kwargs: Any) -> None:
        super().__init__(CLIENT_ID, CLIENT_SECRET, authorize_path="/services/oauth2/authorize",
                         token_path="/services/oauth2/token", next_account=USER_ID, **kwargs)
        self.simulator = simulator

    async def _token(self, request: Request) -> Response:
        if self.simulator.mount_prefix is not None:  # served behind a prefix: the org is where it was reached
            base = f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}{self.simulator.mount_prefix}"
            self.simulator.login_url = self.simulator.instance_url = base
        return await super()._token(request)

    def _token_set(self, grant: Any, include_refresh: bool = True) -> dict[str, Any]:
        answer = super()._token_set(grant, include_refresh)
        answer.pop("expires_in")  # Salesforce does not say when a session ends
        base = self.simulator.instance_url
        return {**answer, "instance_url": base, "id": f"{self.simulator.login_url}/id/{ORG_ID}/{grant.account}",
                "issued_at": str(int(self.now() * 1000)), "signature": secrets.token_urlsafe(32),
                "scope": grant.scope or "api refresh_token"}


@dataclass(frozen=True)
class Fault:
    status: int = 200
    body: Any = None
    truncate: bool = False


@dataclass
class Locator:
    rows: list[dict[str, Any]]
    version: str
    expired: bool = False


@dataclass
class ListView:
    id: str
    sobject: str
    label: str
    query: str


@dataclass
class Org:
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: {"Contact": 0, "Lead": 0})


class SalesforceSimulator:
    """See the module docstring. Scripting: `add`, `seed`, `edit`, `rate_limit_next`, `fail_next`,
    `malform_next`, `expire_locators`, `end_sessions`, and `oauth`."""

    def __init__(self, base_url: str = "http://salesforce.test", *, session_seconds: int = 7200,
                 batch_size: int = 2000, mount_prefix: str | None = None) -> None:
        self.login_url = self.instance_url = base_url.rstrip("/")
        self.mount_prefix = mount_prefix  # set: instance_url follows the address the token endpoint is reached at
        self.oauth = SalesforceOAuth(self, expires_in=session_seconds)
        self.batch_size = batch_size
        self.versions = VERSIONS
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.org = Org()
        self.list_views = [
            ListView("00B5g00000AllCtAAA", "Contact", "All Contacts", "SELECT Name, Id FROM Contact ORDER BY Name ASC"),
            ListView("00B5g00000AllLdAAA", "Lead", "All Open Leads",
                     "SELECT Name, Id FROM Lead WHERE IsConverted = false AND Status != 'Closed - Not Converted' "
                     "ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST"),
            ListView("00B5g00000MyLdsAAA", "Lead", "My Leads",
                     "SELECT Name, Id FROM Lead USING SCOPE mine ORDER BY Name ASC NULLS FIRST, Id ASC NULLS FIRST"),
        ]
        self._lock = threading.RLock()
        self._clock = START
        self._faults: deque[Fault] = deque()
        self._locators: dict[str, Locator] = {}
        prefix = "/services/data/v{version}"
        routes = [
            Route("/services/data/", self._versions, methods=["GET"]),
            Route(prefix + "/query", self._query, methods=["GET"]),
            Route(prefix + "/query/", self._query, methods=["GET"]),  # simple-salesforce's spelling
            Route(prefix + "/query/{locator}", self._more, methods=["GET"]),
            Route(prefix + "/sobjects/{sobject}/describe", self._describe, methods=["GET"]),
            Route(prefix + "/sobjects/{sobject}/listviews", self._list_views, methods=["GET"]),
            Route(prefix + "/sobjects/{sobject}/listviews/{view}/describe", self._describe_view, methods=["GET"]),
            Route("/services/oauth2/revoke", self._revoke, methods=["POST"]),
            *self.oauth.routes(),
        ]
        self._app = Starlette(routes=routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    # -- data -----------------------------------------------------------------------------

    def tick(self, step: timedelta = timedelta(seconds=1)) -> datetime:
        with self._lock:
            self._clock += step
            return self._clock

    def add(self, sobject: str, email: str | None, *, modstamp: datetime | None = None, owner: str = USER_ID,
            **fields: Any) -> str:
        with self._lock:
            self.org.counters[sobject] += 1
            record_id = f"{PREFIX[sobject]}5g{self.org.counters[sobject]:010d}AAA"
            moment = modstamp or self.tick()
            record: dict[str, Any] = {"Id": record_id, "Email": email, "HasOptedOutOfEmail": False,
                                      "IsDeleted": False, "OwnerId": owner, "CreatedDate": moment,
                                      "SystemModstamp": moment, "LastModifiedDate": moment, "_type": sobject}
            if sobject == "Lead":
                record |= {"IsConverted": False, "Status": "Open - Not Contacted", "Company": "Unknown"}
            record |= fields
            self.org.records[record_id] = record
            return record_id

    def seed(self, count: int, sobject: str = "Contact", *, same_stamp: bool = False) -> list[str]:
        """`count` records with distinct emails; with `same_stamp`, all sharing one SystemModstamp."""
        moment = self.tick() if same_stamp else None
        return [self.add(sobject, f"p{n}@example.com", modstamp=moment, FirstName=f"P{n}", LastName="Person")
                for n in range(count)]

    def edit(self, record_id: str, **fields: Any) -> None:
        with self._lock:
            self.org.records[record_id] |= {**fields, "SystemModstamp": self.tick()}

    def seed_demo(self, count: int = 300, seed: int = 11) -> None:
        import random
        rng = random.Random(seed)
        first = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis"]
        last = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie"]
        for n in range(count):
            sobject = "Lead" if n % 3 == 0 else "Contact"
            given, family = rng.choice(first), rng.choice(last)
            extra: dict[str, Any] = {"FirstName": given, "LastName": family,
                                     "Title": rng.choice(["CTO", "Buyer", "VP Sales"]),
                                     "Phone": f"+1415555{n:04d}", "HasOptedOutOfEmail": n % 17 == 5}
            if sobject == "Lead":
                extra |= {"Status": rng.choice([s for s, active in LEAD_STATUSES if active]),
                          "Company": rng.choice(["Initech", "Globex", "Umbrella"]), "City": "Springfield"}
            else:
                extra |= {"Account": {"Name": rng.choice(["Acme", "Hooli", "Stark"])}, "MailingCity": "Boston"}
            self.add(sobject, f"{given}.{family}.{n}@example.com".lower() if n % 50 != 7 else None, **extra)

    # -- scripting ------------------------------------------------------------------------

    def fail_next(self, status: int, code: str, message: str = "scripted", times: int = 1) -> None:
        with self._lock:
            self._faults.extend([Fault(status, [{"message": message, "errorCode": code}])] * times)

    def rate_limit_next(self, retry_after: str | None = None, times: int = 1) -> None:
        """Salesforce sends no Retry-After with its API request limit: `retry_after` is ignored."""
        self.fail_next(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", times)

    def malform_next(self, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([Fault(truncate=True)] * times)

    def expire_locators(self) -> None:
        with self._lock:
            for locator in self._locators.values():
                locator.expired = True

    def end_sessions(self) -> None:
        """The org's session timeout passed: access tokens stop working, refresh tokens still do."""
        self.oauth.expire_access_tokens()

    def count(self, path_part: str) -> int:
        with self._lock:
            return sum(1 for _, path, _ in self.requests if path_part in path)

    # -- endpoints ------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response | None:
        """Records the call, applies scripted faults and authentication: an answer, or None to go on."""
        with self._lock:
            self.requests.append((request.method, request.url.path, dict(request.query_params)))
            fault = self._faults.popleft() if self._faults else None
        if fault is not None and fault.truncate:
            return Response(b'{"totalSize": 3, "done": true, "records": [{"attrib', status_code=200,
                            media_type="application/json")
        if fault is not None:
            return JSONResponse(fault.body, status_code=fault.status)
        if request.path_params.get("version") not in self.versions:
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
        if self.oauth.bearer_account(request) is None:
            return sf_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        return None

    async def _versions(self, request: Request) -> Response:
        with self._lock:
            self.requests.append((request.method, request.url.path, {}))
        return JSONResponse([{"label": f"Release {v}", "url": f"/services/data/v{v}", "version": v}
                             for v in self.versions])

    async def _query(self, request: Request) -> Response:
        refused = await self._api(request)
        if refused is not None:
            return refused
        try:
            query = soql.parse(request.query_params.get("q", ""), lambda obj, name: name in OBJECT_FIELDS.get(obj, ()))
        except soql.SoqlError as exc:
            return sf_error(400, exc.code, exc.message)
        if query.sobject not in OBJECT_FIELDS:
            return sf_error(400, "INVALID_TYPE", f"sObject type '{query.sobject}' is not supported.")
        user = self.oauth.bearer_account(request)
        with self._lock:
            rows = [r for r in self.org.records.values() if r["_type"] == query.sobject and not r["IsDeleted"]
                    and (query.scope != "mine" or r["OwnerId"] == user) and query.where(r)]
        for name, descending in reversed(query.order):
            rows.sort(key=lambda r, n=name: _sort_key(soql.value_of(r, n)), reverse=descending)
        rows = rows[: query.limit] if query.limit is not None else rows
        version = request.path_params["version"]
        shaped = [_shape(r, query.fields, version) for r in rows]
        return self._batch(shaped, version, secrets.token_hex(8), 0)

    async def _more(self, request: Request) -> Response:
        refused = await self._api(request)
        if refused is not None:
            return refused
        name, _, offset = request.path_params["locator"].removeprefix("01g").rpartition("-")
        with self._lock:
            locator = self._locators.get(name)
        if locator is None or locator.expired or not offset.isdigit():
            return sf_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._batch(locator.rows, locator.version, name, int(offset))

    def _batch(self, rows: list[dict[str, Any]], version: str, name: str, offset: int) -> Response:
        end = offset + self.batch_size
        answer: dict[str, Any] = {"totalSize": len(rows), "done": end >= len(rows), "records": rows[offset:end]}
        if end < len(rows):
            with self._lock:
                self._locators[name] = Locator(rows, version)
            answer["nextRecordsUrl"] = f"/services/data/v{version}/query/01g{name}-{end}"
        return JSONResponse(answer)

    async def _describe(self, request: Request) -> Response:
        refused = await self._api(request)
        if refused is not None:
            return refused
        sobject = request.path_params["sobject"]
        if sobject not in OBJECT_FIELDS:
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
        fields = [{"name": f, "type": "string", "picklistValues": []} for f in OBJECT_FIELDS[sobject] if "." not in f]
        for described in fields:
            if sobject == "Lead" and described["name"] == "Status":
                described["type"] = "picklist"
                described["picklistValues"] = [{"active": active, "defaultValue": n == 0, "label": value,
                                                "validFor": None, "value": value}
                                               for n, (value, active) in enumerate(LEAD_STATUSES)]
        return JSONResponse({"name": sobject, "label": sobject, "queryable": True, "fields": fields})

    async def _list_views(self, request: Request) -> Response:
        refused = await self._api(request)
        if refused is not None:
            return refused
        sobject, version = request.path_params["sobject"], request.path_params["version"]
        views = [{"id": v.id, "label": v.label, "developerName": v.label.replace(" ", "_"), "soqlCompatible": True,
                  "describeUrl": f"/services/data/v{version}/sobjects/{sobject}/listviews/{v.id}/describe",
                  "resultsUrl": f"/services/data/v{version}/sobjects/{sobject}/listviews/{v.id}/results",
                  "url": f"/services/data/v{version}/sobjects/{sobject}/listviews/{v.id}"}
                 for v in self.list_views if v.sobject == sobject]
        return JSONResponse({"done": True, "listviews": views, "nextRecordsUrl": None, "size": len(views),
                             "sobjectType": sobject})

    async def _describe_view(self, request: Request) -> Response:
        refused = await self._api(request)
        if refused is not None:
            return refused
        view = next((v for v in self.list_views if v.id == request.path_params["view"]
                     and v.sobject == request.path_params["sobject"]), None)
        if view is None:
            return sf_error(404, "NOT_FOUND", "The requested resource does not exist")
        return JSONResponse({"id": view.id, "query": view.query, "sobjectType": view.sobject, "columns": [],
                             "orderBy": [], "scope": None, "whereCondition": None})

    async def _revoke(self, request: Request) -> Response:
        form = await request.form()
        with self._lock:
            self.requests.append(("POST", request.url.path, {}))
        status = self.oauth.revoke(str(form.get("token", "")))
        if status == 400:
            return JSONResponse({"error": "invalid_token", "error_description": "invalid token"}, status_code=400)
        return Response(status_code=status)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (1, value)  # Ids sort case-sensitively, as Salesforce sorts them
    return (1, value)


def _shape(record: dict[str, Any], fields: list[str], version: str) -> dict[str, Any]:
    sobject = record["_type"]
    shaped: dict[str, Any] = {"attributes": {"type": sobject,
                                             "url": f"/services/data/v{version}/sobjects/{sobject}/{record['Id']}"}}
    for name in fields:
        if "." in name:
            relation, _, inner = name.partition(".")
            related = record.get(relation)
            if isinstance(related, dict):
                shaped.setdefault(relation, {"attributes": {"type": "Account", "url": "/"}})[inner] = related.get(inner)
            else:
                shaped[relation] = None
            continue
        value = record.get(name)
        shaped[name] = stamp(value) if isinstance(value, datetime) else value
    return shaped

