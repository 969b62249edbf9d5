"""The CSV feed connector across calls: paging through a backlog and conditional requests."""

from __future__ import annotations

from app.connectors.base import SourceContext
from tests.connectors.csv_feed_support import KnownFingerprints, fetch
from tests.simulators.csv_feed import CsvFeedSimulator

# --- paging and conditional requests ---------------------------------------------------------

def thousand_rows(count: int = 1234) -> list[list[str]]:
    return [[f"user{i:04d}@example.com", f"First{i}", "Same"] for i in range(count)]


async def test_paging_drains_the_backlog_without_repeating_a_record(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email", "first name", "last name"], thousand_rows())
    known, cursor, sizes, seen = KnownFingerprints(), {}, [], []
    for _ in range(4):
        page = await fetch(context, cursor=cursor, known=known)
        sizes.append((len(page.records), page.has_more, page.backlog_estimate))
        seen += [record.external_id for record in page.records]
        known.mark(page.records)
        cursor = page.cursor
    assert sizes == [(500, True, 734), (500, True, 234), (234, False, 0), (0, False, 0)]
    assert len(seen) == len(set(seen)) == 1234
    assert seen[:2] == ["user0000@example.com", "user0001@example.com"]  # file order
    conditional = ["if-none-match" in headers for _, _, headers in sim.requests]
    assert conditional == [False, False, False, True]


async def test_an_edited_row_in_the_middle_arrives_on_the_next_call(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    rows = thousand_rows(1000)
    sim.set_rows(["email", "first name", "last name"], rows)
    known = KnownFingerprints()
    first = await fetch(context, limit=5000, known=known)
    known.mark(first.records)
    rows[617][1] = "Edited"
    sim.set_rows(["email", "first name", "last name"], rows)
    second = await fetch(context, cursor=first.cursor, known=known)
    assert [(r.external_id, r.first_name) for r in second.records] == [("user0617@example.com", "Edited")]
    assert second.has_more is False and second.cursor["complete"] is True


async def test_unchanged_file_after_a_complete_pass_costs_one_request_and_no_records(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [["a@example.com"]])
    first = await fetch(context)
    assert first.cursor["etag"] == sim.etag and first.cursor["complete"] is True
    before = len(sim.requests)
    second = await fetch(context, cursor=first.cursor)
    assert (second.records, second.has_more, second.backlog_estimate) == ([], False, 0)
    assert second.cursor == first.cursor
    assert len(sim.requests) == before + 1
    headers = sim.requests[-1][2]
    assert headers["if-none-match"] == sim.etag
    assert headers["if-modified-since"] == sim.last_modified


async def test_a_backlog_pass_sends_no_conditional_headers(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [["a@example.com"]])
    cursor = {"etag": sim.etag, "last_modified": sim.last_modified, "complete": False}
    page = await fetch(context, cursor=cursor)
    assert len(page.records) == 1
    assert "if-none-match" not in sim.requests[-1][2]
    assert "if-modified-since" not in sim.requests[-1][2]

