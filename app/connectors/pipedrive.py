"""The Pipedrive connector: persons through API v2 (`GET /api/v2/persons`), with an API token.

What a fetch does, and what it guarantees:
- It lists persons sorted by `update_time` ascending, `limit` at most 500 and never more than the
  engine asked for, following `additional_data.next_cursor` within one traversal. The API token
  travels in the `x-api-token` header, never in a URL, so it never reaches a log.
- Across syncs the cursor keeps a watermark: the greatest `(update_time, id)` of the last complete
  traversal. The next traversal asks `updated_since` one second *before* it, so it is complete
  whether the API's filter is inclusive (as documented) or not, and drops re-delivered persons at
  or below the watermark whose content was already imported (asking the engine's fingerprints).
  Equal timestamps at a page boundary therefore neither skip anyone nor import anyone twice. Once
  the watermark is a minute older than Pipedrive's clock (the `Date` header), no edit can share
  its second any more, and the next traversal starts one second *after* it instead: a big group
  of equal timestamps is not read again on every sync.
- A 400 on a persons page is never read for its wording: the page is asked again without
  `include_fields=marketing_status` (only companies with the Campaigns add-on have it; the answer
  is remembered in the cursor and asked again daily) and without the saved Pipedrive cursor (the
  traversal restarts from the watermark, with the same de-duplication), and the first variant
  accepted is kept; the import never needs a full retrieval for it.
- `personFields` (custom field names and option labels, by key) and the owners' names are fetched
  once per sync (when the cached copy in the cursor is older than 15 minutes), personFields again
  when a person carries a custom field the cached copy does not know; organisation names as
  pages mention new ones (`pipedrive_names`). Organization and Owner hold names, never ids.
- Criteria name an owner and a label by id or by name (resolved at each fetch). The `label`
  criterion is applied here (the API has no label filter), `owner_id` by the API.
  A fetch reads at most a few API pages looking for matching persons; it never returns more than
  `limit` records and never a partial page.
How a person becomes a record is in `pipedrive_mapping`; how responses become errors, in
`pipedrive_api`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from app.connectors.base import (
    STANDARD_FIELDS,
    AuthKind,
    Choice,
    ConnectedAccount,
    CriterionSpec,
    FetchRequest,
    FingerprintLookup,
    Page,
    ServiceDescription,
    SettingSpec,
    SettingsSaver,
    SettingType,
    SourceContext,
    SourceRecord,
)
from app.connectors.pipedrive_api import ApiAnswer, BadRequest, NoSuchCompany, PipedriveApi, parse_settings
from app.connectors.pipedrive_mapping import (
    BUILT_IN_FIELDS,
    PersonSchema,
    person_to_record,
    schema_from_person_fields,
    unknown_custom_keys,
)
from app.connectors.pipedrive_names import RelatedNames, learn_organizations, read_owners, read_person_fields, resolve
from app.errors import Invalid, NeedsReauth, SourceError, SourceRejected
from app.text import quoted

API_PAGE_LIMIT = 500
CALLS_PER_FETCH = 5  # API pages one fetch may read looking for persons that match the criteria
SCHEMA_MAX_AGE = 15 * 60.0
MARKETING_RECHECK = 24 * 3600.0  # a company may add the Campaigns add-on: ask for the field again daily
PERSONS_PATH = "/api/v2/persons"
SETTLED_AFTER = timedelta(seconds=60)
OVERLAP = timedelta(seconds=1)
CRITERIA_KEYS = ("owner_id", "label")
NAME_MAX_LENGTH = 200

DESCRIPTION = ServiceDescription(
    id="pipedrive",
    name="Pipedrive",
    auth=AuthKind.API_KEY,
    criteria=(
        CriterionSpec("owner_id", "Only persons owned by user", "string",
                      help="A Pipedrive user, picked from the list or typed by name (Sam Seller) or id. Leave "
                           "empty for every owner."),
        CriterionSpec("label", "Only persons with label", "string",
                      help="A person label, picked from the list or typed by name (Hot lead) or id. Leave empty "
                           "for every person."),
    ),
    fields=(
        *STANDARD_FIELDS,
        *BUILT_IN_FIELDS,
    ),
    settings=(
        SettingSpec("company_domain", "Company domain", SettingType.TEXT,
                    help="The first part of your Pipedrive address: acme for acme.pipedrive.com."),
        SettingSpec("api_token", "API token", SettingType.SECRET,
                    help="In Pipedrive: your profile picture > Personal preferences > API. The token "
                         "reads with your user's permissions, so use an admin's to import every person."),
    ),
)

Boundary = tuple[datetime, int]


def normalise_criteria(criteria: dict[str, Any] | None) -> dict[str, int | str]:
    """`{}` or some of `{"owner_id": ..., "label": ...}`, each an id (a positive int) or a name as
    Pipedrive shows it (resolved at each fetch, see `pipedrive_names`); raises `Invalid` naming
    the key."""
    if not criteria:
        return {}
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be an object with 'owner_id' and/or 'label'.", ["criteria"])
    clean: dict[str, int | str] = {}
    for key, value in criteria.items():
        if key not in CRITERIA_KEYS:
            raise Invalid(f"Unknown criterion {quoted(key)}: Pipedrive imports take 'owner_id' and 'label'.",
                          ["criteria", str(key)])
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        chosen = _positive_int(value) or _name(value)
        if chosen is None:
            raise Invalid(f"The criterion {quoted(key)} must be a Pipedrive {'user' if key == 'owner_id' else 'label'}"
                          f": its name or its id.", ["criteria", key])
        clean[key] = chosen
    return clean


def _name(value: Any) -> str | None:
    if not isinstance(value, str) or value.strip().lstrip("-").isdigit():
        return None
    name = " ".join(value.split())
    return name if 0 < len(name) <= NAME_MAX_LENGTH and name.isprintable() else None


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and value > 0 else None


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, as the v2 API writes and reads it."""
    moment = moment.astimezone(timezone.utc)
    spec = "seconds" if moment.microsecond == 0 else "milliseconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _boundary(value: Any) -> Boundary | None:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], int):
        moment = parse_time(value[0])
        return (moment, value[1]) if moment else None
    return None


