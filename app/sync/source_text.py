"""Text from a source, cleaned once, before the engine stores any of it.

Every string a connector hands over (ids, emails, names, custom field labels and values, the
reasons of malformed items) loses the characters no field should hold (`app.text`): a NUL in one
CSV cell must not fail the page on PostgreSQL while SQLite stores it. The record is kept: its
other characters are what the user typed.
"""

from __future__ import annotations

from dataclasses import replace

from app.connectors.base import MalformedRecord, Page, SourceRecord
from app.text import clean_text, has_forbidden_characters


def _optional(value: str | None) -> str | None:
    return None if value is None else clean_text(value)


def _clean_mapping(values: dict[str, str]) -> dict[str, str]:
    return {clean_text(key): clean_text(value) if isinstance(value, str) else value for key, value in values.items()}


def _all_text(record: SourceRecord) -> str:
    text = "".join((record.external_id, record.email or "", record.first_name or "", record.last_name or "",
                    record.phone or ""))
    for mapping in (record.fields, record.field_labels):
        if mapping:
            text += "".join(mapping) + "".join(value for value in mapping.values() if isinstance(value, str))
    return text


def clean_record(record: SourceRecord) -> SourceRecord:
    """The record cleaned; the record itself when none of its text needs it (nearly every one:
    one search over all its text then, instead of a copy of the record and of its fields)."""
    if not has_forbidden_characters(_all_text(record)):
        return record
    return replace(
        record,
        external_id=clean_text(record.external_id),
        email=_optional(record.email),
        first_name=_optional(record.first_name),
        last_name=_optional(record.last_name),
        phone=_optional(record.phone),
        fields=_clean_mapping(record.fields),
        field_labels=_clean_mapping(record.field_labels),
    )


def clean_page(page: Page) -> Page:
    """The page with every record, malformed item and present id cleaned (a new object)."""
    return replace(
        page,
        records=[clean_record(record) for record in page.records],
        malformed=[MalformedRecord(clean_text(m.external_id), clean_text(m.reason)) for m in page.malformed],
        present_ids=None if page.present_ids is None else {clean_text(i) for i in page.present_ids},
    )
