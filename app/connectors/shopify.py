"""The Shopify connector: a shop's customers through the GraphQL Admin API (the version a setting).

What a fetch does, and what it guarantees:
- It lists `customers(sortKey: UPDATED_AT, query: "updated_at:>='W'")`, following Shopify's
  `endCursor` within one traversal. The cursor saved with each page is
  `{since, after, watermark, last_id}`: `since`/`after` resume the traversal under way, and
  `(watermark, last_id)` is the newest customer seen, where the next traversal starts once this
  one is done. A sync killed after any committed page resumes from that page's cursor.
- The next traversal is inclusive (`>=` the watermark), so a customer stamped in the same second
  as the watermark after we passed it is still read; the ones already imported as they are now
  (the engine's fingerprints) are dropped, so a boundary neither skips nor loops.
- Criteria: `tag` is filtered by Shopify (`tag:'…'`); `subscribed_only` (default) keeps only
  customers whose email marketing state is SUBSCRIBED and is filtered here. An UNSUBSCRIBED
  customer imported without it is `unsubscribed`, so it never becomes an active contact; one this
  import brought earlier who unsubscribes later is passed on (marked unsubscribed) even with
  `subscribed_only`, so the unsubscribe reaches the contact.
- Errors: one path (`http.request_with_retries`, at most `retries + 1` requests a call): HTTP
  statuses through `SHOPIFY_ERROR_ACTIONS`; in a 200 body (`classify_graphql_answer`), THROTTLED
  is a rate limit whose delay comes from the query cost and the bucket's restore rate (slept
  through when short, raised as `RateLimited` otherwise), ACCESS_DENIED needs
  re-authorisation, INTERNAL_SERVER_ERROR is retried, anything else is a refusal. A page is
  returned whole or not at all.
- Protected customer data: an app Shopify has not allowed to read customers' names, email
  addresses and phone numbers gets ACCESS_DENIED errors on those fields (or on the customers),
  or the fields empty. Either way the fetch raises `ProtectedCustomerData` (a refusal whose
  message says what to change in Shopify), before any record is made: no blank contact is ever
  imported, and the import resumes by itself once access is given. Connecting already checks it
  (the connect query reads one customer's email address).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.connectors.base import Choice, ConnectedAccount, FetchRequest, Page, SettingsSaver, SourceContext, SourceRecord
from app.connectors.http import ACCEPTED, ERROR_ACTIONS, ErrorAction, SourceResponse, Verdict, request_with_retries
from app.connectors.shopify_mapping import (
    CUSTOMER_TAGS_QUERY,
    CUSTOMERS_QUERY,
    DESCRIPTION,
    PAGE_SIZE,
    SHOP_FIELD,
    SHOP_QUERY,
    TOKEN_FIELD,
    api_version,
    normalise_criteria,
    normalise_settings,
    record_from_node,
    search_query,
    wanted,
)
from app.errors import Invalid, NeedsReauth, SourceError, SourceRejected, SourceUnavailable

ENDPOINT_NAME = "shopify"
DEFAULT_ENDPOINT = "https://{shop}"  # the shop's admin domain is substituted for {shop}
THROTTLE_FALLBACK_WAIT = 10.0  # a full bucket refill on the Standard plan, when no cost is given
# Pages skipped whole by the criteria (nobody subscribed) read in one fetch before giving back
# an empty page with the cursor moved on: bounded work per fetch, and progress either way.
MAX_SKIPPED_PAGES = 5

SHOPIFY_ERROR_ACTIONS = {
    **ERROR_ACTIONS,
    402: ErrorAction.REJECT,  # the shop is frozen (unpaid): retrying changes nothing
    404: ErrorAction.REJECT,  # no such shop (closed or renamed)
    423: ErrorAction.REJECT,  # the shop is locked by Shopify
}


@dataclass(frozen=True)
class CustomersCursor:
    """Where the import stands: see the module docstring."""

    since: str | None = None
    after: str | None = None
    watermark: str | None = None
    last_id: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CustomersCursor:
        values = {key: data.get(key) for key in ("since", "after", "watermark", "last_id")}
        return cls(**{key: value if isinstance(value, str) else None for key, value in values.items()})

    def start(self) -> str | None:
        """The `updated_at` lower bound of the traversal to run: the one under way, or a new one."""
        return self.since if self.after else self.watermark

    def after_page(self, nodes: list[dict[str, Any]], has_next: bool, end_cursor: str | None) -> CustomersCursor:
        watermark, last_id = self.watermark, self.last_id
        for node in nodes:  # sorted by updatedAt; ties keep the later id
            if watermark is None or str(node["updatedAt"]) >= watermark:
                watermark, last_id = str(node["updatedAt"]), str(node["id"])
        if has_next and end_cursor:
            return CustomersCursor(self.start(), end_cursor, watermark, last_id)
        return CustomersCursor(None, None, watermark, last_id)

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since, "after": self.after, "watermark": self.watermark, "last_id": self.last_id}


def graphql_url(context: SourceContext, settings: dict[str, str]) -> str:
    base = context.endpoint(ENDPOINT_NAME, DEFAULT_ENDPOINT).replace("{shop}", settings["shop"])
    return f"{base}/admin/api/{api_version(settings)}/graphql.json"


async def run_query(context: SourceContext, settings: dict[str, str], query: str,
                    variables: dict[str, Any]) -> dict[str, Any]:
    """The `data` of one GraphQL call, errors in the body mapped to typed ones (see the module)."""
    url = graphql_url(context, settings)
    headers = {"X-Shopify-Access-Token": settings["access_token"], "Accept": "application/json"}
    response = await request_with_retries(context, "POST", url, classify=classify_graphql_answer,
                                          table=SHOPIFY_ERROR_ACTIONS, headers=headers,
                                          json={"query": query, "variables": variables})
    data: dict[str, Any] = response.json()["data"]  # the classifier accepted only an object with data
    return data


def classify_graphql_answer(response: SourceResponse) -> Verdict | None:
    """Shopify's own rows, read from the body of a 2xx; other statuses are left to the table."""
    if response.status_code >= 300:
        return None
    body = response.json_object()
    if body is None:
        return Verdict(ErrorAction.RETRY, "Shopify answered with a body that is not a GraphQL response")
    errors = body.get("errors")
    if isinstance(errors, str):  # REST-style `{"errors": "..."}` from the edge
        return Verdict(ErrorAction.REJECT, f"Shopify refused the request: {errors[:200]}")
    if errors:
        return _verdict_for(errors if isinstance(errors, list) else [errors], body.get("extensions") or {})
    if not isinstance(body.get("data"), dict):
        return Verdict(ErrorAction.RETRY, "Shopify answered without data or errors")
    return ACCEPTED


