"""The Salesforce connector: Contacts or Leads through the REST query API, OAuth 2.0 web-server flow.

What a fetch does, and what it guarantees:
- It sends one SOQL query from the cursor (keyset), never an offset: records with
  `(SystemModstamp, Id)` after the cursor's, `ORDER BY SystemModstamp, Id`, `LIMIT limit + 1` (the
  one more says whether a backlog remains). The cursor is that pair: `{"v": 1, "ts", "id"}`, so
  records sharing a timestamp are neither skipped nor repeated, whatever their number.
- Salesforce answers a query in batches (`done`, `nextRecordsUrl`); the fetch follows the
  `nextRecordsUrl` until it has its records. A locator is never saved between fetches (they
  expire after minutes of inactivity); one that expired mid-fetch (`INVALID_QUERY_LOCATOR`) is
  replaced by a new query from the last record taken, so nothing is lost or repeated.
- If a call fails after records were taken, those are returned with their (consistent) cursor and
  the error comes on the next call; a page is never half-applied.
- Criteria: the object (contacts, or leads that are not converted), a lead status, a list view
  (its filter, read from `GET /sobjects/{object}/listviews/{id}/describe`, is added to the query).
  `HasOptedOutOfEmail` is imported as unsubscribed and never reactivated (see the mapping).
- Connection: the token answer's `instance_url` is where every call goes; `id` names the org (the
  external account: "Salesforce org 00D..."). The API version is chosen at connect
  (`DEFAULT_API_VERSION`, or the newest the org serves) and stored with the connection.
- Access tokens are refreshed ahead of their expected expiry; Salesforce's sessions can end
  sooner (the org's session timeout), so a 401 `INVALID_SESSION_ID` refreshes once and calls
  again, and a second refusal, or a refused refresh, needs re-authorisation. Errors: see
  `salesforce_api`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.connectors import oauth
from app.connectors.base import Choice, ConnectedAccount, FetchRequest, Page, SettingsSaver, SourceContext, SourceRecord
from app.connectors.http import request_with_retries
from app.connectors.salesforce_api import (
    DEFAULT_API_VERSION,
    LOGIN,
    LOGIN_DEFAULT,
    SCOPES,
    LocatorExpired,
    SessionRefused,
    api_base,
    call_api,
    org_and_user,
    pick_version,
)
from app.connectors.salesforce_list_views import list_view_where
from app.connectors.salesforce_mapping import (
    DESCRIPTION,
    MODSTAMP,
    SERVICE_ID,
    SERVICE_NAME,
    SOBJECT,
    normalise_criteria,
    parse_modstamp,
    record_from_sobject,
    select_query,
)
from app.errors import CursorExpired, Invalid, NeedsReauth, SourceError, SourceRejected, SourceUnavailable

CURSOR_VERSION = 1
QUERY_LIMIT_MAX = 2000  # records per fetch; Salesforce's largest query batch
CONNECTION_KEYS = ("access_token", "refresh_token", "instance_url", "id")
KEPT_FROM_TOKEN_ANSWER = ("instance_url", "id")


@dataclass(frozen=True)
class Position:
    """The cursor: the `(SystemModstamp, Id)` of the last record delivered, or the start."""

    after: tuple[datetime, str] | None = None

    @classmethod
    def load(cls, cursor: Mapping[str, Any]) -> Position:
        if not cursor:
            return cls()
        stamp, last_id = parse_modstamp(cursor.get("ts")), cursor.get("id")
        if cursor.get("v") != CURSOR_VERSION or stamp is None or not isinstance(last_id, str) or not last_id.isalnum():
            raise CursorExpired("The saved Salesforce position is unreadable; starting over.")
        return cls((stamp, last_id))

    def dump(self) -> dict[str, Any]:
        if self.after is None:
            return {}
        stamp, last_id = self.after
        return {"v": CURSOR_VERSION, "ts": stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000", "id": last_id}


@dataclass
class PageBuilder:
    obj: str
    room: int
    position: Position
    records: list[SourceRecord] = field(default_factory=list)
    has_more: bool = False

    @property
    def full(self) -> bool:
        return len(self.records) >= self.room

    def take(self, batch: list[Any]) -> None:
        """Takes a batch's records in order, up to the room; one more record means a backlog."""
        for raw in batch:
            if not isinstance(raw, dict):
                raise SourceUnavailable("Salesforce answered a query with a record that is not an object.")
            stamp, record_id = parse_modstamp(raw.get(MODSTAMP)), raw.get("Id")
            if stamp is None or not isinstance(record_id, str) or not record_id:
                raise SourceUnavailable("Salesforce answered a record without a readable Id or SystemModstamp.")
            if self.position.after is not None and (stamp, record_id) <= self.position.after:
                raise SourceUnavailable("Salesforce answered a query out of the order asked for.")
            if self.full:
                self.has_more = True
                return
            self.records.append(record_from_sobject(raw, self.obj))
            self.position = Position((stamp, record_id))

    def page(self) -> Page:
        return Page(records=self.records, cursor=self.position.dump(), has_more=self.has_more)


