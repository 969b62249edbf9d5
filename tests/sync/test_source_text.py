"""A record from a source loses the characters no field should hold, in every one of its texts.

`clean_record` returns a clean record itself and copies only one that needs cleaning; either way
the result must equal cleaning each text on its own (`clean_text` everywhere), which the generated
records check, forbidden characters placed anywhere: ids, emails, names, phones, custom field keys,
values and labels.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.connectors.base import SourceRecord
from app.sync.source_text import clean_record
from app.text import clean_text

TEXT = st.text(alphabet=st.sampled_from(["a", "B", "é", "@", " ", "\t", "\x00", "\x01", "\x7f", "\x9b", "\ud800",
                                         "\udfff", "\u200b"]), max_size=6)
OPTIONAL = st.none() | TEXT
MAPPING = st.dictionaries(TEXT, TEXT, max_size=3)
RECORDS = st.builds(SourceRecord, external_id=TEXT, email=OPTIONAL, first_name=OPTIONAL, last_name=OPTIONAL,
                    phone=OPTIONAL, fields=MAPPING, field_labels=MAPPING, unsubscribed=st.booleans())


def cleaned_text_by_text(record: SourceRecord) -> SourceRecord:
    def optional(value: str | None) -> str | None:
        return None if value is None else clean_text(value)

    def mapping(values: dict[str, str]) -> dict[str, str]:
        return {clean_text(key): clean_text(value) for key, value in values.items()}

    return replace(record, external_id=clean_text(record.external_id), email=optional(record.email),
                   first_name=optional(record.first_name), last_name=optional(record.last_name),
                   phone=optional(record.phone), fields=mapping(record.fields),
                   field_labels=mapping(record.field_labels))


@settings(max_examples=400, deadline=None)
@given(RECORDS)
def test_a_record_is_cleaned_as_each_of_its_texts_would_be(record: SourceRecord) -> None:
    assert clean_record(record) == cleaned_text_by_text(record)


CLEAN = SourceRecord(external_id="1", email="ann@example.com", first_name="Ann", last_name="Able", phone="+1555",
                     fields={"plan": "Pro"}, field_labels={"plan": "Plan"})
ONE_DIRTY_TEXT = [  # CLEAN with one forbidden character in one of its texts
    replace(CLEAN, external_id="1\x00"), replace(CLEAN, email="ann@exa\x00mple.com"),
    replace(CLEAN, first_name="A\x01nn"), replace(CLEAN, last_name="Ab\ud800le"), replace(CLEAN, phone="+1\x7f555"),
    replace(CLEAN, fields={"pl\x00an": "Pro"}), replace(CLEAN, fields={"plan": "P\x9bro"}),
    replace(CLEAN, field_labels={"pl\x00an": "Plan"}), replace(CLEAN, field_labels={"plan": "Pl\x00an"}),
]


@pytest.mark.parametrize("record", ONE_DIRTY_TEXT)
def test_a_forbidden_character_in_any_one_text_is_removed(record: SourceRecord) -> None:
    assert clean_record(record) == CLEAN


def test_a_clean_record_is_kept_as_it_is_and_a_dirty_one_is_copied() -> None:
    clean = SourceRecord(external_id="1", email="ann@example.com", fields={"plan": "Pro"})
    dirty = SourceRecord(external_id="2", email="bob@example.com", field_labels={"plan": "Pl\x00an"})
    assert clean_record(clean) is clean
    assert clean_record(dirty) is not dirty and clean_record(dirty).field_labels == {"plan": "Plan"}
    assert dirty.field_labels == {"plan": "Pl\x00an"}  # the source's own record is left alone


def test_a_fingerprint_is_the_one_stored_by_every_earlier_sync() -> None:
    """A changed fingerprint would make every import apply every record again once; this digest was
    computed by the earlier `json.dumps(content, ensure_ascii=False)`."""
    record = SourceRecord(external_id="7", email="zoë@example.com", first_name="Zoë", phone="+1 555",
                          fields={"plan": "Pro", "city": "Zürich"}, unsubscribed=True)
    assert record.fingerprint() == "87dcb6cc26b0de04ceae3cc437191410a1b3d119"
