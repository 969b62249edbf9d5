"""How a Pipedrive person (API v2) becomes a `SourceRecord`.

Standard fields: the primary email and phone (`emails[]` / `phones[]` items `{value, primary,
label}`), `first_name`/`last_name` (or `name` split at its first space). Everything else the
person brings becomes a custom field: organization and owner (by name, see `pipedrive_names`),
labels, job title, birthday, postal address, and the company's own custom fields (40-hex keys
under `custom_fields`), titled after their names from `GET /api/v1/personFields` ("Pipedrive
Favourite colour").

Empty values are left out, so they never erase a stored value. Not mapped: notes (free text up to
10,000 characters, not marketing data), instant-messaging handles and the picture.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.connectors.base import FieldSpec, SourceRecord, field_key
from app.connectors.pipedrive_names import RelatedNames

CUSTOM_FIELD_KEY = re.compile(r"^[0-9a-f]{40}$")
LABEL_FIELD_KEYS = ("label_ids", "label")  # where personFields lists the person labels (new, old)

BUILT_IN_FIELDS = (
    FieldSpec("organization", "Organization"),
    FieldSpec("owner", "Owner"),
    FieldSpec("labels", "Labels"),
    FieldSpec("job_title", "Job title"),
    FieldSpec("birthday", "Birthday"),
    FieldSpec("postal_address", "Postal address"),
)
RESERVED_KEYS = frozenset({"email", "first_name", "last_name", "phone"} | {f.key for f in BUILT_IN_FIELDS})


@dataclass(frozen=True)
class PersonSchema:
    """What `personFields` says, as kept in the cursor: custom field names by their hash key,
    and option labels (enum/set fields and person labels) by field key and option id."""

    names: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def keys(self) -> dict[str, str]:
        """Our field key for each custom field: its name as a key ("favourite_colour"), with
        the start of its hash appended when the name collides with a built-in field or with
        another custom field (the one with the smaller hash keeps the plain key)."""
        keys: dict[str, str] = {}
        taken = set(RESERVED_KEYS)
        for hash_key in sorted(self.names):
            key = field_key(self.names[hash_key])
            if key in taken:
                key = f"{key}_{hash_key[:8]}"
            taken.add(key)
            keys[hash_key] = key
        return keys

    def label_options(self) -> Mapping[str, str]:
        for key in LABEL_FIELD_KEYS:
            if key in self.options:
                return self.options[key]
        return {}


def schema_from_person_fields(items: list[Any]) -> PersonSchema:
    """The schema from `personFields` items `{key, name, field_type, options: [{id, label}]}`."""
    names: dict[str, str] = {}
    options: dict[str, dict[str, str]] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            continue
        key, name = item["key"], item.get("name")
        if CUSTOM_FIELD_KEY.match(key) and isinstance(name, str) and name.strip():
            names[key] = name.strip()
        choices = {str(o["id"]): str(o["label"]) for o in item.get("options") or []
                   if isinstance(o, dict) and "id" in o and o.get("label") not in (None, "")}
        if choices and (key in names or key in LABEL_FIELD_KEYS):
            options[key] = choices
    return PersonSchema(names, options)


def person_to_record(person: dict[str, Any], schema: PersonSchema, keys: Mapping[str, str],
                     names: RelatedNames | None = None) -> SourceRecord:
    """One person as a record; `keys` is `schema.keys()`, computed once per page, and `names`
    what the owner and organisation ids stand for (an id without a name is left out)."""
    first, last = _names(person)
    record = SourceRecord(
        external_id=str(person["id"]),
        email=_primary(person.get("emails")),
        first_name=first,
        last_name=last,
        phone=_primary(person.get("phones")),
        unsubscribed=person.get("marketing_status") == "unsubscribed",
    )
    values = _built_in_values(person, schema, names or RelatedNames())
    found = person.get("custom_fields")
    custom: dict[str, Any] = found if isinstance(found, dict) else {}
    for hash_key, raw in custom.items():
        if hash_key in keys:
            values[keys[hash_key]] = _render(raw, schema.options.get(hash_key, {}))
            record.field_labels[keys[hash_key]] = schema.names[hash_key]
    record.fields = {key: value for key, value in values.items() if value}
    record.field_labels = {key: label for key, label in record.field_labels.items() if key in record.fields}
    return record


def unknown_custom_keys(person: dict[str, Any], schema: PersonSchema) -> set[str]:
    """Custom field keys with a value that the cached schema does not name (a new field)."""
    custom = person.get("custom_fields")
    if not isinstance(custom, dict):
        return set()
    return {k for k, v in custom.items() if k not in schema.names and _render(v, {})}


def _names(person: dict[str, Any]) -> tuple[str | None, str | None]:
    first, last = _text(person.get("first_name")), _text(person.get("last_name"))
    if first or last:
        return first, last
    name = _text(person.get("name"))
    if not name:
        return None, None
    given, _, family = name.partition(" ")
    return given, family.strip() or None


def _primary(items: Any) -> str | None:
    """The value of the item marked primary, else of the first item with a value."""
    if not isinstance(items, list):
        return None
    candidates = [i for i in items if isinstance(i, dict) and _text(i.get("value"))]
    primary = [i for i in candidates if i.get("primary") is True]
    chosen = (primary or candidates)[:1]
    return _text(chosen[0].get("value")) if chosen else None


def _built_in_values(person: dict[str, Any], schema: PersonSchema, names: RelatedNames) -> dict[str, str | None]:
    labels = schema.label_options()
    label_ids = found if isinstance(found := person.get("label_ids"), list) else []
    return {
        "organization": _related_name(person.get("org_id"), person.get("org_name"), names.organization),
        "owner": _related_name(person.get("owner_id"), person.get("owner_name"), names.owner),
        "labels": ", ".join(labels.get(str(i), str(i)) for i in label_ids) or None,
        "job_title": _text(person.get("job_title")),
        "birthday": _text(person.get("birthday")),
        "postal_address": _render(person.get("postal_address"), {}),
    }


def _related_name(value: Any, name: Any, lookup: Callable[[Any], str | None]) -> str | None:
    """The related object's name: from the payload when it carries one (v1 style), else from the
    names read in bulk (v2 sends bare ids). Never the id itself: a number is not a name."""
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("value"))
    return _text(name) or lookup(value)


def _render(raw: Any, options: Mapping[str, str]) -> str | None:
    """A custom field value as text: option ids as their labels, `{value, currency}` as
    "2300 EUR", ranges as "start – end", addresses by their formatted value."""
    if raw is None or raw == "" or raw == []:
        return None
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, list):
        parts = [_render(item, options) for item in raw]
        return ", ".join(p for p in parts if p) or None
    if isinstance(raw, dict):
        return _render_object(raw)
    if isinstance(raw, (int, float)) and options:
        return options.get(str(raw), str(raw))
    return _text(raw)


def _render_object(raw: dict[str, Any]) -> str | None:
    value = _text(raw.get("formatted_address")) or _text(raw.get("value"))
    if value and _text(raw.get("currency")):
        return f"{value} {raw['currency']}"
    if value and _text(raw.get("until")):
        return f"{value} – {raw['until']}"
    return value


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None