class SalesforceConnector(oauth.OAuthConsent):
    """Imports Salesforce contacts or leads; see the module docstring for the guarantees."""

    description = DESCRIPTION
    service_id, service_name = SERVICE_ID, SERVICE_NAME

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return normalise_criteria(criteria)

    # -- OAuth -------------------------------------------------------------------------------

    def oauth_endpoints(self, context: SourceContext) -> oauth.OAuthEndpoints:
        login = context.endpoint(LOGIN, LOGIN_DEFAULT)
        return oauth.OAuthEndpoints(authorize_url=login + "/services/oauth2/authorize",
                                    token_url=login + "/services/oauth2/token", scopes=SCOPES)

    async def exchange_code(self, code: str, redirect_uri: str, context: SourceContext) -> dict[str, Any]:
        """The token set with the answer's `instance_url` and `id` (the org's identity URL)."""
        client = oauth.oauth_client(context, SERVICE_ID, SERVICE_NAME)
        return await oauth.exchange_code(context, self.oauth_endpoints(context), client, code, redirect_uri,
                                         keep=KEPT_FROM_TOKEN_ANSWER)

    # -- connect -----------------------------------------------------------------------------

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """A token set from Salesforce's consent (with `instance_url` and `id`), checked with one
        query, named by org; the API version is chosen here. Raises `Invalid` when refused."""
        if not isinstance(settings, dict) or not all(isinstance(settings.get(k), str) and settings[k]
                                                      for k in CONNECTION_KEYS):
            raise Invalid("Connect Salesforce through its sign-in page.", ["settings"])
        ids = org_and_user(settings["id"])
        if ids is None:
            raise Invalid("Salesforce did not say which org this access belongs to; connect again.", ["settings"])
        request = _request(settings, context)
        try:
            versions = await request_with_retries(context, "GET", settings["instance_url"].rstrip("/") +
                                                  "/services/data/", headers={"Accept": "application/json"})
            version = pick_version(versions.json())
            if version is None:
                raise SourceUnavailable("Salesforce did not list its API versions.")
            request.settings["api_version"] = version
            await self._query(request, f"SELECT Id FROM {SOBJECT['contact']} LIMIT 1")
        except SourceError as exc:
            raise Invalid(f"Salesforce did not accept this connection: {exc}", ["settings"]) from None
        return ConnectedAccount(external_account=f"Salesforce org {ids[0]}",
                                settings={**request.settings, "org_id": ids[0], "user_id": ids[1]})

    # -- choices and revocation ---------------------------------------------------------------

    async def criterion_choices(self, key: str, settings: dict[str, Any], context: SourceContext,
                                save_settings: SettingsSaver) -> list[Choice]:
        """`object`: contacts, leads; `lead_status`: the org's active lead statuses (the `Status`
        picklist of Lead); `list_view`: the list views of contacts and of leads."""
        request = _request(settings, context, save_settings)
        if key == "object":
            return [Choice("contact", "Contacts"), Choice("lead", "Leads")]
        if key == "lead_status":
            describe = await self._get(request, "/sobjects/Lead/describe")
            return _lead_statuses(describe)
        if key == "list_view":
            choices = []
            for obj, label in (("contact", "Contacts"), ("lead", "Leads")):
                answer = await self._get(request, f"/sobjects/{SOBJECT[obj]}/listviews")
                views = answer.get("listviews") if isinstance(answer, dict) else None
                choices += [Choice(str(v["id"]), f"{label}: {v.get('label') or v['id']}")
                            for v in views or [] if isinstance(v, dict) and isinstance(v.get("id"), str)]
            return choices
        return []

    async def revoke_credentials(self, settings: dict[str, Any], context: SourceContext) -> None:
        """Revokes the refresh token (and with it the grant) at `/services/oauth2/revoke`; a token
        Salesforce no longer knows (400) counts as revoked."""
        token, instance = settings.get("refresh_token"), settings.get("instance_url")
        if not isinstance(token, str) or not token or not isinstance(instance, str):
            return
        await oauth.revoke_token(context, "POST", instance.rstrip("/") + "/services/oauth2/revoke", SERVICE_NAME,
                                 already_gone=(400,), data={"token": token})

    # -- fetch -------------------------------------------------------------------------------

    async def fetch_page(self, request: FetchRequest) -> Page:
        """At most `request.limit` records after the cursor, in (SystemModstamp, Id) order."""
        position = Position.load(request.cursor)
        criteria = request.stored_criteria(normalise_criteria)
        view = criteria.get("list_view")
        extra = await list_view_where(self._get, request, SOBJECT[criteria["object"]], view) if view else None
        builder = PageBuilder(criteria["object"], min(request.limit, QUERY_LIMIT_MAX), position)
        if builder.room <= 0:
            return Page(records=[], cursor=position.dump(), has_more=True)
        try:
            await self._fill(request, builder, criteria, extra)
        except SourceError:
            if not builder.records:
                raise
            builder.has_more = True  # keep what was read; the error comes again on the next call
        return builder.page()

    async def _fill(self, request: FetchRequest, builder: PageBuilder, criteria: Mapping[str, str],
                    extra: str | None) -> None:
        answer = await self._query(request, select_query(criteria, builder.position.after, extra, builder.room + 1))
        while True:
            builder.take(_records(answer))
            next_url = answer.get("nextRecordsUrl")
            if builder.has_more or answer.get("done") is True or not isinstance(next_url, str):
                return
            try:
                answer = await self._get(request, next_url, absolute_path=True)
            except LocatorExpired:  # query again from the last record taken
                remaining = builder.room - len(builder.records) + 1
                answer = await self._query(request, select_query(criteria, builder.position.after, extra, remaining))

    # -- calls -------------------------------------------------------------------------------

    async def _query(self, request: FetchRequest, soql: str) -> Any:
        return await self._get(request, "/query", params={"q": soql})

    async def _get(self, request: FetchRequest, path: str, *, absolute_path: bool = False, **kwargs: Any) -> Any:
        """A GET on the org's REST API (`path` after `/services/data/vNN.0`, or a path from the root
        of the instance such as a `nextRecordsUrl`), refreshing the session once when refused."""
        settings = request.settings
        instance = settings.get("instance_url")
        if not isinstance(instance, str) or not instance:
            raise NeedsReauth("The connection does not say where the Salesforce org lives; reconnect the account.")
        version = str(settings.get("api_version") or DEFAULT_API_VERSION)
        url = instance.rstrip("/") + path if absolute_path else api_base(instance, version) + path
        try:
            return await call_api(request.context, "GET", url, await self._bearer(request), **kwargs)
        except SessionRefused:
            settings["expires_at"] = 0  # the session ended before its expected expiry: refresh now
        try:
            return await call_api(request.context, "GET", url, await self._bearer(request), **kwargs)
        except SessionRefused:
            raise NeedsReauth("Salesforce refused a freshly renewed session; reconnect the account.") from None

    async def _bearer(self, request: FetchRequest) -> str:
        try:
            client = oauth.oauth_client(request.context, SERVICE_ID, SERVICE_NAME)
        except Invalid as exc:
            raise SourceRejected(exc.message) from None
        endpoints = self.oauth_endpoints(request.context)
        try:
            return await oauth.fresh_access_token(request, endpoints, client, keep=KEPT_FROM_TOKEN_ANSWER)
        except SourceRejected:
            raise NeedsReauth("Salesforce refused to renew the access; reconnect the account.") from None


