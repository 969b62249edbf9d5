"""Lists of objects cost a fixed number of SQL statements whatever their length (DataLoaders)."""

from __future__ import annotations

from datetime import datetime, timezone

from app.autoimports.models import AutoImport
from tests.api.conftest import StatementCounter
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

IMPORTS = """{ autoImports {
  id name status contactCount service { id name } connection { name } lists { name contactCount } totals { fetched }
  troubleshooting { healthy problems { code count samples { email } } } syncs { outcome }
} }"""
CONTACTS = """{ contacts(first: 50) { edges { node {
  email lists { name } tags fieldValues { value field { title } }
  sources { autoImport { id name status contactCount } service { name } externalId firstSeenAt lastSeenAt }
} } } }"""
CONNECTIONS = """{
  connections { name service { name importCount } autoImports { id name status lists { name } } }
  services { id importCount }
}"""


async def _statements(api_call: object, counter: StatementCounter) -> int:
    counter.statements.clear()
    await api_call  # type: ignore[misc]
    return len(counter.statements)


async def _make_due() -> None:
    await AutoImport.all().update(next_sync_at=datetime.now(timezone.utc))


async def _add_imports(acme: AccountUnderTest, start: int, count: int) -> None:
    """Imports on distinct feeds (distinct external accounts), each into two lists with a tag."""
    for n in range(start, start + count):
        lists = [
            (await acme.api('mutation($n: String!) { createList(input: {name: $n}) { list { id } } }',
                            n=f"List {n} {side}"))["createList"]["list"]["id"]
            for side in ("a", "b")
        ]
        connection_id = await connect_feed(acme.api, url=f"http://feed{n}.test/feed.csv")
        await create_feed_import(acme.api, connection_id, name=f"Import {n}", listIds=lists, tags=[f"t{n}"])


async def test_auto_imports_cost_the_same_statements_for_2_and_12(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, sql_statements: StatementCounter
) -> None:
    # three good rows, one without an email, one with an invalid one: every import has skips
    feed.set_rows(HEADER, [*rows(3), ["", "No", "Email", "", "Pro"], ["not-an-email", "Bad", "Email", "", "Pro"]])
    await _add_imports(acme, 0, 2)
    await sync.due()

    with_2 = await _statements(acme.api(IMPORTS), sql_statements)
    first = await acme.api(IMPORTS)
    await _add_imports(acme, 2, 10)
    await sync.due()
    await _make_due()
    await sync.due()  # two runs each now
    with_12 = await _statements(acme.api(IMPORTS), sql_statements)
    second = (await acme.api(IMPORTS))["autoImports"]

    assert len(first["autoImports"]) == 2 and len(second) == 12
    # the shape is really loaded: lists with contacts, skipped-row problems with samples, sync runs
    sample = second[-1]
    assert [lst["contactCount"] for lst in sample["lists"]] == [3, 3]
    assert {p["code"] for p in sample["troubleshooting"]["problems"]} >= {"MISSING_EMAIL", "INVALID_EMAIL"}
    assert [len(i["syncs"]) for i in second] == [2] * 12
    assert [i["contactCount"] for i in second] == [3] * 12
    assert with_2 > 5
    assert with_12 == with_2, sql_statements.statements


async def test_contacts_cost_the_same_statements_for_5_and_50(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, sql_statements: StatementCounter
) -> None:
    feed.set_rows(HEADER, rows(5))
    await _add_imports(acme, 0, 1)
    await sync.due()

    with_5 = await _statements(acme.api(CONTACTS), sql_statements)
    few = (await acme.api(CONTACTS))["contacts"]["edges"]
    feed.set_rows(HEADER, rows(50))
    await _make_due()
    await sync.due()
    with_50 = await _statements(acme.api(CONTACTS), sql_statements)
    many = (await acme.api(CONTACTS))["contacts"]["edges"]

    assert len(few) == 5 and len(many) == 50
    node = many[-1]["node"]
    assert len(node["lists"]) == 2 and node["tags"] == ["t0"]
    assert [fv["field"]["title"] for fv in node["fieldValues"]] == ["CSV Feed plan"]
    assert [(s["autoImport"]["name"], s["autoImport"]["contactCount"], s["externalId"]) for s in node["sources"]] \
        == [("Import 0", 50, node["email"])]
    assert with_5 > 3
    assert with_50 == with_5, sql_statements.statements


async def test_connections_and_services_cost_the_same_statements_for_2_and_8(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sql_statements: StatementCounter
) -> None:
    feed.set_rows(HEADER, rows(2))
    await _add_imports(acme, 0, 2)

    with_2 = await _statements(acme.api(CONNECTIONS), sql_statements)
    await _add_imports(acme, 2, 6)
    with_8 = await _statements(acme.api(CONNECTIONS), sql_statements)
    data = await acme.api(CONNECTIONS)

    counts = {service["id"]: service["importCount"] for service in data["services"]}
    assert len(data["connections"]) == 8 and counts["csv_feed"] == 8 and set(counts.values()) == {0, 8}
    assert all(len(c["autoImports"]) == 1 and len(c["autoImports"][0]["lists"]) == 2 for c in data["connections"])
    assert with_2 > 3
    assert with_8 == with_2, sql_statements.statements
