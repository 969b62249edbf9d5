"""A local Shopify GraphQL Admin API for many shops, with cost-based throttling and scripted faults.

`ShopifySimulator` is an ASGI (Starlette) app serving `POST /{shop}/admin/api/{version}/graphql.json`
for any stable version (`YYYY-MM`, recorded in `versions`; tests point the connector's endpoint
`http://shopify.test/{shop}` at it). It answers like Shopify:
- `X-Shopify-Access-Token` checked per shop: 401 `{"errors": "[API] Invalid API key or access
  token ..."}`; an unknown shop is a 404.
- The query is parsed (graphql-core) and resolved field by field against the stored customers: a
  field the connector asks for that Shopify does not have is an `undefinedField` error, so a typo
  in the connector's query fails here as it would there.
- `customers(first ≤ 250, after, sortKey: UPDATED_AT, query)` with `updated_at:>=` / `:>` and
  `tag:` terms joined by AND, a parenthesised group of `tag:` terms joined by OR, sorted by
  (updatedAt, id); cursors are opaque and re-evaluated against the current data, so a customer
  edited during a traversal shows up again later in it.
- Cost: a connection costs 2 + first × (1 + one per nested object of a node), any other object
  1 per nested object; over 1,000 is MAX_COST_EXCEEDED. A leaky bucket per shop (1,000 points,
  100/s restored, on `clock`) answers THROTTLED with `extensions.cost.throttleStatus` when the
  requested cost is above what is available; the unused part of a query's cost is refunded.
- `shop { name myshopifyDomain customerTags(first ≤ 250) { nodes edges { node } pageInfo } }`, the
  tags being those of the shop's customers, sorted, each once.

Scripting: `fail_next(shop, status, times, headers, body)`, `rate_limit_next(shop, retry_after)`
(HTTP 429), `throttle_next(shop)` (a THROTTLED body), `truncate_next(shop)`, `error_next(shop,
code)` (a GraphQL error such as INTERNAL_SERVER_ERROR), any of them on the Nth call with
`on_call=N`; `deny_customers(shop)` (ACCESS_DENIED: the read_customers scope);
`protect_customer_data(shop, level)`, an app not approved for protected customer data: level 0
(no customer data: ACCESS_DENIED on `customers`), level 1 (no names, emails, phones or addresses:
those fields null, with an ACCESS_DENIED error per field unless `silent`); `requests` counts
every call.
It is thread-safe, so it can also be served with `serve_in_thread`.
"""

from __future__ import annotations

import base64
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse, value_from_ast_untyped
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

API_PATH = "/{shop}/admin/api/{version}/graphql.json"
PROTECTED_DOCS = "https://shopify.dev/docs/apps/launch/protected-customer-data"
PROTECTED_FIELDS = {"firstName": "name", "lastName": "name", "displayName": "name", "email": "email",
                    "phone": "phone", "defaultEmailAddress": "email", "defaultPhoneNumber": "phone",
                    "defaultAddress": "address"}
MAX_PAGE = 250
MAX_COST = 1000
BUCKET = 1000.0
RESTORE_RATE = 100.0
DEMO_SHOP, DEMO_TOKEN = "demo.myshopify.com", "shpat_demo"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"

