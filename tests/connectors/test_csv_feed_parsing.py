"""The CSV feed connector reading files: header mapping, criteria and content problems."""

from __future__ import annotations

from typing import Any

import pytest

from app.connectors.base import MalformedRecord, SourceContext
from app.connectors.csv_feed import CsvFeedConnector
from app.errors import Invalid, SourceRejected
from tests.connectors.csv_feed_support import by_id, fetch
from tests.simulators.csv_feed import CsvFeedSimulator

# --- mapping ---------------------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    ["E-mail", "First Name", "SURNAME", "Mobile"],
    ["email address", "firstname", "Family name", "telephone"],
    [" Email ", "given name", "last", "phone number"],
    ["E-Mail Address", "first", "lastname", "Phone"],
])
async def test_header_aliases_map_to_standard_fields(sim: CsvFeedSimulator, context: SourceContext,
                                                     header: list[str]) -> None:
    sim.set_rows(header, [["ann@example.com", "Ann", "Lee", "+39 555"]])
    (record,) = (await fetch(context)).records
    assert (record.email, record.first_name, record.last_name, record.phone) == (
        "ann@example.com", "Ann", "Lee", "+39 555")
    assert record.fields == {}


async def test_other_headers_become_custom_fields_with_labels_and_unique_keys(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["Email", "Date of birth", "City", "city", "", "Email"],
                 [["a@example.com", "1990-01-02", "Rome", "Roma", "ignored", "b@example.com"]])
    (record,) = (await fetch(context)).records
    assert record.fields == {"date_of_birth": "1990-01-02", "city": "Rome", "city_2": "Roma",
                             "email_2": "b@example.com"}
    assert record.field_labels == {"date_of_birth": "Date of birth", "city": "City",
                                   "city_2": "city", "email_2": "Email"}


async def test_values_are_trimmed_and_empty_ones_omitted(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email", "first name", "last name", "phone", "Plan"],
                 [["  a@example.com ", "  Ann ", "   ", "", "  "]])
    (record,) = (await fetch(context)).records
    assert record.external_id == "a@example.com"
    assert record.email == "  a@example.com "  # as received: the engine trims and validates
    assert (record.first_name, record.last_name, record.phone) == ("Ann", None, None)
    assert record.fields == {} and record.field_labels == {}


async def test_duplicate_emails_keep_the_later_row(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email", "first name"], [["Ann@Example.com", "Ann"], ["b@example.com", "Bob"],
                                           [" ann@example.COM", "Anna"]])
    records = by_id(await fetch(context))
    assert sorted(records) == ["ann@example.com", "b@example.com"]
    assert records["ann@example.com"].first_name == "Anna"


