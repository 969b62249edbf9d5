"""A local Mailchimp that answers like the Marketing API 3.0, with scriptable faults.

`MailchimpSimulator` is an ASGI (Starlette) app serving, at the root of its base URL:
- the API of data centre `dc` under `/{dc}/3.0` (so `https://{dc}.api.mailchimp.com/3.0` maps to
  `{base}/{dc}/3.0`): `GET /` (account), `GET /lists`, `GET /lists/{id}/merge-fields`,
  `GET /lists/{id}/segments?type=static` (tags), `GET /lists/{id}/members` with `count` (≤1000,
  default 10), `offset`, `status`, `since_last_changed`, `before_last_changed`,
  `sort_field=last_changed`, `sort_dir`, and `fields` (`members.email_address,total_items`) as
  Mailchimp applies them. Members sharing a `last_changed` come in a stable order that is not the
  id order. `since_last_changed` is exclusive ("changed after", as documented);
  `since_inclusive = True` makes it inclusive, to prove the connector relies on neither.
  Authentication: HTTP Basic with any user and an API key of this data centre, or
  `Authorization: Bearer <OAuth token>`; a key of another data centre is 401 like Mailchimp's.
- the login server: `GET /oauth2/authorize` (auto-approves), `POST /oauth2/token` (answers
  `{"access_token", "expires_in": 0, "scope": null}`: no refresh token, no expiry) and
  `GET /oauth2/metadata` (`Authorization: OAuth <token>` → `dc`, `accountname`, `api_endpoint`).
- errors as `application/problem+json` (`type`, `title`, `status`, `detail`, `instance`): 401
  `API Key Invalid`, 404 `Resource Not Found`, 429 `Too Many Requests` past `max_connections`
  simultaneous requests of one user (10, as Mailchimp) or after `rate_limit_next`.
`requests` lists (method, path, params) of every API call. Thread-safe (the demo serves it).
"""

from __future__ import annotations

import asyncio
import hashlib
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

from tests.simulators.oauth import OAuthSimulator

DC = "us21"
API_KEY = "0123456789abcdef0123456789abcdef-us21"
CLIENT_ID, CLIENT_SECRET = "mailchimp-client-id", "mailchimp-client-secret"
ACCOUNT_ID = "8d3a3db4d97663a9074efcc16"
START = datetime(2026, 2, 1, 8, 0, tzinfo=timezone.utc)
DEFAULT_MERGE_FIELDS = (("FNAME", "First Name", "text"), ("LNAME", "Last Name", "text"),
                        ("ADDRESS", "Address", "address"), ("PHONE", "Phone Number", "phone"),
                        ("BIRTHDAY", "Birthday", "birthday"))


def mc_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def problem(status: int, title: str, detail: str) -> JSONResponse:
    body = {"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": title, "status": status,
            "detail": detail, "instance": secrets.token_hex(8)}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class MailchimpOAuth(OAuthSimulator):
    """The generic authorization server, answering like Mailchimp's `/oauth2/token`."""

    def __init__(self) -> None:
        super().__init__(CLIENT_ID, CLIENT_SECRET, authorize_path="/oauth2/authorize", token_path="/oauth2/token",
                         next_account=ACCOUNT_ID, expires_in=10 * 365 * 86400)

    def _token_set(self, grant: Any, include_refresh: bool = True) -> dict[str, Any]:
        answer = super()._token_set(grant, include_refresh=False)
        return {"access_token": answer["access_token"], "expires_in": 0, "scope": None}


@dataclass
class Audience:
    id: str
    name: str
    merge_fields: list[tuple[str, str, str]] = field(default_factory=lambda: list(DEFAULT_MERGE_FIELDS))
    members: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    status: int = 200
    title: str = ""
    truncate: bool = False