def _person_position(person: dict[str, Any]) -> Boundary | None:
    moment, person_id = parse_time(person.get("update_time")), person.get("id")
    return (moment, person_id) if moment and isinstance(person_id, int) else None


@dataclass
class Traversal:
    """The cursor: where the current traversal is, and the watermark of the last complete one."""

    since: str | None = None  # `updated_since` of the current traversal; None: everything
    page: str | None = None  # Pipedrive's `next_cursor` within it
    high: Boundary | None = None  # greatest (update_time, id) read in the current traversal
    watermark: Boundary | None = None  # greatest (update_time, id) of the last complete one
    marketing: bool = True  # whether the company's API accepts include_fields=marketing_status
    marketing_off_at: float = 0.0  # when it last refused it (epoch seconds)
    schema: PersonSchema = field(default_factory=PersonSchema)
    schema_at: float = 0.0
    names: RelatedNames = field(default_factory=RelatedNames)

    @classmethod
    def from_cursor(cls, cursor: dict[str, Any]) -> Traversal:
        schema = PersonSchema(cursor.get("field_names") or {}, cursor.get("field_options") or {})
        return cls(since=cursor.get("since"), page=cursor.get("page"), high=_boundary(cursor.get("high")),
                   watermark=_boundary(cursor.get("watermark")), marketing=cursor.get("marketing", True) is not False,
                   marketing_off_at=float(cursor.get("marketing_off_at") or 0.0), schema=schema,
                   schema_at=float(cursor.get("schema_at") or 0.0), names=RelatedNames.from_cursor(cursor))

    def to_cursor(self) -> dict[str, Any]:
        def dump(b: Boundary | None) -> list[Any] | None:
            return [format_time(b[0]), b[1]] if b else None

        return {"since": self.since, "page": self.page, "high": dump(self.high), "watermark": dump(self.watermark),
                "marketing": self.marketing, "marketing_off_at": self.marketing_off_at,
                "field_names": dict(self.schema.names),
                "field_options": {k: dict(v) for k, v in self.schema.options.items()}, "schema_at": self.schema_at,
                **self.names.to_cursor()}

    def seen_up_to(self) -> Boundary | None:
        known = [b for b in (self.high, self.watermark) if b]
        return max(known) if known else None

    def advance(self, persons: list[dict[str, Any]], next_cursor: str | None, server_time: datetime | None) -> None:
        positions = [p for p in map(_person_position, persons) if p] + ([self.high] if self.high else [])
        self.high = max(positions) if positions else None
        self.page = next_cursor
        if next_cursor is None:
            self._complete(server_time)

    def _complete(self, server_time: datetime | None) -> None:
        if self.high and (not self.watermark or self.high > self.watermark):
            self.watermark = self.high
        self.high = None
        if self.watermark is None:
            self.since = None
            return
        settled = server_time is not None and server_time - self.watermark[0] > SETTLED_AFTER
        self.since = format_time(self.watermark[0] + OVERLAP if settled else self.watermark[0] - OVERLAP)