def _verdict_for(errors: list[Any], extensions: dict[str, Any]) -> Verdict:
    codes = {str((e.get("extensions") or {}).get("code", "")) for e in errors if isinstance(e, dict)}
    message = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))[:300]
    if "THROTTLED" in codes:
        return Verdict(ErrorAction.RATE_LIMITED, "Throttled by Shopify (query cost above the points available).",
                       throttle_wait(extensions.get("cost") or {}))
    if _protected_data_refused(errors):
        return Verdict(ErrorAction.REJECT, PROTECTED_DATA_REFUSED, error=ProtectedCustomerData)
    if "ACCESS_DENIED" in codes:
        return Verdict(ErrorAction.REAUTH,
                       f"Shopify denied access: {message} Reinstall the app with the read_customers scope.")
    if "INTERNAL_SERVER_ERROR" in codes:
        return Verdict(ErrorAction.RETRY, f"Shopify failed to answer: {message}")
    return Verdict(ErrorAction.REJECT, f"Shopify refused the query: {message}")


class ProtectedCustomerData(SourceRejected):
    """Shopify withholds the customers' protected data (names, email addresses, phone numbers,
    addresses) from this app: nothing is imported until the app is allowed to read it."""


PROTECTED_DATA_REFUSED = (
    "Shopify has not allowed this app to read customers' protected data (names, email addresses, phone numbers), "
    "so no customer was imported: a contact is never imported without them. To fix it, in the Shopify admin open "
    "Settings > Apps and sales channels > Develop apps > your app > Configuration > Protected customer data "
    "access, allow it with the Name, Email, Phone and Address fields and save (a public app requests this in the "
    "Partner Dashboard and waits for Shopify's review); the next sync imports the customers.")
