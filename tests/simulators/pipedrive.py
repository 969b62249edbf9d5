"""A local Pipedrive that answers like the real API for what the connector uses, with faults.

Endpoints (under `/{company}` or at the root): `GET /api/v2/persons` (limit ≤ 500, keyset
`cursor` → `additional_data.next_cursor`, `updated_since` inclusive, `updated_until`, `owner_id`,
`sort_by` id|update_time|add_time, `sort_direction`, `include_fields=marketing_status`),
`GET /api/v1/personFields` (`start`/`limit`, `additional_data` with `start`, `limit` and
`more_items_in_collection`, no `next_start`), `GET /api/v2/organizations` (`ids`, up to 100; ids
that do not exist are left out), `GET /api/v1/users` (`users`) and `GET /api/v1/users/me`. The token is read
from the `x-api-token` header (or the legacy `api_token` query parameter). Every answer carries a
`Date` header, from `clock` (settable).

Scripting: `add_person`, `edit`, `seed`, `seed_demo`, `add_custom_field`, `organizations` (names by id), `fail_next`,
`truncate_next`, `rate_limit_next`, `exhaust_daily_budget`, `expire_cursors`, `api_token`
(change it to refuse the connector's), `marketing_app` (False: a company without the Campaigns
add-on, refusing `include_fields=marketing_status` with `marketing_refusal`); `requests` records
(path, params, headers).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

TOKEN = "0123456789abcdef0123456789abcdef01234567"
EPOCH = datetime(2024, 3, 1, 9, 0, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Fault:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    truncate: bool = False


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def custom_key(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()


class PipedriveSimulator:
    def __init__(self, company_domain: str = "acme", api_token: str = TOKEN) -> None:
        self.company_domain, self.api_token = company_domain, api_token
        self.company_name = company_domain.title() + " Ltd"
        # A company with the Campaigns add-on answers `include_fields=marketing_status`; one without
        # refuses it with a 400 whose body is not a contract (what it says is a test's choice).
        self.marketing_app = True
        self.marketing_refusal: Any = {"success": False, "error": "Validation failed",
                                       "code": "ERR_SCHEMA_VALIDATION_FAILED"}
        self.persons: dict[int, dict[str, Any]] = {}
        self.person_fields: list[dict[str, Any]] = [
            {"id": 1, "key": "name", "name": "Name", "field_type": "varchar"},
            {"id": 2, "key": "label_ids", "name": "Labels", "field_type": "set",
             "options": [{"id": 1, "label": "Customer"}, {"id": 2, "label": "Hot lead"}]},
        ]
        self.users: list[dict[str, Any]] = [
            {"id": 1, "name": "Owner One", "email": "owner@acme.example", "active_flag": True},
            {"id": 2, "name": "Sam Seller", "email": "sam@acme.example", "active_flag": True},
            {"id": 3, "name": "Former Colleague", "email": "gone@acme.example", "active_flag": False},
        ]
        self.organizations: dict[int, str] = {5: "Initech", 10: "Globex Corporation", 11: "Umbrella Ltd"}
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc).replace(microsecond=0)
        self._next_id = 1
        self._lock = threading.Lock()
        self._faults: deque[Fault] = deque()
        self._cursor_generation = 0
        routes = [Route("/api/v2/persons", self._persons), Route("/api/v1/personFields", self._person_fields),
                  Route("/api/v1/users/me", self._me), Route("/api/v1/users", self._users),
                  Route("/api/v2/organizations", self._organizations)]
        self._app = Starlette(routes=routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            prefix = f"/{self.company_domain}"
            if path.startswith(prefix + "/"):
                scope = dict(scope, path=path[len(prefix):], requested_path=path)
            elif not path.startswith("/api/"):
                await JSONResponse({"success": False, "error": "Company not found"}, 404)(scope, receive, send)
                return
        await self._app(scope, receive, send)

    # scripting ---------------------------------------------------------------------------------
    def add_person(self, *, name: str, email: str | None, update_time: datetime | None = None,
                   **extra: Any) -> dict[str, Any]:
        with self._lock:
            person_id, self._next_id = self._next_id, self._next_id + 1
            moment = update_time or self.clock()
            person = {"id": person_id, "name": name, "first_name": None, "last_name": None, "owner_id": 1,
                      "org_id": None, "add_time": rfc3339(moment), "update_time": rfc3339(moment),
                      "emails": [{"value": email, "primary": True, "label": "work"}] if email else [],
                      "phones": [], "is_deleted": False, "visible_to": 3, "label_ids": [], "picture_id": None,
                      "custom_fields": {}, "marketing_status": "no_consent"}
            person.update(extra)
            self.persons[person_id] = person
            return person

    def seed(self, count: int, update_time: datetime | None = None, **extra: Any) -> list[dict[str, Any]]:
        """`count` persons; distinct update times a second apart unless `update_time` is given."""
        return [self.add_person(name=f"First{n} Last{n}", email=f"person{n}@example.com",
                                update_time=update_time or EPOCH + timedelta(seconds=n), **extra)
                for n in range(count)]

    def edit(self, person_id: int, update_time: datetime | None = None, **changes: Any) -> dict[str, Any]:
        with self._lock:
            person = self.persons[person_id]
            person.update(changes)
            person["update_time"] = rfc3339(update_time or self.clock())
            return person

    def add_custom_field(self, name: str, field_type: str = "varchar",
                         options: list[dict[str, Any]] | None = None) -> str:
        key = custom_key(name)
        item: dict[str, Any] = {"id": len(self.person_fields) + 100, "key": key, "name": name,
                                "field_type": field_type, "edit_flag": True}
        if options:
            item["options"] = options
        self.person_fields.append(item)
        return key

    def seed_demo(self, count: int = 200, seed: int = 7) -> None:
        rng = random.Random(seed)
        first = ["Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas"]
        last = ["Rossi", "Moreau", "Novak", "Berg", "Silva", "Okafor", "Tanaka", "Kowalski", "Weber", "Costa"]
        size = self.add_custom_field("Company size", "enum",
                                     [{"id": 11, "label": "1-10"}, {"id": 12, "label": "11-50"}])
        source = self.add_custom_field("Lead source")
        for n in range(count):
            f, l_ = rng.choice(first), rng.choice(last)
            self.add_person(name=f"{f} {l_}", email=f"{f}.{l_}{n}@example.org".lower(),
                            update_time=EPOCH + timedelta(minutes=n),
                            phones=[{"value": f"+39 02 {rng.randint(1000000, 9999999)}", "primary": True,
                                     "label": "work"}],
                            label_ids=rng.sample([1, 2], rng.randint(0, 2)), owner_id=rng.choice([1, 2]),
                            org_id=rng.choice([None, 10, 11]),
                            custom_fields={size: rng.choice([11, 12]), source: rng.choice(["Web", "Fair", None])},
                            marketing_status=rng.choice(["subscribed", "no_consent", "unsubscribed"]))

    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None, body: Any = None) -> None:
        body = body if body is not None else {"success": False, "error": f"HTTP {status}", "errorCode": status}
        with self._lock:
            self._faults.extend([Fault(status, dict(headers or {}), body)] * times)

    def truncate_next(self, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([Fault(truncate=True)] * times)

    def rate_limit_next(self, retry_after: str | None = None, reset: str | None = "2") -> None:
        headers = {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "0"}
        headers |= {"Retry-After": retry_after} if retry_after else {}
        headers |= {"x-ratelimit-reset": reset} if reset else {}
        self.fail_next(429, headers=headers, body={"success": False, "error": "Request over limit", "errorCode": 429})

    def exhaust_daily_budget(self, times: int = 1) -> None:
        body = {"success": False, "error": "Daily API token budget exceeded. Your budget resets at midnight UTC.",
                "errorCode": 429}
        self.fail_next(429, times=times, headers={"x-ratelimit-reset": "2"}, body=body)

    def expire_cursors(self) -> None:
        self._cursor_generation += 1

    # endpoints ---------------------------------------------------------------------------------
    def _answer(self, request: Request) -> Response | None:
        """A scripted fault or an authentication failure, else None; records the request."""
        with self._lock:
            path = request.scope.get("requested_path", request.url.path)
            self.requests.append((path, dict(request.query_params), dict(request.headers)))
            fault = self._faults.popleft() if self._faults else None
        if fault is not None and not fault.truncate:
            return self._json(fault.body, fault.status, fault.headers)
        token = request.headers.get("x-api-token") or request.query_params.get("api_token")
        if token != self.api_token:
            return self._json({"success": False, "error": "unauthorized access", "errorCode": 401,
                               "error_info": "Please check developers.pipedrive.com"}, 401)
        if fault is not None:  # truncated: the full Content-Length, half the body
            body = json.dumps({"success": True, "data": [], "additional_data": {}}).encode()
            return Response(body[: len(body) // 2], headers={"Content-Length": str(len(body)),
                                                             "Content-Type": "application/json", **self._date()})
        return None

    def _json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse(body, status, headers={**self._date(), **(headers or {})})

    def _date(self) -> dict[str, str]:
        return {"Date": format_datetime(self.clock(), usegmt=True)}

    async def _me(self, request: Request) -> Response:
        refused = self._answer(request)
        if refused is not None:
            return refused
        user = {"id": 1, "name": "Owner One", "email": "owner@acme.example", "company_id": 77,
                "company_name": self.company_name, "company_domain": self.company_domain, "active_flag": True}
        return self._json({"success": True, "data": user})

    async def _users(self, request: Request) -> Response:
        """`GET /api/v1/users`: every user of the company, deactivated ones included (`active_flag`)."""
        refused = self._answer(request)
        if refused is not None:
            return refused
        return self._json({"success": True, "data": [dict(user) for user in self.users]})

    async def _person_fields(self, request: Request) -> Response:
        refused = self._answer(request)
        if refused is not None:
            return refused
        start, limit = int(request.query_params.get("start", 0)), min(int(request.query_params.get("limit", 100)), 500)
        items = self.person_fields[start:start + limit]
        more = start + limit < len(self.person_fields)
        # The shape the official client declares (GetFieldsResponseAllOfAdditionalData).
        pagination = {"start": start, "limit": limit, "more_items_in_collection": more}
        return self._json({"success": True, "data": items, "additional_data": pagination})

    async def _organizations(self, request: Request) -> Response:
        """`GET /api/v2/organizations?ids=1,2`: the ones that exist, `{id, name, ...}`."""
        refused = self._answer(request)
        if refused is not None:
            return refused
        ids = [int(i) for i in request.query_params.get("ids", "").split(",") if i.strip().isdigit()]
        if len(ids) > 100:
            return self._json({"success": False, "error": "Validation failed: ids: Must contain at most 100 items",
                               "code": "ERR_SCHEMA_VALIDATION_FAILED"}, 400)
        chosen = ids or sorted(self.organizations)[:int(request.query_params.get("limit", 100))]
        data = [{"id": i, "name": self.organizations[i], "owner_id": 1, "is_deleted": False}
                for i in chosen if i in self.organizations]
        return self._json({"success": True, "data": data, "additional_data": {"next_cursor": None}})

    async def _persons(self, request: Request) -> Response:
        refused = self._answer(request)
        if refused is not None:
            return refused
        q = request.query_params
        limit = int(q.get("limit", 100))
        if not 1 <= limit <= 500:
            return self._json({"success": False, "error": "Validation failed: limit: Must be between 1 and 500",
                               "code": "ERR_SCHEMA_VALIDATION_FAILED"}, 400)
        include = [f for f in q.get("include_fields", "").split(",") if f]
        if "marketing_status" in include and not self.marketing_app:
            return self._json(self.marketing_refusal, 400)
        sort_by, descending = q.get("sort_by", "id"), q.get("sort_direction", "asc") == "desc"
        ordered = sorted(self._filtered(q), key=lambda p: (p[sort_by], p["id"]) if sort_by != "id" else (p["id"],),
                         reverse=descending)
        start = 0
        if q.get("cursor"):
            position = self._decode_cursor(q["cursor"])
            if position is None:
                return self._json({"success": False, "error": "Invalid cursor", "code": "ERR_INVALID_CURSOR"}, 400)
            start = next((i for i, p in enumerate(ordered) if self._key(p, sort_by) >= position) if not descending
                         else (i for i, p in enumerate(ordered) if self._key(p, sort_by) <= position), len(ordered))
        page = ordered[start:start + limit]
        following = ordered[start + limit:start + limit + 1]
        next_cursor = self._encode_cursor(self._key(following[0], sort_by)) if following else None
        data = [self._shown(p, include) for p in page]
        return self._json({"success": True, "data": data, "additional_data": {"next_cursor": next_cursor}})

    def _filtered(self, q: Any) -> list[dict[str, Any]]:
        since, until = q.get("updated_since"), q.get("updated_until")
        owner = int(q["owner_id"]) if q.get("owner_id") else None
        with self._lock:
            persons = [dict(p) for p in self.persons.values() if not p.get("is_deleted")]
        return [p for p in persons if (not since or _moment(p["update_time"]) >= _moment(since)) and
                (not until or _moment(p["update_time"]) < _moment(until)) and (owner is None or p["owner_id"] == owner)]

    @staticmethod
    def _key(person: dict[str, Any], sort_by: str) -> list[Any]:
        return [person["id"]] if sort_by == "id" else [person[sort_by], person["id"]]

    def _encode_cursor(self, key: list[Any]) -> str:
        raw = json.dumps({"k": key, "g": self._cursor_generation}).encode()
        return base64.urlsafe_b64encode(raw).decode()

    def _decode_cursor(self, cursor: str) -> list[Any] | None:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        except ValueError:
            return None
        return decoded["k"] if decoded.get("g") == self._cursor_generation else None

    def _shown(self, person: dict[str, Any], include: list[str]) -> dict[str, Any]:
        shown = {k: v for k, v in person.items() if k != "marketing_status"}
        if "marketing_status" in include:
            shown["marketing_status"] = person.get("marketing_status")
        return shown
