"""The HubSpot connector: CRM v3 contacts through the search API, OAuth 2.0 or a private app token.

What a fetch does, and what it guarantees:
- It reads `POST /crm/v3/objects/contacts/search` in `(lastmodifieddate, hs_object_id)` order, and
  the cursor is that pair: `{"v": 1, "ts": T, "id": I}`. With `id` null, every contact modified
  at or before `T` was delivered; with `id`, those modified before `T`, and those modified at `T`
  whose id is at most `I`.
- Every call is a new search from the cursor (keyset), never `after` paging. A search pages at
  most 10,000 results (the API answers 400 past them), and the search sorts by one property
  only, so contacts sharing a timestamp come in no defined order: offset paging would loop
  forever on more than 10,000 contacts sharing one `lastmodifieddate`, and skip a contact
  whenever one before the offset is edited mid-listing. Instead:
  * time step: `lastmodifieddate GT T` (sorted by it), asking one contact more than it may take:
    the page is cut where a timestamp ends, so a timestamp is never delivered in part (the
    contacts after the cut are read again next time). A page of one single timestamp switches to:
  * group step: `lastmodifieddate EQ T AND hs_object_id GT I`, sorted by `hs_object_id`. It
    goes through any number of contacts sharing `T`, each call a new search, then returns to
    time steps after `T`.
  A sync killed after any committed page resumes at its cursor, skipping and repeating nothing.
- The search index lags edits by a few seconds, so contacts modified in the last
  `INDEX_LAG_MS` are left for the next sync: a contact indexed late with an older timestamp
  than the cursor would otherwise be skipped for good.
- `limit` caps each search, so a page never holds more than asked; a fetch runs at most
  `SEARCHES_PER_FETCH` searches. If one of them fails after others succeeded, the records
  already read are returned with their (consistent) cursor and the error comes on the next call.
- The `lifecycle_stage` criterion is a filter of the search. Archived contacts are not
  searchable, hence never imported.
- Errors: 401/403 need re-authorisation; 429 (search allows about 4-5 calls per second per
  account) is `RateLimited` after `Retry-After`, else the limit's interval
  (`X-HubSpot-RateLimit-Interval-Milliseconds`, one second by default; an hour for the daily
  limit); 423/477/5xx, timeouts and truncated or non-JSON bodies are retried (bounded).
- Access tokens are refreshed ahead of expiry by the shared `oauth` helper (HubSpot says a 401
  is no reliable sign of expiry), and the refreshed set is saved before use. HubSpot answers a
  revoked refresh token with 400 `BAD_REFRESH_TOKEN` (not `invalid_grant`): `NeedsReauth` too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.connectors import oauth
from app.connectors.base import Choice, ConnectedAccount, FetchRequest, Page, SettingsSaver, SourceContext, SourceRecord
from app.connectors.hubspot_api import (
    API,
    API_DEFAULT,
    REVOKE_PATH,
    NothingImported,
    call_api,
    connect_oauth,
    connect_private_app,
    oauth_endpoints,
)
from app.connectors.hubspot_mapping import (
    DESCRIPTION,
    MODIFIED,
    OBJECT_ID,
    SEARCH_PROPERTIES,
    SERVICE_ID,
    SERVICE_NAME,
    contact_id,
    modified_ms,
    normalise_criteria,
    record_from_contact,
)
from app.errors import CursorExpired, Invalid, NeedsReauth, SourceError, SourceRejected, SourceUnavailable

SEARCH_PATH = "/crm/v3/objects/contacts/search"
STAGES_PATH = "/crm/v3/properties/contacts/lifecyclestage"
SEARCH_PAGE_MAX = 200
SEARCHES_PER_FETCH = 4
INDEX_LAG_MS = 30_000
CURSOR_VERSION = 1
TOKEN_KEYS = ("access_token", "refresh_token", "expires_at")


@dataclass(frozen=True)
class Position:
    """The cursor: see the module docstring."""

    ts: int | None = None
    id: int | None = None

    @classmethod
    def load(cls, cursor: Mapping[str, Any]) -> Position:
        if not cursor:
            return cls()
        ts, last_id = cursor.get("ts"), cursor.get("id")
        readable = all(v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0) for v in (ts, last_id))
        if cursor.get("v") != CURSOR_VERSION or not readable or (ts is None and last_id is not None):
            raise CursorExpired("The saved HubSpot position is unreadable; starting over.")
        return cls(ts, last_id)

    def dump(self) -> dict[str, Any]:
        return {"v": CURSOR_VERSION, "ts": self.ts, "id": self.id}


def _filter(prop: str, operator: str, value: object) -> dict[str, str]:
    return {"propertyName": prop, "operator": operator, "value": str(value)}


def _criteria_filters(criteria: Mapping[str, str]) -> list[dict[str, str]]:
    stage = criteria.get("lifecycle_stage")
    return [_filter("lifecyclestage", "EQ", stage)] if stage else []


def time_search(position: Position, cutoff_ms: int, criteria: Mapping[str, str], limit: int) -> dict[str, Any]:
    filters = [_filter(MODIFIED, "LTE", cutoff_ms)]
    if position.ts is not None:
        filters.append(_filter(MODIFIED, "GT", position.ts))
    return {"filterGroups": [{"filters": filters + _criteria_filters(criteria)}],
            "sorts": [{"propertyName": MODIFIED, "direction": "ASCENDING"}],
            "properties": list(SEARCH_PROPERTIES), "limit": limit}


def group_search(position: Position, criteria: Mapping[str, str], limit: int) -> dict[str, Any]:
    assert position.ts is not None and position.id is not None
    filters = [_filter(MODIFIED, "EQ", position.ts), _filter(OBJECT_ID, "GT", position.id)]
    return {"filterGroups": [{"filters": filters + _criteria_filters(criteria)}],
            "sorts": [{"propertyName": OBJECT_ID, "direction": "ASCENDING"}],
            "properties": list(SEARCH_PROPERTIES), "limit": limit}


@dataclass
class Keyed:
    """A search result with its sort keys read."""

    ts: int
    id: int
    record: SourceRecord | None


@dataclass
class PageBuilder:
    position: Position
    records: list[SourceRecord] = field(default_factory=list)
    taken: int = 0  # contacts consumed, archived ones included
    has_more: bool = True
    backlog: int | None = None
    finished: bool = False

    def take(self, contacts: list[Keyed], position: Position) -> None:
        self.records += [c.record for c in contacts if c.record is not None]
        self.taken += len(contacts)
        self.position = position

    def page(self) -> Page:
        return Page(records=self.records, cursor=self.position.dump(), has_more=self.has_more,
                    backlog_estimate=self.backlog if self.has_more else 0)


def _keyed(results: list[Any]) -> list[Keyed]:
    keyed = []
    for contact in results:
        if not isinstance(contact, dict):
            raise SourceUnavailable("HubSpot answered a search with a result that is not a contact.")
        ts, number = modified_ms(contact), contact_id(contact)
        if ts is None or number is None:
            raise SourceUnavailable("HubSpot answered a contact without a readable id or lastmodifieddate.")
        keyed.append(Keyed(ts, number, record_from_contact(contact)))
    return keyed


class HubSpotConnector(oauth.OAuthConsent):
    """Imports HubSpot contacts; see the module docstring for the guarantees."""

    description = DESCRIPTION

    def __init__(self, index_lag_ms: int = INDEX_LAG_MS) -> None:
        self.index_lag_ms = index_lag_ms

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return normalise_criteria(criteria)

    # -- OAuth -------------------------------------------------------------------------------

    service_id, service_name = SERVICE_ID, SERVICE_NAME

    def oauth_endpoints(self, context: SourceContext) -> oauth.OAuthEndpoints:
        return oauth_endpoints(context)

    # -- connect -----------------------------------------------------------------------------

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """A private app token (`{"private_app_token"}`) or an OAuth token set, checked against
        HubSpot and named by portal id; raises `Invalid` when refused."""
        if not isinstance(settings, dict):
            raise Invalid("Settings must be a JSON object.", ["settings"])
        if "private_app_token" in settings:
            if any(key in settings for key in TOKEN_KEYS):
                raise Invalid("Give a private app token or an OAuth token set, not both.", ["settings"])
            return await connect_private_app(settings.get("private_app_token"), context)
        return await connect_oauth(settings, context)

    # -- choices and revocation ---------------------------------------------------------------

    async def criterion_choices(self, key: str, settings: dict[str, Any], context: SourceContext,
                                save_settings: SettingsSaver) -> list[Choice]:
        """`lifecycle_stage`: the portal's stages, its own included (the options of the
        `lifecyclestage` property), hidden ones left out."""
        if key != "lifecycle_stage":
            return []
        request = FetchRequest(settings=dict(settings), criteria={}, cursor={}, limit=0,
                               fingerprints=NothingImported(), context=context, save_settings=save_settings)
        url = context.endpoint(API, API_DEFAULT) + STAGES_PATH
        answer = await call_api(context, "GET", url, await self._bearer(request))
        options = answer.get("options") if isinstance(answer, dict) else None
        if not isinstance(options, list):
            raise SourceUnavailable("HubSpot answered the lifecycle stages without options.")
        return [Choice(str(o["value"]), str(o.get("label") or o["value"])) for o in options
                if isinstance(o, dict) and o.get("value") and not o.get("hidden")]

    async def revoke_credentials(self, settings: dict[str, Any], context: SourceContext) -> None:
        """Revokes an OAuth grant (`POST /oauth/2026-03/token/revoke` with the refresh token and
        our client's credentials in the form; a token HubSpot no longer knows, 400 or 404, counts
        as revoked). A private app token is the user's own app's, which only they can rotate:
        forgetting our copy is all there is to do."""
        token = settings.get("refresh_token")
        if not isinstance(token, str) or not token:
            return
        try:
            client = oauth.oauth_client(context, SERVICE_ID, SERVICE_NAME)
        except Invalid as exc:
            raise SourceRejected(f"The grant could not be revoked: {exc.message}") from None
        form = {"token": token, "token_type_hint": "refresh_token",
                "client_id": client.client_id, "client_secret": client.client_secret}
        await oauth.revoke_token(context, "POST", context.endpoint(API, API_DEFAULT) + REVOKE_PATH, SERVICE_NAME,
                                 already_gone=(400, 404), data=form)

    # -- fetch -------------------------------------------------------------------------------

    async def fetch_page(self, request: FetchRequest) -> Page:
        """At most `request.limit` contacts after the cursor, in (lastmodifieddate, id) order."""
        position = Position.load(request.cursor)
        criteria = request.stored_criteria(normalise_criteria)
        token = await self._bearer(request)
        cutoff = int(time.time() * 1000) - self.index_lag_ms
        builder = PageBuilder(position)
        for _ in range(SEARCHES_PER_FETCH):
            room = min(request.limit - builder.taken, SEARCH_PAGE_MAX)
            if room <= 0 or builder.finished:
                break
            try:
                if builder.position.id is not None:
                    await self._group_step(request.context, token, criteria, room, builder)
                else:
                    await self._time_step(request.context, token, criteria, cutoff, room, builder)
            except SourceError:
                if not builder.taken:
                    raise
                builder.has_more, builder.backlog = True, None  # keep what was read; fail next call
                break
        return builder.page()

    async def _bearer(self, request: FetchRequest) -> str:
        private = request.settings.get("private_app_token")
        if isinstance(private, str) and private:
            return private
        try:
            client = oauth.oauth_client(request.context, SERVICE_ID, SERVICE_NAME)
        except Invalid as exc:
            raise SourceRejected(exc.message) from None
        try:
            return await oauth.fresh_access_token(request, oauth_endpoints(request.context), client)
        except SourceRejected:
            raise NeedsReauth("HubSpot refused to renew the access (a revoked or unknown refresh token); "
                              "reconnect the account.") from None

    async def _search(self, context: SourceContext, token: str, body: dict[str, Any]) -> tuple[list[Keyed], int]:
        url = context.endpoint(API, API_DEFAULT) + SEARCH_PATH
        answer = await call_api(context, "POST", url, token, json=body)
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            raise SourceUnavailable("HubSpot answered a search without results.")
        total = answer.get("total")
        results = _keyed(answer["results"])
        return results, total if isinstance(total, int) and total >= len(results) else len(results)

    async def _group_step(self, context: SourceContext, token: str, criteria: Mapping[str, str], room: int,
                          builder: PageBuilder) -> None:
        """Contacts sharing the cursor's timestamp, by id; back to time steps once they are done."""
        position = builder.position
        contacts, total = await self._search(context, token, group_search(position, criteria, room))
        ids = [c.id for c in contacts]
        if any(c.ts != position.ts for c in contacts) or ids != sorted(set(ids)) or (
                ids and ids[0] <= (position.id or 0)):
            raise SourceUnavailable("HubSpot answered a search out of the order asked for.")
        if len(contacts) < room or total <= len(contacts):
            builder.take(contacts, Position(position.ts, None))
            return
        builder.take(contacts, Position(position.ts, ids[-1]))
        builder.backlog, builder.finished = total - len(contacts), True

    async def _time_step(self, context: SourceContext, token: str, criteria: Mapping[str, str], cutoff: int,
                         room: int, builder: PageBuilder) -> None:
        """Contacts modified after the cursor, cut where a timestamp ends: one more contact than
        we may take is asked for, to see whether the last one's timestamp goes on."""
        position = builder.position
        asked = min(room, SEARCH_PAGE_MAX - 1) + 1
        contacts, total = await self._search(context, token, time_search(position, cutoff, criteria, asked))
        stamps = [c.ts for c in contacts]
        if stamps != sorted(stamps) or (stamps and position.ts is not None and stamps[0] <= position.ts):
            raise SourceUnavailable("HubSpot answered a search out of the order asked for.")
        if (len(contacts) < asked or total <= len(contacts)) and len(contacts) <= room:  # all that is left
            builder.take(contacts, Position(stamps[-1], None) if stamps else position)
            builder.has_more, builder.backlog, builder.finished = False, 0, True
            return
        cut = next((n for n in range(min(room, len(contacts) - 1), 0, -1) if stamps[n - 1] < stamps[n]), 0)
        if cut == 0:  # one timestamp fills what we may take: read it by id
            builder.position = Position(stamps[0], 0)
            return
        builder.take(contacts[:cut], Position(stamps[cut - 1], None))
        builder.backlog, builder.finished = total - cut, True