PROTECTED_FIELDS = ("firstName", "lastName", "defaultEmailAddress", "defaultPhoneNumber", "defaultAddress")
REDACTION_EVIDENCE = 3  # customers in a row with every protected field empty before it is called redaction


def _protected_data_refused(errors: list[Any]) -> bool:
    """Whether ACCESS_DENIED errors are about protected customer data rather than a scope: they
    point at a customer's own field (a path into `nodes`), or at Shopify's protected data page."""
    for error in errors:
        if not isinstance(error, dict) or (error.get("extensions") or {}).get("code") != "ACCESS_DENIED":
            continue
        path = error.get("path")
        about = f"{error.get('message', '')} {(error.get('extensions') or {}).get('documentation', '')}".lower()
        if (isinstance(path, list) and "nodes" in path) or (
                "protected-customer-data" in about or "protected customer data" in about):
            return True
    return False


def check_not_redacted(nodes: list[dict[str, Any]]) -> None:
    """Raises `ProtectedCustomerData` for a page whose customers all come without any protected
    field: Shopify's redaction of an app not approved for them, not real customers (one such
    customer can exist; `REDACTION_EVIDENCE` of them in a page, and nothing else, cannot)."""
    if len(nodes) >= REDACTION_EVIDENCE and all(all(n.get(f) in (None, "") for f in PROTECTED_FIELDS)
                                                for n in nodes):
        raise ProtectedCustomerData(PROTECTED_DATA_REFUSED)


def throttle_wait(cost: dict[str, Any]) -> float:
    """Seconds until the bucket holds the requested cost: (requested - available) / restore rate."""
    status = cost.get("throttleStatus") or {}
    try:
        requested = float(cost["requestedQueryCost"])
        available = float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return THROTTLE_FALLBACK_WAIT
    if not (rate > 0 and math.isfinite(requested) and math.isfinite(available)):
        return THROTTLE_FALLBACK_WAIT
    return min(max(math.ceil((requested - available) / rate), 1.0), 3600.0)


def _customers_of(data: dict[str, Any]) -> tuple[list[dict[str, Any]], bool, str | None]:
    try:
        connection = data["customers"]
        nodes = list(connection["nodes"])
        info = connection["pageInfo"]
        if not all(isinstance(node, dict) and node.get("id") and node.get("updatedAt") for node in nodes):
            raise TypeError("a customer without id or updatedAt")
        return nodes, bool(info["hasNextPage"]), info.get("endCursor")
    except (KeyError, TypeError) as exc:
        raise SourceUnavailable("Shopify answered with customers in an unexpected shape.") from exc