class PipedriveConnector:
    """Imports Pipedrive persons; see the module docstring for the guarantees."""

    description = DESCRIPTION

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return normalise_criteria(criteria)

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """Checks the token with `GET /api/v1/users/me`; names the account `<domain>.pipedrive.com`."""
        domain, token = parse_settings(settings)
        try:
            me = await PipedriveApi(context, domain, token).get("/api/v1/users/me", {})
        except NeedsReauth as exc:
            raise Invalid(str(exc), ["settings", "api_token"]) from exc
        except NoSuchCompany as exc:
            raise Invalid(str(exc), ["settings", "company_domain"]) from exc
        except SourceError as exc:
            raise Invalid(f"Could not check the connection with Pipedrive: {exc}", ["settings"]) from exc
        user = me.body.get("data")
        company = str((user if isinstance(user, dict) else {}).get("company_domain") or domain).strip().lower()
        return ConnectedAccount(external_account=f"{company}.pipedrive.com",
                                settings={"company_domain": company, "api_token": token})

    async def criterion_choices(self, key: str, settings: dict[str, Any], context: SourceContext,
                                save_settings: SettingsSaver) -> list[Choice]:
        """`owner_id`: the company's users (`GET /api/v1/users`, deactivated ones said so, as
        they may still own persons); `label`: the options of the person label field. Values are
        the ids (the criteria take a name as well)."""
        if key not in CRITERIA_KEYS:
            return []
        api = PipedriveApi(context, *parse_settings(settings))
        if key == "owner_id":
            users = (await api.get("/api/v1/users", {})).body.get("data") or []
            return [Choice(str(u["id"]), str(u.get("name") or u["id"]) + ("" if u.get("active_flag", True)
                                                                           else " (deactivated)"))
                    for u in users if isinstance(u, dict) and _positive_int(u.get("id"))]
        labels = schema_from_person_fields(await read_person_fields(api)).label_options()
        return [Choice(value, label) for value, label in labels.items() if _positive_int(value)]

    async def fetch_page(self, request: FetchRequest) -> Page:
        """At most `request.limit` persons after the cursor; see the module docstring."""
        try:
            domain, token = parse_settings(request.settings)
            criteria = normalise_criteria(request.criteria)
        except Invalid as exc:
            raise SourceRejected(f"The import's settings are no longer valid: {exc.message}") from exc
        state = Traversal.from_cursor(request.cursor)
        if request.limit <= 0:
            return Page(records=[], cursor=state.to_cursor(), has_more=state.page is not None)
        api = PipedriveApi(request.context, domain, token)
        fetch = _Fetch(api, state, criteria, request.fingerprints)
        records = await fetch.run(request.limit)
        return Page(records=records, cursor=state.to_cursor(), has_more=state.page is not None)


