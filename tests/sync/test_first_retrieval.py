"""First retrieval and the 500-per-sync budget, through the API and the real engine."""

from __future__ import annotations

from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

HISTORY = """
query($id: ID!) { autoImport(id: $id) {
  status totals { fetched added updated unchanged }
  syncs(last: 10) { outcome counts { fetched added updated unchanged } backlogEstimate finishedAt }
} }"""


async def test_1234_contacts_arrive_in_syncs_of_500_500_234_then_nothing(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(1234))
    import_id = await create_feed_import(acme.api, await connect_feed(acme.api))

    fetched = []
    for _ in range(4):
        summaries = await sync.due()
        fetched.append(sum(s.records for s in summaries))
        await _make_due(import_id)

    assert fetched == [500, 500, 234, 0]
    assert await Contact.filter(account_id=acme.account.id).count() == 1234
    data = (await acme.api(HISTORY, id=import_id))["autoImport"]
    outcomes = [(run["outcome"], run["counts"]["added"], run["backlogEstimate"]) for run in reversed(data["syncs"])]
    assert outcomes == [("PARTIAL", 500, 734), ("PARTIAL", 500, 234), ("COMPLETED", 234, 0), ("COMPLETED", 0, 0)]
    assert data["totals"]["added"] == 1234 and data["status"] == "ACTIVE"
    # connectService read the file once; the last sync was a conditional GET answered 304
    assert len(feed.requests) == 1 + 4
    assert "if-none-match" in feed.requests[-1][2] and "if-none-match" not in feed.requests[-2][2]


async def test_two_imports_on_one_external_account_share_one_budget(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, rows(1500))
    first = await create_feed_import(acme.api, await connect_feed(acme.api, name="Sheet A"), name="A")
    second = await create_feed_import(acme.api, await connect_feed(acme.api, name="Sheet B"), name="B")

    per_sync = []
    for _ in range(7):
        summaries = await sync.due()
        assert len(summaries) == 1  # one external account, one sync
        per_sync.append(summaries[0].records)
        await _make_due(first)
        await _make_due(second)

    # both read the same 1,500 rows: 3,000 records in syncs that never take more than 500
    assert per_sync == [500, 500, 500, 500, 500, 500, 0]
    problems = await acme.api('query($id: ID!) { autoImport(id: $id) { troubleshooting { problems { code count } } } }',
                              id=first)
    codes = {p["code"]: p["count"] for p in problems["autoImport"]["troubleshooting"]["problems"]}
    assert codes.get("SHARED_EXTERNAL_ACCOUNT") == 2
    assert await Contact.filter(account_id=acme.account.id).count() == 1500


async def _make_due(import_id: str) -> None:
    from datetime import datetime, timezone

    from app.autoimports.models import AutoImport

    await AutoImport.filter(id=int(import_id)).update(next_sync_at=datetime.now(timezone.utc))