class ShopifyConnector:
    """Imports a shop's customers; see the module docstring for the guarantees."""

    description = DESCRIPTION

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return normalise_criteria(criteria)

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """Checks the shop and token with one call that also reads a customer (the scope)."""
        clean = normalise_settings(settings)
        try:
            data = await run_query(context, clean, SHOP_QUERY, {})
        except ProtectedCustomerData as exc:
            raise Invalid(str(exc), TOKEN_FIELD) from exc
        except NeedsReauth as exc:
            raise Invalid(f"Shopify refused this access token for {clean['shop']}: check it, and that the app "
                          f"has the read_customers scope. ({exc})", TOKEN_FIELD) from exc
        except SourceRejected as exc:
            raise Invalid(f"Could not use the shop {clean['shop']}: {exc}", SHOP_FIELD) from exc
        except SourceError as exc:
            raise Invalid(f"Shopify could not be reached for {clean['shop']}: {exc}", SHOP_FIELD) from exc
        shop = data.get("shop")
        domain = str((shop if isinstance(shop, dict) else {}).get("myshopifyDomain") or clean["shop"]).lower()
        return ConnectedAccount(external_account=domain, settings=clean)

    async def criterion_choices(self, key: str, settings: dict[str, Any], context: SourceContext,
                                save_settings: SettingsSaver) -> list[Choice]:
        """`tag`: the shop's customer tags (`shop.customerTags`, the first 250)."""
        if key != "tag":
            return []
        data = await run_query(context, normalise_settings(settings), CUSTOMER_TAGS_QUERY, {})
        try:
            tags = data["shop"]["customerTags"]["nodes"]
        except (KeyError, TypeError):
            raise SourceUnavailable("Shopify answered the customer tags in an unexpected shape.") from None
        return [Choice(tag, tag) for tag in tags if isinstance(tag, str) and tag.strip()]

    async def fetch_page(self, request: FetchRequest) -> Page:
        """At most `limit` new or changed customers after the cursor (one API page, or a few when
        the criteria skip whole pages)."""
        try:
            settings = normalise_settings(request.settings)
            criteria = normalise_criteria(request.criteria)
        except Invalid as exc:
            raise SourceRejected(f"The import's settings are no longer valid: {exc.message}") from exc
        cursor = CustomersCursor.from_dict(request.cursor)
        for _ in range(MAX_SKIPPED_PAGES):
            nodes, has_next, end_cursor = await self._page(request, settings, criteria, cursor)
            records = await _new_or_changed(await _wanted_records(nodes, criteria, request), request)
            cursor = cursor.after_page(nodes, has_next, end_cursor)
            if records or not has_next:
                break
        return Page(records=records, cursor=cursor.to_dict(), has_more=has_next)

    async def _page(self, request: FetchRequest, settings: dict[str, str], criteria: dict[str, Any],
                    cursor: CustomersCursor) -> tuple[list[dict[str, Any]], bool, str | None]:
        first = max(1, min(request.limit, PAGE_SIZE))
        variables = {"first": first, "after": cursor.after, "query": search_query(cursor.start(), criteria)}
        data = await run_query(request.context, settings, CUSTOMERS_QUERY, variables)
        nodes, has_next, end_cursor = _customers_of(data)
        if len(nodes) > first:
            raise SourceUnavailable("Shopify answered with more customers than asked for.")
        check_not_redacted(nodes)
        return nodes, has_next, end_cursor


async def _wanted_records(nodes: list[dict[str, Any]], criteria: dict[str, Any],
                          request: FetchRequest) -> list[SourceRecord]:
    """The customers the criteria take, plus those this import already brought that have since
    unsubscribed: their unsubscribe must reach the contact even though the criteria drop them."""
    records = [record_from_node(n) for n in nodes]
    dropped = [r.external_id for n, r in zip(nodes, records, strict=False)
               if not wanted(n, criteria) and r.unsubscribed]
    known = await request.fingerprints.known_ids(dropped) if dropped else set()
    return [r for n, r in zip(nodes, records, strict=False) if wanted(n, criteria) or r.external_id in known]


async def _new_or_changed(records: list[SourceRecord], request: FetchRequest) -> list[SourceRecord]:
    """Drops the records already imported exactly as they are (the inclusive boundary's repeats)."""
    if not records:
        return []
    unchanged = await request.fingerprints.unchanged_ids(records)
    return [record for record in records if record.external_id not in unchanged]
