"""What Pipedrive's ids stand for: owners, organisations and person labels by name.

API v2 gives a person's `owner_id` and `org_id` as bare numbers, so the names are read in bulk
and kept in the cursor for the sync: every user at once (`GET /api/v1/users`, when the schema is
refreshed, about once per sync), and the organisations a page mentions that are not known yet
(`GET /api/v2/organizations?ids=`, up to 100 ids a call). An organisation that is gone or not
visible to the token stays unnamed: its field is left out (never "10"), so a stored name is
never overwritten with a number.

Criteria take an owner and a label by id (what the import page submits from
`Connection.criterionChoices`) or by name, as a person sees them in Pipedrive ("Sam Seller",
"Hot lead", any case): a name is resolved here, at the start of each fetch, from the same names.
`personFields` is read with `start`/`limit` until `more_items_in_collection` is false, the
paging of Pipedrive's v1 collections (the next `start` is counted here, not read from a
`next_start`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.connectors.pipedrive_api import PipedriveApi
from app.errors import SourceRejected

ORGANIZATION_IDS_PER_CALL = 100  # what `GET /api/v2/organizations?ids=` takes
MAX_KNOWN_ORGANIZATIONS = 5000  # names kept in the cursor; past it the cache starts again
FIELDS_PAGE = 500
MAX_FIELD_PAGES = 20


@dataclass
class RelatedNames:
    """Names by id (as text), as kept in the cursor between the pages of a sync."""

    owners: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_cursor(cls, cursor: Mapping[str, Any]) -> RelatedNames:
        return cls(_names(cursor.get("owner_names")), _names(cursor.get("organization_names")))

    def to_cursor(self) -> dict[str, Any]:
        return {"owner_names": dict(self.owners), "organization_names": dict(self.organizations)}

    def owner(self, value: Any) -> str | None:
        return self.owners.get(str(value)) if value is not None else None

    def organization(self, value: Any) -> str | None:
        return self.organizations.get(str(value)) if value is not None else None


def _names(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str) and v}


async def read_owners(api: PipedriveApi) -> dict[str, str]:
    """Every user of the company by id, deactivated ones included (they may still own persons)."""
    users = (await api.get("/api/v1/users", {})).body.get("data") or []
    return {str(u["id"]): str(u["name"]).strip() for u in users
            if isinstance(u, dict) and isinstance(u.get("id"), int) and isinstance(u.get("name"), str)
            and u["name"].strip()}


async def learn_organizations(api: PipedriveApi, names: RelatedNames, persons: Iterable[dict[str, Any]]) -> None:
    """Adds the names of the organisations these persons belong to that are not known yet."""
    wanted = sorted({str(p["org_id"]) for p in persons if isinstance(p.get("org_id"), int)} - set(names.organizations))
    if len(names.organizations) + len(wanted) > MAX_KNOWN_ORGANIZATIONS:
        names.organizations.clear()
    for start in range(0, len(wanted), ORGANIZATION_IDS_PER_CALL):
        ids = wanted[start:start + ORGANIZATION_IDS_PER_CALL]
        params = {"ids": ",".join(ids), "limit": str(ORGANIZATION_IDS_PER_CALL)}
        for org in (await api.get("/api/v2/organizations", params)).body.get("data") or []:
            if isinstance(org, dict) and isinstance(org.get("id"), int) and isinstance(org.get("name"), str):
                names.organizations[str(org["id"])] = org["name"].strip()


async def read_person_fields(api: PipedriveApi) -> list[Any]:
    """Every item of `GET /api/v1/personFields`, page by page (at most `MAX_FIELD_PAGES`)."""
    items: list[Any] = []
    for _ in range(MAX_FIELD_PAGES):
        answer = await api.get("/api/v1/personFields", {"start": str(len(items)), "limit": str(FIELDS_PAGE)})
        page = answer.body.get("data") or []
        items += page
        if not page or not _more_items(answer.body.get("additional_data")):
            break
    return items


def _more_items(additional: Any) -> bool:
    """`more_items_in_collection`, wherever the answer puts it (`additional_data` or its
    `pagination`)."""
    if not isinstance(additional, dict):
        return False
    nested = additional.get("pagination")
    pagination: dict[str, Any] = nested if isinstance(nested, dict) else additional
    return pagination.get("more_items_in_collection") is True


def resolve(key: str, value: int | str, choices: Mapping[str, str]) -> int:
    """The id a criterion names: an id as it is, a name looked up (any case) in `choices`
    (names by id). Raises `SourceRejected` naming the criterion when no such name exists."""
    if isinstance(value, int):
        return value
    wanted = value.casefold()
    found = sorted(int(i) for i, name in choices.items() if name.casefold() == wanted and i.isdigit())
    if not found:
        what = "user" if key == "owner_id" else "person label"
        raise SourceRejected(f"Pipedrive has no {what} named {value[:100]!r} any more: edit the import and pick "
                             "one from the list.")
    return found[0]