@dataclass
class _Fetch:
    """One `fetch_page`: a few API pages at most, until some person matches or the traversal ends."""

    api: PipedriveApi
    state: Traversal
    criteria: dict[str, int | str]
    fingerprints: FingerprintLookup
    schema_fresh: bool = False
    chosen: dict[str, int] = field(default_factory=dict)  # the criteria as ids

    async def run(self, limit: int) -> list[SourceRecord]:
        if not self.state.marketing and time.time() - self.state.marketing_off_at > MARKETING_RECHECK:
            self.state.marketing = True
        if time.time() - self.state.schema_at > SCHEMA_MAX_AGE:
            await self._refresh_schema()
        await self._choose_criteria()
        records: list[SourceRecord] = []
        for _ in range(CALLS_PER_FETCH):
            persons, next_cursor, server_time = await self._list(min(limit - len(records), API_PAGE_LIMIT))
            if not self.schema_fresh and any(unknown_custom_keys(p, self.state.schema) for p in persons):
                await self._refresh_schema()
            records += await self._new_records(persons)
            self.state.advance(persons, next_cursor, server_time)
            if records or self.state.page is None:
                break
        return records

    async def _refresh_schema(self) -> None:
        """personFields, and the owners' names; organisation names are read again as pages need them."""
        items = await read_person_fields(self.api)
        self.state.names = RelatedNames(owners=await read_owners(self.api))
        self.state.schema, self.state.schema_at, self.schema_fresh = schema_from_person_fields(items), time.time(), True

    async def _choose_criteria(self) -> None:
        """The criteria as ids; a name unknown to the names kept is looked up once more, fresh."""
        try:
            self.chosen = self._criteria_ids()
        except SourceRejected:
            if self.schema_fresh:
                raise
            await self._refresh_schema()
            self.chosen = self._criteria_ids()

    def _criteria_ids(self) -> dict[str, int]:
        choices = {"owner_id": self.state.names.owners, "label": self.state.schema.label_options()}
        return {key: resolve(key, value, choices[key]) for key, value in self.criteria.items()}

    async def _list(self, limit: int) -> tuple[list[dict[str, Any]], str | None, datetime | None]:
        try:
            answer = await self.api.get(PERSONS_PATH, self._params(limit, self.state.marketing, self.state.page))
        except BadRequest as refused:
            answer = await self._list_without_what_was_refused(limit, refused)
        persons = [p for p in answer.body.get("data") or [] if isinstance(p, dict) and isinstance(p.get("id"), int)]
        next_cursor = (answer.body.get("additional_data") or {}).get("next_cursor")
        return persons, next_cursor if isinstance(next_cursor, str) and next_cursor else None, answer.server_time

    async def _list_without_what_was_refused(self, limit: int, refused: BadRequest) -> ApiAnswer:
        """After a 400, the same page without the optional parts we sent, one variant at a time.

        A 400 does not reliably say which parameter it refuses (its wording is not a contract),
        but only two of ours can be refused for reasons of the account: `marketing_status`,
        which needs the Campaigns add-on, and a saved Pipedrive cursor, which can expire. The
        first variant Pipedrive accepts is kept: no marketing status (remembered in the cursor,
        tried again after `MARKETING_RECHECK`), or the traversal restarted from the watermark
        (re-delivered persons are dropped). When none is accepted, the first refusal is raised.
        """
        state = self.state
        variants = [(False, state.page)] if state.marketing else []
        variants += [(state.marketing, None)] if state.page else []
        variants += [(False, None)] if state.marketing and state.page else []
        for marketing, page in variants:
            try:
                answer = await self.api.get(PERSONS_PATH, self._params(limit, marketing, page))
            except BadRequest:
                continue
            if state.marketing and not marketing:
                state.marketing_off_at = time.time()
            state.marketing, state.page = marketing, page
            return answer
        raise refused

    def _params(self, limit: int, marketing: bool, page: str | None) -> dict[str, str]:
        params = {"limit": str(limit), "sort_by": "update_time", "sort_direction": "asc"}
        if self.state.since:
            params["updated_since"] = self.state.since
        if page:
            params["cursor"] = page
        if "owner_id" in self.chosen:
            params["owner_id"] = str(self.chosen["owner_id"])
        if marketing:
            params["include_fields"] = "marketing_status"
        return params

    async def _new_records(self, persons: list[dict[str, Any]]) -> list[SourceRecord]:
        """The matching persons as records, less those re-delivered unchanged from at or below
        what this import has already read (the overlap of an inclusive `updated_since`)."""
        keys = self.state.schema.keys()
        wanted = [p for p in persons if self._matches(p)]
        await learn_organizations(self.api, self.state.names, wanted)
        records = [person_to_record(p, self.state.schema, keys, self.state.names) for p in wanted]
        seen_up_to = self.state.seen_up_to()
        if seen_up_to is None:
            return records
        at_or_below = {str(p["id"]) for p in wanted if (_person_position(p) or seen_up_to) <= seen_up_to}
        if not at_or_below:
            return records
        unchanged = await self.fingerprints.unchanged_ids([r for r in records if r.external_id in at_or_below])
        return [r for r in records if r.external_id not in unchanged]

    def _matches(self, person: dict[str, Any]) -> bool:
        if person.get("is_deleted") is True:
            return False
        if "owner_id" in self.chosen and person.get("owner_id") not in (None, self.chosen["owner_id"]):
            return False  # the API filters already; a defensive check costs nothing
        label = self.chosen.get("label")
        return label is None or label in (person.get("label_ids") or [])
