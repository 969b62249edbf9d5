"""How a People API `Person` becomes a `SourceRecord`.

Standard fields: the primary email (`metadata.primary`, else the first non-empty one), the given
and family name and the phone number of the primary (else first) entry. Every other field the
connector asks for becomes a custom field: birthday, organization, job title, city, country,
notes, and each `userDefined` key as a field of its own (its key is the field's label). Empty
values are left out, so a value stored before is never erased by a blank one.

Google Contacts has no marketing consent: a record is never `unsubscribed`. A person deleted
since the last sync (`metadata.deleted`) is not a record at all; see `is_deleted`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.connectors.base import STANDARD_FIELDS, FieldSpec, SourceRecord, field_key

FIXED_FIELDS: tuple[FieldSpec, ...] = (
    *STANDARD_FIELDS,
    FieldSpec("birthday", "Birthday"),
    FieldSpec("organization", "Organization"),
    FieldSpec("job_title", "Job title"),
    FieldSpec("city", "City"),
    FieldSpec("country", "Country"),
    FieldSpec("notes", "Notes"),
)
RESERVED_KEYS = frozenset(spec.key for spec in FIXED_FIELDS)
USER_DEFINED_KEY_LENGTH = 60  # a personalization tag must stay short enough to store and type


def is_deleted(person: Mapping[str, Any]) -> bool:
    """A tombstone of a sync-token listing: the person was deleted at the source."""
    metadata = person.get("metadata")
    return isinstance(metadata, dict) and metadata.get("deleted") is True


def group_names(person: Mapping[str, Any]) -> set[str]:
    """The resource names (`contactGroups/abc`) of the labels the person has."""
    names = set()
    for membership in _entries(person, "memberships"):
        group = membership.get("contactGroupMembership")
        if isinstance(group, dict) and isinstance(group.get("contactGroupResourceName"), str):
            names.add(group["contactGroupResourceName"])
    return names


def person_to_record(person: Mapping[str, Any]) -> SourceRecord:
    name = _preferred(_entries(person, "names"), "givenName", "familyName")
    organization = _preferred(_entries(person, "organizations"), "name", "title")
    address = _preferred(_entries(person, "addresses"), "city", "country")
    fields = {
        "birthday": _birthday(_entries(person, "birthdays")),
        "organization": _text(organization.get("name")),
        "job_title": _text(organization.get("title")),
        "city": _text(address.get("city")),
        "country": _text(address.get("country")),
        "notes": _text(_preferred(_entries(person, "biographies"), "value").get("value")),
    }
    custom, labels = _user_defined(_entries(person, "userDefined"))
    return SourceRecord(
        external_id=str(person.get("resourceName") or ""),
        email=_text(_preferred(_entries(person, "emailAddresses"), "value").get("value")) or None,
        first_name=_text(name.get("givenName")) or None,
        last_name=_text(name.get("familyName")) or None,
        phone=_text(_preferred(_entries(person, "phoneNumbers"), "value").get("value")) or None,
        fields={key: value for key, value in {**fields, **custom}.items() if value},
        field_labels=labels,
    )


def _entries(person: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    value = person.get(name)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _preferred(entries: Sequence[dict[str, Any]], *keys: str) -> dict[str, Any]:
    """The primary entry that has one of `keys`, else the first that has one, else `{}`."""
    useful = [entry for entry in entries if any(_text(entry.get(key)) for key in keys)]
    primary = [entry for entry in useful if (entry.get("metadata") or {}).get("primary") is True]
    return (primary or useful or [{}])[0]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _birthday(entries: Sequence[dict[str, Any]]) -> str:
    """`YYYY-MM-DD`, or `--MM-DD` (ISO 8601 without year) when the year is not known; the free
    text Google keeps for a birthday it could not parse, when there is no date."""
    dated = [entry for entry in entries if isinstance(entry.get("date"), dict)]
    if dated:
        primary = [entry for entry in dated if (entry.get("metadata") or {}).get("primary") is True]
        date = (primary or dated)[0]["date"]
        year, month, day = (date.get(part) for part in ("year", "month", "day"))
        if _positive(month) and _positive(day):
            return f"{year:04d}-{month:02d}-{day:02d}" if _positive(year) else f"--{month:02d}-{day:02d}"
    return _text(_preferred(list(entries), "text").get("text"))


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _user_defined(entries: Sequence[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    """Each custom key/value pair as a field keyed after its key; the first value of a key wins.
    A key that would collide with a fixed field ("Birthday") is kept apart as `custom_birthday`."""
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    for entry in entries:
        label, value = _text(entry.get("key")), _text(entry.get("value"))
        if not label or not value:
            continue
        key = field_key(label)[:USER_DEFINED_KEY_LENGTH]
        if key in RESERVED_KEYS:
            key = f"custom_{key}"
        if key not in values:
            values[key], labels[key] = value, label
    return values, labels