async def test_rows_without_email_get_row_ids_and_blank_rows_are_skipped(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_text("email,first name\r\n,NoMail\r\n\r\n , \r\na@example.com,Ann\r\n,Other\r\n")
    records = by_id(await fetch(context))
    assert sorted(records) == ["a@example.com", "row-2", "row-6"]
    assert records["row-2"].email is None and records["row-2"].first_name == "NoMail"


async def test_short_rows_are_padded_and_trailing_empty_cells_tolerated(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_text("email,first name,plan\na@example.com\nb@example.com,Bob,Pro,,\n")
    page = await fetch(context)
    assert by_id(page)["a@example.com"].first_name is None
    assert by_id(page)["b@example.com"].fields == {"plan": "Pro"}
    assert page.malformed_count == 0


async def test_ragged_rows_are_reported_on_the_page_and_not_imported(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    rows = [["a@example.com", "Ann"], ["b@example.com", "Bob", "extra"]]
    rows += [[f"x{i}@example.com", "X", "more", "cells"] for i in range(24)]
    sim.set_rows(["email", "first name"], rows)
    page = await fetch(context)
    assert list(by_id(page)) == ["a@example.com"]
    assert page.malformed_count == 25
    assert len(page.malformed) == 25
    assert page.malformed[0] == MalformedRecord("row-3", "the row has 3 cells but the header has 2")

# --- criteria --------------------------------------------------------------------------------

def test_criteria_are_described() -> None:
    description = CsvFeedConnector().description
    assert (description.id, description.name, description.auth.value) == ("csv_feed", "CSV Feed", "NONE")
    assert [(c.key, c.type, c.required) for c in description.criteria] == [
        ("column", "string", False), ("equals", "string", False)]
    assert all(c.help for c in description.criteria)
    assert [(f.key, f.standard) for f in description.fields] == [
        ("email", True), ("first_name", True), ("last_name", True), ("phone", True)]


@pytest.mark.parametrize(("criteria", "expected"), [
    (None, {}), ({}, {}), ({"column": " Status ", "equals": " active "}, {"column": "Status", "equals": "active"}),
    ({"column": "", "equals": "  "}, {}),
])
def test_good_criteria_are_normalised(criteria: dict[str, Any] | None, expected: dict[str, str]) -> None:
    assert CsvFeedConnector().validate_criteria(criteria) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("criteria", "field"), [
    ({"column": "Status", "equals": "x", "tag": "y"}, ["criteria", "tag"]),
    ({"column": "Status"}, ["criteria", "equals"]),
    ({"equals": "active"}, ["criteria", "column"]),
    ({"column": "Status", "equals": 3}, ["criteria", "equals"]),
])
def test_bad_criteria_are_refused_with_their_key(criteria: dict[str, Any], field: list[str]) -> None:
    with pytest.raises(Invalid) as raised:
        CsvFeedConnector().validate_criteria(criteria)
    assert raised.value.field == field


async def test_criteria_keep_only_matching_rows(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email", "Status"], [["a@example.com", " Active "], ["b@example.com", "lapsed"],
                                       ["c@example.com", "ACTIVE"]])
    criteria = CsvFeedConnector().validate_criteria({"column": "status", "equals": "active"})
    page = await fetch(context, criteria=criteria)
    assert sorted(by_id(page)) == ["a@example.com", "c@example.com"]


async def test_criteria_on_a_missing_column_are_rejected(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [["a@example.com"]])
    with pytest.raises(SourceRejected, match="no column 'Status'"):
        await fetch(context, criteria={"column": "Status", "equals": "active"})


# --- content problems ------------------------------------------------------------------------

async def test_a_file_without_email_column_is_rejected_naming_its_headers(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["Name", "Phone"], [["Ann", "1"]])
    with pytest.raises(SourceRejected, match=r"no email column.*'Name', 'Phone'"):
        await fetch(context)


@pytest.mark.parametrize("text", [b"", b"\r\n  \r\n,,\r\n"])
async def test_an_empty_file_is_rejected(sim: CsvFeedSimulator, context: SourceContext, text: bytes) -> None:
    sim.set_text(text)
    with pytest.raises(SourceRejected, match="empty"):
        await fetch(context)


async def test_latin1_bytes_are_rejected_with_a_clear_message(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.content_type = "text/csv"
    sim.set_text("email,first name\na@example.com,José\n".encode("latin-1"))
    with pytest.raises(SourceRejected) as raised:
        await fetch(context)
    assert str(raised.value) == ("The file is not UTF-8 text (byte 0xe9 at position 34); "
                                 "export it as CSV UTF-8.")


async def test_a_declared_charset_is_honoured(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.content_type = "text/csv; charset=windows-1252"
    sim.set_text("email,first name\na@example.com,José\n".encode("cp1252"))
    assert (await fetch(context)).records[0].first_name == "José"


@pytest.mark.parametrize("encoded", [
    "\ufeffEmail;First name;Last name\r\nA@x.de;Jörg;Müller\r\n".encode(),
    "Email\tFirst name\tLast name\nA@x.de\tJörg\tMüller\n".encode("utf-16"),
])
async def test_bom_and_other_delimiters_are_understood(sim: CsvFeedSimulator, context: SourceContext,
                                                       encoded: bytes) -> None:
    sim.set_text(encoded)
    (record,) = (await fetch(context)).records
    assert (record.external_id, record.first_name, record.last_name) == ("a@x.de", "Jörg", "Müller")


async def test_a_quoted_delimiter_in_the_header_does_not_fool_the_sniffer(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_text('email,"Notes; misc; more"\na@example.com,"x;y"\n')
    assert (await fetch(context)).records[0].fields == {"notes_misc_more": "x;y"}


async def test_a_web_page_is_rejected(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.content_type = "text/html; charset=utf-8"
    sim.set_text("<!DOCTYPE html><html>Sign in</html>")
    with pytest.raises(SourceRejected, match="web page"):
        await fetch(context)