# Which fields each type has; a dict value names the type of a nested object.
SCHEMA: dict[str, dict[str, str | None]] = {
    "QueryRoot": {"shop": "Shop", "customers": "CustomerConnection"},
    "Shop": {"name": None, "myshopifyDomain": None, "id": None, "email": None, "currencyCode": None,
             "customerTags": "StringConnection"},
    "StringConnection": {"nodes": None, "edges": "StringEdge", "pageInfo": "PageInfo"},
    "StringEdge": {"node": None, "cursor": None},
    "CustomerConnection": {"nodes": "Customer", "pageInfo": "PageInfo"},
    "PageInfo": {"hasNextPage": None, "hasPreviousPage": None, "endCursor": None, "startCursor": None},
    "Customer": {
        "id": None, "firstName": None, "lastName": None, "displayName": None, "tags": None, "note": None,
        "state": None, "verifiedEmail": None, "createdAt": None, "updatedAt": None, "numberOfOrders": None,
        "email": None, "phone": None, "locale": None,
        "amountSpent": "MoneyV2", "defaultEmailAddress": "CustomerEmailAddress",
        "defaultPhoneNumber": "CustomerPhoneNumber", "defaultAddress": "MailingAddress",
        "emailMarketingConsent": "CustomerEmailMarketingConsentState",
    },
    "MoneyV2": {"amount": None, "currencyCode": None},
    "CustomerEmailAddress": {"emailAddress": None, "marketingState": None, "marketingOptInLevel": None,
                             "marketingUpdatedAt": None, "validFormat": None},
    "CustomerPhoneNumber": {"phoneNumber": None},
    "MailingAddress": {"address1": None, "city": None, "province": None, "country": None, "zip": None,
                       "company": None, "countryCodeV2": None},
    "CustomerEmailMarketingConsentState": {"marketingState": None, "marketingOptInLevel": None,
                                           "consentUpdatedAt": None},
}


class ManualClock:
    """A clock for the bucket: `step` seconds pass at every reading (0 freezes it)."""

    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Fault:
    kind: str  # "http" | "throttle" | "truncate" | "error"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    code: str = ""
    available: float = 0.0  # what a scripted THROTTLED body says is left in the bucket


@dataclass
class Customer:
    number: int
    data: dict[str, Any]  # the Customer object as GraphQL returns it (all fields)

    @property
    def updated_at(self) -> str:
        return str(self.data["updatedAt"])