class _NothingImported:
    async def unchanged_ids(self, records: Any) -> set[str]:
        return set()

    async def known_ids(self, external_ids: Any) -> set[str]:
        return set()


def _request(settings: Mapping[str, Any], context: SourceContext,
             save_settings: SettingsSaver | None = None) -> FetchRequest:
    request = FetchRequest(settings=dict(settings), criteria={}, cursor={}, limit=0,
                           fingerprints=_NothingImported(), context=context)
    if save_settings is not None:
        request.save_settings = save_settings
    return request


def _records(answer: Any) -> list[Any]:
    if not isinstance(answer, dict) or not isinstance(answer.get("records"), list):
        raise SourceUnavailable("Salesforce answered a query without records.")
    return list(answer["records"])


def _lead_statuses(describe: Any) -> list[Choice]:
    fields = describe.get("fields") if isinstance(describe, dict) else None
    status = next((f for f in fields or [] if isinstance(f, dict) and f.get("name") == "Status"), None)
    values = status.get("picklistValues") if status else None
    if not isinstance(values, list):
        raise SourceUnavailable("Salesforce described leads without their statuses.")
    return [Choice(str(v["value"]), str(v.get("label") or v["value"])) for v in values
            if isinstance(v, dict) and isinstance(v.get("value"), str) and v.get("active", True)]