class MailchimpSimulator:
    """See the module docstring. Scripting: `add_audience`, `add_member`, `seed`, `edit`,
    `rate_limit_next`, `fail_next`, `malform_next`, `hold_requests`, and `oauth`."""

    def __init__(self, dc: str = DC, *, since_inclusive: bool = False, max_connections: int = 10) -> None:
        self.dc, self.since_inclusive, self.max_connections = dc, since_inclusive, max_connections
        self.api_keys = {API_KEY}
        self.oauth = MailchimpOAuth()
        self.audiences: dict[str, Audience] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.hold: asyncio.Event | None = None  # set by `hold_requests`: API calls wait for it
        self._in_flight = 0
        self.peak_in_flight = 0  # the most simultaneous API calls seen
        self._lock = threading.RLock()
        self._clock = START
        self._faults: deque[Fault] = deque()
        api = "/{dc}/3.0"
        routes = [
            Route(api + "/", self._root, methods=["GET"]),
            Route(api + "/lists", self._lists, methods=["GET"]),
            Route(api + "/lists/{list_id}/merge-fields", self._merge_fields, methods=["GET"]),
            Route(api + "/lists/{list_id}/segments", self._segments, methods=["GET"]),
            Route(api + "/lists/{list_id}/members", self._members, methods=["GET"]),
            Route("/oauth2/metadata", self._metadata, methods=["GET"]),
            *self.oauth.routes(),
        ]
        self._app = Starlette(routes=routes)
        self.add_audience("a1b2c3d4e5", "Newsletter")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    # -- data -----------------------------------------------------------------------------

    def tick(self, seconds: int = 1) -> datetime:
        with self._lock:
            self._clock += timedelta(seconds=seconds)
            return self._clock

    def add_audience(self, audience_id: str, name: str) -> Audience:
        with self._lock:
            audience = self.audiences[audience_id] = Audience(audience_id, name)
            return audience

    def add_member(self, email: str, *, audience: str = "a1b2c3d4e5", status: str = "subscribed",
                   changed: datetime | None = None, tags: tuple[str, ...] = (), **merges: Any) -> str:
        with self._lock:
            member_id = hashlib.md5(email.lower().encode()).hexdigest()
            moment = changed or self.tick()
            merge_fields = {tag: "" for tag, _, kind in self.audiences[audience].merge_fields if kind != "address"}
            merge_fields |= {"ADDRESS": ""} | merges
            self.audiences[audience].members[member_id] = {
                "id": member_id, "email_address": email, "unique_email_id": member_id[:10], "contact_id": member_id,
                "full_name": " ".join(str(merges.get(k, "")) for k in ("FNAME", "LNAME")).strip(),
                "web_id": int(member_id[:6], 16), "email_type": "html", "status": status,
                "merge_fields": merge_fields, "stats": {"avg_open_rate": 0, "avg_click_rate": 0},
                "ip_signup": "", "timestamp_signup": mc_time(moment), "ip_opt": "198.51.100.7",
                "timestamp_opt": mc_time(moment), "member_rating": 2, "last_changed": moment, "language": "",
                "vip": False, "email_client": "", "location": {"latitude": 0, "longitude": 0},
                "source": "API - Generic", "tags_count": len(tags),
                "tags": [{"id": 1000 + n, "name": t} for n, t in enumerate(tags)], "list_id": audience,
                "_tie": hashlib.sha1(member_id.encode()).hexdigest()}
            return member_id

    def seed(self, count: int, *, same_time: bool = False, audience: str = "a1b2c3d4e5") -> list[str]:
        moment = self.tick() if same_time else None
        return [self.add_member(f"p{n}@example.com", audience=audience, changed=moment, FNAME=f"P{n}", LNAME="Person")
                for n in range(count)]

    def edit(self, member_id: str, audience: str = "a1b2c3d4e5", *, status: str | None = None, **merges: Any) -> None:
        with self._lock:
            member = self.audiences[audience].members[member_id]
            member["merge_fields"] |= merges
            if status is not None:
                member["status"] = status
            member["last_changed"] = self.tick()

    def seed_demo(self, count: int = 300, seed: int = 5) -> None:
        import random
        rng = random.Random(seed)
        self.audiences["a1b2c3d4e5"].merge_fields.append(("COMPANY", "Company", "text"))
        first = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis"]
        last = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie"]
        statuses = ["subscribed"] * 12 + ["unsubscribed", "cleaned", "pending", "archived"]
        for n in range(count):
            given, family = rng.choice(first), rng.choice(last)
            self.add_member(f"{given}.{family}.{n}@example.com".lower(), status=rng.choice(statuses),
                            tags=tuple(rng.sample(["customer", "vip", "webinar"], rng.randint(0, 2))),
                            FNAME=given, LNAME=family, COMPANY=rng.choice(["Acme", "Globex", ""]), BIRTHDAY="04/17")

    # -- scripting ------------------------------------------------------------------------

    def fail_next(self, status: int, title: str, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([Fault(status, title)] * times)

    def rate_limit_next(self, retry_after: str | None = None, times: int = 1) -> None:
        self.fail_next(429, "Too Many Requests", times)

    def malform_next(self, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([Fault(truncate=True)] * times)

    def hold_requests(self) -> asyncio.Event:
        """API calls wait until the returned event is set (to hold connections open)."""
        self.hold = asyncio.Event()
        return self.hold

    def member_calls(self) -> list[dict[str, str]]:
        with self._lock:
            return [params for _, path, params in self.requests if path.endswith("/members")]

    # -- endpoints ------------------------------------------------------------------------

    def _user(self, request: Request) -> str | None:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "basic":
            import base64
            try:
                key = base64.b64decode(value).decode().partition(":")[2]
            except ValueError:
                return None
            return ACCOUNT_ID if key in self.api_keys and key.endswith("-" + self.dc) else None
        if scheme.lower() in ("bearer", "oauth"):
            return self.oauth.account_for(value.strip())
        return None

    async def _api(self, request: Request, handler: Any) -> Response:
        with self._lock:
            self.requests.append((request.method, request.url.path, dict(request.query_params)))
            fault = self._faults.popleft() if self._faults else None
        if fault is not None and fault.truncate:
            return Response(b'{"members": [{"id": "', media_type="application/json")
        if fault is not None:
            return problem(fault.status, fault.title, "Scripted.")
        if request.path_params.get("dc") != self.dc or self._user(request) is None:
            return problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the "
                           "wrong datacenter.")
        with self._lock:
            if self._in_flight >= self.max_connections:
                return problem(429, "Too Many Requests",
                               f"You have exceeded the limit of {self.max_connections} simultaneous connections.")
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            if self.hold is not None:
                await self.hold.wait()
            return handler(request)
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _root(self, request: Request) -> Response:
        return await self._api(request, lambda r: JSONResponse(_select(
            {"account_id": ACCOUNT_ID, "login_id": "44321", "account_name": "Acme Newsletter",
             "email": "owner@example.com", "first_name": "Ann", "last_name": "Owner", "role": "owner",
             "member_since": "2019-05-01T10:00:00+00:00", "total_subscribers": 1}, r)))

    async def _lists(self, request: Request) -> Response:
        def answer(r: Request) -> Response:
            lists = [{"id": a.id, "web_id": 1, "name": a.name, "stats": {"member_count": len(a.members)}}
                     for a in self.audiences.values()]
            return JSONResponse(_select({"lists": lists, "total_items": len(lists)}, r))
        return await self._api(request, answer)

    def _audience(self, request: Request) -> Audience | None:
        return self.audiences.get(request.path_params["list_id"])

    async def _merge_fields(self, request: Request) -> Response:
        def answer(r: Request) -> Response:
            audience = self._audience(r)
            if audience is None:
                return problem(404, "Resource Not Found", "The requested resource could not be found.")
            fields = [{"merge_id": n + 1, "tag": tag, "name": name, "type": kind, "list_id": audience.id}
                      for n, (tag, name, kind) in enumerate(audience.merge_fields)]
            return JSONResponse(_select({"merge_fields": fields, "list_id": audience.id,
                                         "total_items": len(fields)}, r))
        return await self._api(request, answer)

    async def _segments(self, request: Request) -> Response:
        def answer(r: Request) -> Response:
            audience = self._audience(r)
            if audience is None:
                return problem(404, "Resource Not Found", "The requested resource could not be found.")
            names = sorted({t["name"] for m in audience.members.values() for t in m["tags"]})
            segments = [{"id": 1000 + n, "name": name, "type": "static", "list_id": audience.id,
                         "member_count": sum(1 for m in audience.members.values()
                                             if name in {t["name"] for t in m["tags"]})}
                        for n, name in enumerate(names)]
            return JSONResponse(_select({"segments": segments, "list_id": audience.id,
                                         "total_items": len(segments)}, r))
        return await self._api(request, answer)

    async def _members(self, request: Request) -> Response:
        return await self._api(request, self._member_page)

    def _member_page(self, request: Request) -> Response:
        audience = self._audience(request)
        if audience is None:
            return problem(404, "Resource Not Found", "The requested resource could not be found.")
        params = request.query_params
        try:
            count, offset = int(params.get("count", "10")), int(params.get("offset", "0"))
            since = _time(params.get("since_last_changed"))
            before = _time(params.get("before_last_changed"))
        except ValueError:
            return problem(400, "Invalid Resource", "The resource submitted could not be validated.")
        if not 0 <= count <= 1000 or offset < 0:
            return problem(400, "Invalid Resource", "count must be between 0 and 1000.")
        with self._lock:
            rows = [m for m in audience.members.values()
                    if (not params.get("status") or m["status"] == params["status"])
                    and (since is None or m["last_changed"] > since
                         or (self.since_inclusive and m["last_changed"] == since))
                    and (before is None or m["last_changed"] < before)]
        if params.get("sort_field") == "last_changed":
            rows.sort(key=lambda m: (m["last_changed"], m["_tie"]), reverse=params.get("sort_dir") == "DESC")
        page = [{**{k: v for k, v in m.items() if not k.startswith("_")}, "last_changed": mc_time(m["last_changed"])}
                for m in rows[offset: offset + count]]
        return JSONResponse(_select({"members": page, "list_id": audience.id, "total_items": len(rows)}, request))

    async def _metadata(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "OAuth" or self.oauth.account_for(token.strip()) is None:
            return JSONResponse({"error": "invalid_token", "error_description": "Invalid token"}, status_code=401)
        base = f"{request.url.scheme}://{request.url.netloc}"
        return JSONResponse({"dc": self.dc, "role": "owner", "accountname": "Acme Newsletter", "user_id": 44321,
                             "login": {"email": "owner@example.com", "login_id": 44321, "login_name": "ann"},
                             "login_url": "https://login.mailchimp.com", "api_endpoint": f"{base}/{self.dc}"})


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def _select(answer: dict[str, Any], request: Request) -> dict[str, Any]:
    """Applies `fields` (`members.id,members.email_address,total_items`) as Mailchimp does."""
    wanted = [f.strip() for f in request.query_params.get("fields", "").split(",") if f.strip()]
    if not wanted:
        return answer
    selected: dict[str, Any] = {}
    for path in wanted:
        top, _, inner = path.partition(".")
        if top not in answer:
            continue
        if inner and isinstance(answer[top], list):
            rows = selected.setdefault(top, [{} for _ in answer[top]])
            for row, source in zip(rows, answer[top], strict=True):
                if inner in source:
                    row[inner] = source[inner]
        else:
            selected[top] = answer[top]
    return selected