@dataclass
class Shop:
    domain: str
    name: str
    token: str
    customers: dict[int, Customer] = field(default_factory=dict)
    available: float = BUCKET
    refilled_at: float | None = None
    faults: list[Fault] = field(default_factory=list)
    on_call: dict[int, Fault] = field(default_factory=dict)
    calls: int = 0
    customers_denied: bool = False
    protected_level: int | None = None  # None: approved; 0 or 1: what an unapproved app may read
    protected_silent: bool = False


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ShopifySimulator:
    """Many shops behind one app; see the module docstring."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.shops: dict[str, Shop] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []  # (shop, variables)
        self.versions: list[str] = []  # the API version of each call
        self._lock = threading.Lock()
        self._next_number = 1001
        self._time = datetime(2025, 1, 1, tzinfo=timezone.utc)
        self._app = Starlette(routes=[Route(API_PATH, self._serve, methods=["POST"])])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    # --- data -------------------------------------------------------------------------------------

    def add_shop(self, domain: str, token: str, name: str | None = None) -> Shop:
        with self._lock:
            shop = Shop(domain, name or domain.split(".")[0].replace("-", " ").title(), token)
            self.shops[domain] = shop
            return shop

    def tick(self, seconds: int = 1) -> str:
        """Moves the shop's data clock on; the new time, as Shopify writes updatedAt."""
        self._time += timedelta(seconds=seconds)
        return _iso(self._time)

    def add_customer(self, shop: str, email: str | None, *, first_name: str | None = None,
                     last_name: str | None = None, marketing_state: str = "SUBSCRIBED", tags: tuple[str, ...] = (),
                     updated_at: str | None = None, **extra: Any) -> str:
        """Adds a customer; returns its id (`gid://shopify/Customer/N`)."""
        with self._lock:
            number, self._next_number = self._next_number, self._next_number + 1
            stamp = updated_at or self.tick()
            data = {
                "id": f"gid://shopify/Customer/{number}", "firstName": first_name, "lastName": last_name,
                "displayName": " ".join(p for p in (first_name, last_name) if p) or email or "",
                "tags": list(tags), "note": extra.get("note"), "state": extra.get("state", "ENABLED"),
                "verifiedEmail": extra.get("verified_email", True), "createdAt": extra.get("created_at", stamp),
                "updatedAt": stamp, "numberOfOrders": str(extra.get("orders", 0)), "locale": "en",
                "amountSpent": {"amount": str(extra.get("spent", "0.0")), "currencyCode": extra.get("currency", "USD")},
                "defaultEmailAddress": None if email is None else {
                    "emailAddress": email, "marketingState": marketing_state,
                    "marketingOptInLevel": "SINGLE_OPT_IN" if marketing_state == "SUBSCRIBED" else None,
                    "marketingUpdatedAt": stamp, "validFormat": "@" in email},
                "defaultPhoneNumber": {"phoneNumber": extra["phone"]} if extra.get("phone") else None,
                "defaultAddress": extra.get("address"),
            }
            data["email"] = email
            data["phone"] = extra.get("phone")
            data["emailMarketingConsent"] = None if email is None else {
                "marketingState": marketing_state, "marketingOptInLevel": None, "consentUpdatedAt": stamp}
            self.shops[shop].customers[number] = Customer(number, data)
            return str(data["id"])

    def add_customers(self, shop: str, count: int, *, domain: str = "example.com", start: int = 0,
                      **kwargs: Any) -> list[str]:
        return [self.add_customer(shop, f"customer{n}@{domain}", first_name=f"First{n}", last_name=f"Last{n}",
                                  **kwargs) for n in range(start, start + count)]

    def customer(self, shop: str, customer_id: str) -> dict[str, Any]:
        return self.shops[shop].customers[int(customer_id.rsplit("/", 1)[1])].data

    def edit(self, shop: str, customer_id: str, *, updated_at: str | None = None, **changes: Any) -> None:
        """Changes top-level fields (`firstName=...`) or the marketing state (`marketing_state=...`);
        updatedAt moves on as Shopify's does."""
        with self._lock:
            data = self.customer(shop, customer_id)
            state = changes.pop("marketing_state", None)
            if state and data["defaultEmailAddress"]:
                data["defaultEmailAddress"]["marketingState"] = state
                data["emailMarketingConsent"]["marketingState"] = state
            data.update(changes)
            data["updatedAt"] = updated_at or self.tick()

    def seed_demo(self, n: int = 200, shop: str = DEMO_SHOP, token: str = DEMO_TOKEN, seed: int = 7) -> None:
        """`n` believable customers in `shop` (added if missing): names, cities, tags, orders, phones,
        a mix of marketing states (most SUBSCRIBED)."""
        if shop not in self.shops:
            self.add_shop(shop, token)
        rng = random.Random(seed)
        firsts = ["Ada", "Bruno", "Chiara", "Dev", "Elena", "Farid", "Giulia", "Hana", "Ivan", "Jade", "Kofi", "Lea"]
        lasts = ["Rossi", "Okafor", "Lindqvist", "Nakamura", "Moreau", "Silva", "Byrne", "Novak", "Haddad", "Kowalski"]
        places = [("Milan", "MI", "Italy", "20121"), ("Lyon", "ARA", "France", "69001"),
                  ("Austin", "TX", "United States", "73301"), ("Leeds", "ENG", "United Kingdom", "LS1")]
        for index in range(n):
            first, last = rng.choice(firsts), rng.choice(lasts)
            city, province, country, zip_code = rng.choice(places)
            state = rng.choices(["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"], [6, 3, 1, 1])[0]
            orders = rng.randint(0, 12)
            self.add_customer(
                shop, f"{first}.{last}{index}@example.com".lower(), first_name=first, last_name=last,
                marketing_state=state, tags=tuple(rng.sample(["VIP", "wholesale", "newsletter", "returning"],
                                                             rng.randint(0, 2))),
                orders=orders, spent=f"{orders * rng.uniform(15, 90):.2f}",
                phone=f"+39 02 {rng.randint(1000000, 9999999)}",
                address={"city": city, "province": province, "country": country, "zip": zip_code,
                         "company": rng.choice([None, None, "Studio " + last])})

    # --- scripting ------------------------------------------------------------------------------

    def _script(self, shop: str, fault: Fault, times: int, on_call: int | None) -> None:
        with self._lock:
            target = self.shops[shop]
            if on_call is not None:
                target.on_call[on_call] = fault
            else:
                target.faults.extend([fault] * times)

    def fail_next(self, shop: str, status: int, times: int = 1, headers: dict[str, str] | None = None,
                  body: bytes = b"", on_call: int | None = None) -> None:
        self._script(shop, Fault("http", status, dict(headers or {}), body), times, on_call)

    def rate_limit_next(self, shop: str, retry_after: str | None = "2", times: int = 1,
                        on_call: int | None = None) -> None:
        """HTTP 429, as Shopify's edge answers (the REST API's way); `None` sends no Retry-After."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self.fail_next(shop, 429, times, headers, b'{"errors":"Exceeded 2 calls per second for api client."}',
                       on_call)

    def throttle_next(self, shop: str, times: int = 1, on_call: int | None = None, available: float = 0.0) -> None:
        """A 200 THROTTLED body saying `available` points are left (the real bucket is left alone)."""
        self._script(shop, Fault("throttle", available=available), times, on_call)

    def truncate_next(self, shop: str, times: int = 1, on_call: int | None = None) -> None:
        self._script(shop, Fault("truncate"), times, on_call)

    def error_next(self, shop: str, code: str = "INTERNAL_SERVER_ERROR", times: int = 1,
                   on_call: int | None = None) -> None:
        self._script(shop, Fault("error", code=code), times, on_call)

    def deny_customers(self, shop: str, denied: bool = True) -> None:
        self.shops[shop].customers_denied = denied

    def protect_customer_data(self, shop: str, level: int | None, silent: bool = False) -> None:
        self.shops[shop].protected_level, self.shops[shop].protected_silent = level, silent

    def calls(self, shop: str) -> int:
        return self.shops[shop].calls

    # --- serving ------------------------------------------------------------------------------------

    async def _serve(self, request: Request) -> Response:
        domain, version = request.path_params["shop"], request.path_params["version"]
        if not re.fullmatch(r"20[0-9]{2}-(01|04|07|10)", version):
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        raw = await request.body()
        with self._lock:
            shop = self.shops.get(domain)
            if shop is None:
                return JSONResponse({"errors": "Not Found"}, status_code=404)
            shop.calls += 1
            fault = shop.on_call.pop(shop.calls, None) or (shop.faults.pop(0) if shop.faults else None)
            if request.headers.get("X-Shopify-Access-Token") != shop.token:
                return JSONResponse({"errors": INVALID_TOKEN}, status_code=401)
            try:
                payload = json.loads(raw)
                query, variables = str(payload["query"]), dict(payload.get("variables") or {})
            except (ValueError, KeyError, TypeError):
                return JSONResponse({"errors": [{"message": "Parameter Missing or Invalid"}]}, status_code=400)
            self.requests.append((domain, variables))
            self.versions.append(version)
            if fault is not None and fault.kind == "http":
                return Response(fault.body, status_code=fault.status, headers=fault.headers,
                                media_type="application/json")
            body = self._execute(shop, query, variables, fault)
        content = json.dumps(body).encode()
        if fault is not None and fault.kind == "truncate":
            return Response(content[: len(content) // 2], headers={"Content-Length": str(len(content)),
                                                                   "Content-Type": "application/json"})
        return Response(content, media_type="application/json")

    def _execute(self, shop: Shop, query: str, variables: dict[str, Any], fault: Fault | None) -> dict[str, Any]:
        self._variables = variables
        try:
            operation = _operation(query)
            fields = _fields(operation.selection_set)
            arguments = {f.name.value: _arguments(f, variables) for f in fields}
            requested = sum(_cost(f, "QueryRoot", arguments[f.name.value]) for f in fields)
        except _QueryError as exc:
            return {"errors": [exc.body()]}
        if requested > MAX_COST:
            return {"errors": [{"message": f"Query cost is {requested}, which exceeds the single query max cost limit "
                                           f"({MAX_COST}).", "extensions": {"code": "MAX_COST_EXCEEDED",
                                                                            "cost": requested, "maxCost": MAX_COST}}]}
        available = self._refill(shop)
        if (fault is not None and fault.kind == "throttle") or requested > available:
            shown = min(fault.available, requested - 1) if fault is not None else available
            return {"errors": [{"message": "Throttled", "extensions": {
                        "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                    "extensions": {"cost": self._cost_block(requested, None, shown)}}
        shop.available -= requested
        if fault is not None and fault.kind == "error":
            return {"errors": [{"message": "Internal error. Looks like something went wrong on our end.",
                                "extensions": {"code": fault.code}}]}
        data, errors, actual = {}, [], 0
        self._field_errors: list[dict[str, Any]] = []
        for f in fields:
            self._customers_field = f
            try:
                value, cost = self._resolve_root(shop, f, arguments[f.name.value])
            except _QueryError as exc:
                value, cost = None, 0
                errors.append(exc.body())
            data[f.name.value], actual = value, actual + cost
        shop.available = min(BUCKET, shop.available + max(0, requested - actual))
        body: dict[str, Any] = {"data": data, "extensions": {"cost": self._cost_block(requested, actual,
                                                                                       shop.available)}}
        errors += self._field_errors
        if errors:
            body["errors"] = errors
        return body

    def _refill(self, shop: Shop) -> float:
        now = self.clock()
        if shop.refilled_at is not None:
            shop.available = min(BUCKET, shop.available + (now - shop.refilled_at) * RESTORE_RATE)
        shop.refilled_at = now
        return shop.available

    @staticmethod
    def _cost_block(requested: int, actual: int | None, available: float) -> dict[str, Any]:
        return {"requestedQueryCost": requested, "actualQueryCost": actual,
                "throttleStatus": {"maximumAvailable": BUCKET, "currentlyAvailable": int(available),
                                   "restoreRate": RESTORE_RATE}}

    def _resolve_root(self, shop: Shop, node: FieldNode, args: dict[str, Any]) -> tuple[Any, int]:
        name = node.name.value
        if name == "shop":
            data = {"name": shop.name, "myshopifyDomain": shop.domain, "id": "gid://shopify/Shop/1",
                    "email": f"owner@{shop.domain}", "currencyCode": "USD"}
            for tags_field in (f for f in _fields(node.selection_set) if f.name.value == "customerTags"):
                data["customerTags"] = _customer_tags(shop, _arguments(tags_field, self._variables))
            return _select(node, data, "Shop"), _cost(node, "QueryRoot", args)
        if shop.customers_denied:
            raise _QueryError("Access denied for customers field. Required access: `read_customers` access scope.",
                              "ACCESS_DENIED", path=[name])
        if shop.protected_level == 0:
            raise _QueryError("This app is not approved to access the Customer object. See "
                              f"{PROTECTED_DOCS} for more details.", "ACCESS_DENIED", path=[name],
                              documentation=PROTECTED_DOCS)
        nodes, has_next, end = _page(list(shop.customers.values()), args)
        connection = {"nodes": [self._shown(shop, c.data, index) for index, c in enumerate(nodes)],
                      "pageInfo": {"hasNextPage": has_next, "hasPreviousPage": bool(args.get("after")),
                                   "endCursor": end, "startCursor": _encode(nodes[0]) if nodes else None}}
        per_node = _node_cost(node)
        return _select(node, connection, "CustomerConnection"), 2 + len(nodes) * per_node


    def _shown(self, shop: Shop, data: dict[str, Any], index: int) -> dict[str, Any]:
        """A customer as an app at `shop.protected_level` sees it: level 1 gets the protected
        fields null, each one it asks for reported as an error (unless the shop is `silent`)."""
        if shop.protected_level != 1:
            return data
        nodes = next(f for f in _fields(self._customers_field.selection_set) if f.name.value == "nodes")
        if not shop.protected_silent:
            for child in _fields(nodes.selection_set):
                if child.name.value in PROTECTED_FIELDS:
                    self._field_errors.append(_QueryError(
                        f"This app is not approved to use the {child.name.value} field. See {PROTECTED_DOCS} for "
                        "more details.", "ACCESS_DENIED", path=["customers", "nodes", index, child.name.value],
                        documentation=PROTECTED_DOCS).body())
        return {k: (None if k in PROTECTED_FIELDS else v) for k, v in data.items()}


def _customer_tags(shop: Shop, args: dict[str, Any]) -> dict[str, Any]:
    first = args.get("first")
    if not isinstance(first, int) or not 0 < first <= MAX_PAGE:
        raise _QueryError(f"The page size requested ({first}) is not between 1 and {MAX_PAGE}.",
                          "argumentValueOutOfRange", path=["shop", "customerTags"])
    tags = sorted({tag for customer in shop.customers.values() for tag in customer.data["tags"]})
    page = tags[:first]
    return {"nodes": page, "edges": [{"node": tag, "cursor": tag} for tag in page],
            "pageInfo": {"hasNextPage": len(tags) > first, "hasPreviousPage": False,
                         "endCursor": page[-1] if page else None, "startCursor": page[0] if page else None}}


class _QueryError(Exception):
    def __init__(self, message: str, code: str, path: list[Any] | None = None, documentation: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.path, self.documentation = message, code, path, documentation

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "extensions": {"code": self.code}}
        if self.documentation:
            error["extensions"]["documentation"] = self.documentation
        if self.path:
            error["path"] = self.path
        return error


def _operation(query: str) -> OperationDefinitionNode:
    try:
        document = parse(query)
    except GraphQLError as exc:
        raise _QueryError(exc.message, "parseError") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation.value != "query":
        raise _QueryError("Only one query operation is served here.", "badRequest")
    return operations[0]


def _fields(selection_set: Any) -> list[FieldNode]:
    return [s for s in (selection_set.selections if selection_set else []) if isinstance(s, FieldNode)]


def _arguments(node: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value, variables) for arg in node.arguments or []}


def _child_type(type_name: str, field_name: str) -> str | None:
    fields = SCHEMA[type_name]
    if field_name not in fields:
        raise _QueryError(f"Field '{field_name}' doesn't exist on type '{type_name}'", "undefinedField")
    return fields[field_name]


def _node_cost(connection: FieldNode) -> int:
    nodes = next((f for f in _fields(connection.selection_set) if f.name.value == "nodes"), None)
    return 1 + (_objects_in(nodes, "Customer") if nodes else 0)


def _objects_in(node: FieldNode, type_name: str) -> int:
    """Nested objects selected under `node` (each costs 1); scalars and enums cost nothing."""
    total = 0
    for child in _fields(node.selection_set):
        child_type = _child_type(type_name, child.name.value)
        if child_type is not None:
            total += 1 + _objects_in(child, child_type)
    return total


def _cost(node: FieldNode, parent: str, args: dict[str, Any]) -> int:
    type_name = _child_type(parent, node.name.value)
    assert type_name is not None
    if type_name.endswith("Connection"):
        first = args.get("first")
        if first is None:
            raise _QueryError("you must provide one of first or last", "badRequest", path=[node.name.value])
        if not isinstance(first, int) or first < 0 or first > MAX_PAGE:
            raise _QueryError(f"The page size requested ({first}) is not between 0 and {MAX_PAGE}.",
                              "argumentValueOutOfRange", path=[node.name.value])
        return 2 + first * _node_cost(node)
    return 1 + _objects_in(node, type_name)


def _select(node: FieldNode, value: Any, type_name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_select(node, item, type_name) for item in value]
    out = {}
    for child in _fields(node.selection_set):
        key = child.alias.value if child.alias else child.name.value
        child_type = _child_type(type_name, child.name.value)
        raw = value.get(child.name.value)
        out[key] = _select(child, raw, child_type) if child_type and child.selection_set else raw
    return out


def _encode(customer: Customer) -> str:
    return base64.b64encode(json.dumps({"last_id": customer.number, "last_value": customer.updated_at})
                            .encode()).decode()


def _decode(cursor: str) -> tuple[str, int]:
    try:
        data = json.loads(base64.b64decode(cursor, validate=True))
        return str(data["last_value"]), int(data["last_id"])
    except (ValueError, KeyError, TypeError):
        raise _QueryError("Invalid cursor for current pagination", "badRequest", path=["customers"]) from None


def _page(customers: list[Customer], args: dict[str, Any]) -> tuple[list[Customer], bool, str | None]:
    if args.get("sortKey") not in (None, "ID", "UPDATED_AT"):
        raise _QueryError(f"Unsupported sortKey {args.get('sortKey')!r} in this simulator.", "badRequest")
    by_updated = args.get("sortKey") == "UPDATED_AT"
    key: Callable[[Customer], tuple[str, int]] = (
        (lambda c: (c.updated_at, c.number)) if by_updated else (lambda c: ("", c.number)))
    matching = sorted((c for c in customers if _matches(c, args.get("query"))), key=key)
    if args.get("after"):
        value, number = _decode(str(args["after"]))
        position = (value, number) if by_updated else ("", number)
        matching = [c for c in matching if key(c) > position]
    page = matching[: int(args["first"])]
    return page, len(matching) > len(page), _encode(page[-1]) if page else None


def _alternatives(group: str) -> list[str]:
    """`tag:'a' OR tag:'b'` (a parenthesised group) as its terms; only tag terms are served."""
    parts = _terms(group.replace(" OR ", " AND "))
    if not all(part.startswith("tag:") for part in parts):
        raise _QueryError(f"Unsupported group {group!r} in this simulator.", "badRequest")
    return parts


def _terms(query: str) -> list[str]:
    """Splits `a AND b` outside quotes (a parenthesised group stays one term)."""
    terms, current, quote, escaped = [], "", "", False
    for char in query:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char in "'\"" and (not quote or char == quote):
            quote = "" if quote else char
            current += char
        else:
            current += char
        if not quote and current.endswith(" AND "):
            terms.append(current[:-5].strip())
            current = ""
    terms.append(current.strip())
    return [t for t in terms if t]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    out, escaped = "", False
    for char in value:
        if escaped or char != "\\":
            out, escaped = out + char, False
        else:
            escaped = True
    return out


def _matches(customer: Customer, query: object) -> bool:
    if not query:
        return True
    for term in _terms(str(query)):
        if term.startswith("(") and term.endswith(")"):
            if not any(_matches(customer, alternative) for alternative in _alternatives(term[1:-1])):
                return False
            continue
        name, _, value = term.partition(":")
        if name == "tag":
            if _unquote(value).lower() not in {t.lower() for t in customer.data["tags"]}:
                return False
        elif name == "updated_at":
            for operator in (">=", "<=", ">", "<"):
                if value.startswith(operator):
                    bound = _parse_time(_unquote(value[len(operator):]))
                    moment = _parse_time(customer.updated_at)
                    if not {">=": moment >= bound, "<=": moment <= bound,
                            ">": moment > bound, "<": moment < bound}[operator]:
                        return False
                    break
            else:
                raise _QueryError(f"Unsupported updated_at filter {value!r} in this simulator.", "badRequest")
        else:
            raise _QueryError(f"Unsupported search term {term!r} in this simulator.", "badRequest")
    return True


def _parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _QueryError(f"Invalid date {value!r} in the search query.", "badRequest") from None
