"""The Mailchimp connector: audience members by `last_changed`, with an API key or OAuth 2.0.

What a fetch does, and what it guarantees:
- It reads `GET /lists/{audience}/members?sort_field=last_changed&sort_dir=ASC&since_last_changed=T`
  and the cursor is a watermark: `{"v": 1, "ts": T}` means every member changed at or before `T`
  (whole seconds, as Mailchimp stamps them) was delivered. The documentation says "changed after";
  whether a member changed exactly at `T` comes back is not relied on: members at or before `T` in
  an answer are dropped, and if a whole answer is made of them, the fetch reads on past them with an
  offset (saved as `skip`, and checked before reuse, since an edit can shrink that group).
- Pages end where a timestamp ends (one member more than the room is asked for, and the last
  timestamp's members are left for the next call), so a timestamp is never delivered in part. A
  timestamp shared by more members than a page holds is read on its own
  (`since_last_changed=T-1s&before_last_changed=T+1s`, by offset: `{"group": G, "offset": k}`),
  then the watermark moves to it: ties are neither skipped nor read forever.
- `status` is a filter of the call; the `tag` criterion is applied to the members read (the
  members endpoint has no tag filter). Archived members are skipped. Merge fields are the
  audience's custom fields, titled by their names (one `GET /lists/{id}/merge-fields` per fetch).
- If a call fails after members were taken, those are returned with their (consistent) cursor and
  the error comes on the next call. Errors: see `mailchimp_api`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from app.connectors.base import Choice, ConnectedAccount, FetchRequest, Page, SettingsSaver, SourceContext, SourceRecord
from app.connectors.http import ERROR_ACTIONS, ErrorAction, request_with_retries
from app.connectors.mailchimp_api import (
    LOGIN,
    LOGIN_DEFAULT,
    call_api,
    connected_account,
    data_centre_of_key,
    oauth_data_centre,
)
from app.connectors.mailchimp_mapping import (
    DESCRIPTION,
    MEMBER_FIELDS,
    SERVICE_ID,
    SERVICE_NAME,
    normalise_criteria,
    record_from_member,
)
from app.connectors.oauth import OAuthEndpoints, build_authorize_url, oauth_client
from app.errors import CursorExpired, Invalid, SourceError, SourceUnavailable

CURSOR_VERSION = 1
PAGE_MAX = 1000  # Mailchimp's largest `count`
CALLS_PER_FETCH = 6
SECOND = timedelta(seconds=1)
# A refused code answers 400/401 with an OAuth error body: read here, not raised by the loop.
TOKEN_ANSWERS = {**ERROR_ACTIONS, **dict.fromkeys((400, 401, 403, 404), ErrorAction.ACCEPT)}


def mc_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(timezone.utc).replace(microsecond=0) if moment.tzinfo else None


@dataclass
class Position:
    """The cursor: see the module docstring."""

    ts: datetime | None = None
    group: datetime | None = None
    offset: int = 0  # within `group`
    skip: int = 0  # members at or before `ts` an answer starts with (if Mailchimp sends them)

    @classmethod
    def load(cls, cursor: Mapping[str, Any]) -> Position:
        if not cursor:
            return cls()
        numbers = [cursor.get("offset", 0), cursor.get("skip", 0)]
        if cursor.get("v") != CURSOR_VERSION or not all(isinstance(n, int) and n >= 0 for n in numbers):
            raise CursorExpired("The saved Mailchimp position is unreadable; starting over.")
        ts, group = parse_time(cursor.get("ts")), parse_time(cursor.get("group"))
        if (cursor.get("ts") and ts is None) or (cursor.get("group") and group is None):
            raise CursorExpired("The saved Mailchimp position is unreadable; starting over.")
        return cls(ts, group, numbers[0], numbers[1])

    def dump(self) -> dict[str, Any]:
        return {"v": CURSOR_VERSION, "ts": mc_time(self.ts) if self.ts else None,
                "group": mc_time(self.group) if self.group else None, "offset": self.offset, "skip": self.skip}


@dataclass
class Member:
    changed: datetime
    record: SourceRecord | None


@dataclass
class PageBuilder:
    position: Position
    room: int
    criteria: Mapping[str, str]
    records: list[SourceRecord] = field(default_factory=list)
    finished: bool = False
    backlog: int | None = None

    def take(self, members: list[Member]) -> None:
        tag = (self.criteria.get("tag") or "").casefold()
        for member in members:
            record = member.record
            if record is None:
                continue
            if tag and tag not in {t.casefold() for t in (record.fields.get("tags") or "").split(", ")}:
                continue
            self.records.append(record)

    def page(self) -> Page:
        return Page(records=self.records, cursor=self.position.dump(), has_more=not self.finished,
                    backlog_estimate=0 if self.finished else self.backlog)


class MailchimpConnector:
    """Imports Mailchimp audience members; see the module docstring for the guarantees."""

    description = DESCRIPTION

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return normalise_criteria(criteria)

    # -- OAuth (no refresh: Mailchimp's tokens do not expire) ----------------------------------

    def _endpoints(self, context: SourceContext) -> OAuthEndpoints:
        login = context.endpoint(LOGIN, LOGIN_DEFAULT)
        return OAuthEndpoints(authorize_url=login + "/oauth2/authorize", token_url=login + "/oauth2/token", scopes=())

    def authorize_url(self, context: SourceContext, redirect_uri: str, state: str) -> str:
        client = oauth_client(context, SERVICE_ID, SERVICE_NAME)
        return build_authorize_url(self._endpoints(context), client, redirect_uri, state)

    async def exchange_code(self, code: str, redirect_uri: str, context: SourceContext) -> dict[str, Any]:
        """`{"access_token"}`: Mailchimp's token answer has no refresh token and `expires_in: 0`
        (the token never expires)."""
        client = oauth_client(context, SERVICE_ID, SERVICE_NAME)
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": client.client_id, "client_secret": client.client_secret}
        response = await request_with_retries(context, "POST", self._endpoints(context).token_url, data=form,
                                              table=TOKEN_ANSWERS, headers={"Accept": "application/json"})
        answer = response.json() if response.status_code < 500 else None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if response.status_code >= 400 or not isinstance(token, str) or not token:
            raise Invalid("Mailchimp refused the authorization; start the connection again.", ["code"])
        return {"access_token": token}

    # -- connect -----------------------------------------------------------------------------

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """An API key (`{"api_key": "…-us21"}`) or an OAuth token (`{"access_token"}`), checked
        with the API root and named by account; raises `Invalid` when refused."""
        if not isinstance(settings, dict):
            raise Invalid("Settings must be a JSON object.", ["settings"])
        key = settings.get("api_key")
        if isinstance(key, str) and key.strip():
            key = key.strip()
            dc = data_centre_of_key(key)
            if dc is None:
                raise Invalid("A Mailchimp API key ends with its data centre, like -us21: copy it whole.",
                              ["settings", "api_key"])
            clean: dict[str, Any] = {"api_key": key, "dc": dc}
            where = ["settings", "api_key"]
        else:
            token = settings.get("access_token")
            if not isinstance(token, str) or not token:
                raise Invalid("Connect Mailchimp with an API key or through its sign-in page.", ["settings", "api_key"])
            try:
                clean = {"access_token": token, "dc": await oauth_data_centre(context, token)}
            except SourceError as exc:
                raise Invalid(f"Mailchimp did not accept this sign-in: {exc}", ["settings"]) from None
            where = ["settings"]
        account, _name = await connected_account(context, clean, where)
        return ConnectedAccount(external_account=f"Mailchimp account {account}",
                                settings={**clean, "account_id": account})

    # -- choices -----------------------------------------------------------------------------

    async def criterion_choices(self, key: str, settings: dict[str, Any], context: SourceContext,
                                save_settings: SettingsSaver) -> list[Choice]:
        """`audience`: the account's audiences; `tag`: the tags of every audience (by name);
        `status`: Mailchimp's statuses."""
        if key == "status":
            return [Choice(s, s.capitalize()) for s in DESCRIPTION.criteria[1].choices]
        if key not in ("audience", "tag"):
            return []
        audiences = await self._audiences(context, settings)
        if key == "audience":
            return [Choice(audience_id, name) for audience_id, name in audiences]
        names: dict[str, str] = {}
        for audience_id, audience_name in audiences:
            answer = await call_api(context, settings, f"/lists/{audience_id}/segments",
                                    params={"type": "static", "count": "1000", "fields": "segments.name"})
            for segment in answer.get("segments", []) if isinstance(answer, dict) else []:
                if isinstance(segment, dict) and isinstance(segment.get("name"), str):
                    names.setdefault(segment["name"], f"{segment['name']} ({audience_name})")
        return [Choice(name, label) for name, label in names.items()]

    async def _audiences(self, context: SourceContext, settings: Mapping[str, Any]) -> list[tuple[str, str]]:
        answer = await call_api(context, settings, "/lists", params={"count": "1000", "fields": "lists.id,lists.name"})
        lists = answer.get("lists") if isinstance(answer, dict) else None
        if not isinstance(lists, list):
            raise SourceUnavailable("Mailchimp answered the audiences without a list.")
        return [(str(a["id"]), str(a.get("name") or a["id"])) for a in lists if isinstance(a, dict) and a.get("id")]

    # -- fetch -------------------------------------------------------------------------------

    async def fetch_page(self, request: FetchRequest) -> Page:
        """At most `request.limit` members after the cursor, in `last_changed` order."""
        position = Position.load(request.cursor)
        criteria = request.stored_criteria(normalise_criteria)
        builder = PageBuilder(position, request.limit, criteria)
        if builder.room <= 0:
            return builder.page()
        settings, context = request.settings, request.context
        names = await self._merge_names(context, settings, criteria["audience"])
        try:
            for _ in range(CALLS_PER_FETCH):
                if builder.finished or len(builder.records) >= builder.room:
                    break
                room = builder.room - len(builder.records)
                if builder.position.group is not None:
                    await self._group_step(context, settings, criteria, names, room, builder)
                else:
                    await self._time_step(context, settings, criteria, names, room, builder)
        except SourceError:
            if not builder.records:
                raise
            builder.finished = False  # keep what was read; the error comes again on the next call
        return builder.page()

    async def _merge_names(self, context: SourceContext, settings: Mapping[str, Any], audience: str) -> dict[str, str]:
        answer = await call_api(context, settings, f"/lists/{audience}/merge-fields",
                                params={"count": "1000", "fields": "merge_fields.tag,merge_fields.name"})
        fields = answer.get("merge_fields") if isinstance(answer, dict) else None
        if not isinstance(fields, list):
            raise SourceUnavailable("Mailchimp answered the audience's merge fields without a list.")
        return {str(f["tag"]): str(f.get("name") or f["tag"]) for f in fields if isinstance(f, dict) and f.get("tag")}

    async def _members(self, context: SourceContext, settings: Mapping[str, Any], criteria: Mapping[str, str],
                       names: Mapping[str, str], **params: str) -> tuple[list[Member], int | None]:
        query = {"sort_field": "last_changed", "sort_dir": "ASC",
                 "fields": ",".join(f"members.{f}" for f in MEMBER_FIELDS) + ",total_items", **params}
        if "status" in criteria:
            query["status"] = criteria["status"]
        answer = await call_api(context, settings, f"/lists/{criteria['audience']}/members", params=query)
        raw = answer.get("members") if isinstance(answer, dict) else None
        if not isinstance(raw, list):
            raise SourceUnavailable("Mailchimp answered the members without a list.")
        members = []
        for item in raw:
            changed = parse_time(item.get("last_changed")) if isinstance(item, dict) else None
            if changed is None or not item.get("id"):
                raise SourceUnavailable("Mailchimp answered a member without a readable id or last_changed.")
            members.append(Member(changed, record_from_member(item, names)))
        stamps = [m.changed for m in members]
        if stamps != sorted(stamps):
            raise SourceUnavailable("Mailchimp answered members out of the order asked for.")
        total = answer.get("total_items")
        return members, total if isinstance(total, int) else None

    async def _time_step(self, context: SourceContext, settings: Mapping[str, Any], criteria: Mapping[str, str],
                         names: Mapping[str, str], room: int, builder: PageBuilder) -> None:
        """Members changed after the watermark, cut where a timestamp ends."""
        position = builder.position
        asked = min(room, PAGE_MAX - 1) + 1
        params = {"count": str(asked), "offset": str(max(position.skip - 1, 0))}
        if position.ts is not None:
            params["since_last_changed"] = mc_time(position.ts)
        members, total = await self._members(context, settings, criteria, names, **params)
        answered = len(members)
        if position.skip and (not members or (position.ts and members[0].changed > position.ts)):
            position.skip = 0  # the group before the watermark shrank: read it from the start again
            return
        if position.skip:
            members = members[1:]  # the check member, the last one skipped
        old = [m for m in members if position.ts is not None and m.changed <= position.ts]
        members = members[len(old):]
        if old and not members:  # a whole answer of members already delivered: read on past them
            position.skip += len(old)
            return
        position.skip = 0
        builder.backlog = None if total is None else max(total - len(old) - len(members), 0)
        if answered < asked:  # the rest of the audience: take it all
            builder.take(members)
            builder.finished = True
            if members:
                position.ts = members[-1].changed
            return
        last = members[-1].changed
        complete = [m for m in members if m.changed < last]
        if complete:
            builder.take(complete)
            position.ts = complete[-1].changed
        else:  # more members share `last` than a page holds: read that timestamp on its own
            position.group, position.offset = last, 0

    async def _group_step(self, context: SourceContext, settings: Mapping[str, Any], criteria: Mapping[str, str],
                          names: Mapping[str, str], room: int, builder: PageBuilder) -> None:
        position = builder.position
        assert position.group is not None
        asked = min(room, PAGE_MAX)
        members, _ = await self._members(
            context, settings, criteria, names, count=str(asked), offset=str(position.offset),
            since_last_changed=mc_time(position.group - SECOND), before_last_changed=mc_time(position.group + SECOND))
        builder.take([m for m in members if m.changed == position.group])
        if len(members) < asked:  # the timestamp is done: the watermark moves to it
            position.ts, position.group, position.offset = position.group, None, 0
        else:
            position.offset += len(members)

