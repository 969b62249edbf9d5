"""What `autoImports` reads: each table once, and the account's contacts only when the answer needs them."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import StatementCounter
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

IMPORTS = """{ autoImports { id status connection { name }
  troubleshooting { healthy problems { code count message } } } }"""


def _reading(counter: StatementCounter, table: str) -> list[str]:
    return [s for s in counter.statements if f'FROM "{table}"' in s]


def _past_the_token(counter: StatementCounter) -> list[str]:
    """The statements of the answer, without the API token's lookup (the tests cache no token)."""
    return [s for s in counter.statements if 'FROM "api_token"' not in s]


async def _two_imports(acme: AccountUnderTest, sync: Sync) -> None:
    for n in range(2):
        connection_id = await connect_feed(acme.api, url=f"http://feed{n}.test/feed.csv")
        await create_feed_import(acme.api, connection_id, name=f"Import {n}")
    await sync.due()


async def test_status_and_troubleshooting_read_the_connections_in_one_statement(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, sql_statements: StatementCounter
) -> None:
    feed.set_rows(HEADER, rows(3))
    await _two_imports(acme, sync)

    sql_statements.statements.clear()
    data = await acme.api(IMPORTS)

    assert [i["status"] for i in data["autoImports"]] == ["ACTIVE", "ACTIVE"]
    assert len(_reading(sql_statements, "connection")) == 1, sql_statements.statements


async def test_contacts_are_not_counted_while_no_import_has_contacts_waiting(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, sql_statements: StatementCounter
) -> None:
    feed.set_rows(HEADER, rows(3))
    await _two_imports(acme, sync)

    sql_statements.statements.clear()
    data = await acme.api(IMPORTS)

    assert all(i["troubleshooting"]["healthy"] for i in data["autoImports"])
    assert _reading(sql_statements, "contact") == []


async def test_contacts_are_counted_for_the_import_held_by_the_contact_limit(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync, sql_statements: StatementCounter
) -> None:
    small = await make_account("Small", contact_limit=2)
    feed.set_rows(HEADER, rows(5))
    connection_id = await connect_feed(small.api)
    await create_feed_import(small.api, connection_id, name="Import")
    await sync.due()

    sql_statements.statements.clear()
    (found,) = (await small.api(IMPORTS))["autoImports"]

    assert found["status"] == "LIMIT_REACHED"
    limit = next(p for p in found["troubleshooting"]["problems"] if p["code"] == "CONTACT_LIMIT_REACHED")
    assert limit["count"] == 3
    assert "the account has 2 contacts and its plan allows 2" in limit["message"]
    assert _reading(sql_statements, "contact"), sql_statements.statements


async def test_the_list_leaves_out_the_columns_no_field_shows(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, sql_statements: StatementCounter
) -> None:
    feed.set_rows(HEADER, rows(3))
    await _two_imports(acme, sync)

    sql_statements.statements.clear()
    await acme.api("{ autoImports { id name totals { added } } }")

    (listed,) = _reading(sql_statements, "auto_import")
    assert '"name"' in listed and '"totals"' in listed
    assert '"cursor"' not in listed and '"updated_at"' not in listed


FIELDS = "status lists { name } troubleshooting { healthy problems { code count message } }"


async def test_the_list_read_ahead_answers_as_each_import_read_alone(
    make_account: Any, feed: CsvFeedSimulator, sync: Sync
) -> None:
    """`autoImports` reads status, lists and troubleshooting ahead; `autoImport(id:)` and fragments
    read them through the loaders: the same answers."""
    small = await make_account("Small", contact_limit=2)
    feed.set_rows(HEADER, [*rows(5), ["", "No", "Email", "", "Pro"]])
    created = await small.api('mutation { createList(input: {name: "L"}) { list { id } } }')
    list_id = created["createList"]["list"]["id"]
    connection_id = await connect_feed(small.api)
    await create_feed_import(small.api, connection_id, name="Import", listIds=[list_id])
    await sync.due()

    (listed,) = (await small.api(f"{{ autoImports {{ id {FIELDS} }} }}"))["autoImports"]
    (spread,) = (await small.api(f"{{ autoImports {{ id ...F }} }} fragment F on AutoImport {{ {FIELDS} }}"))[
        "autoImports"]
    alone = (await small.api(f'query($id: ID!) {{ autoImport(id: $id) {{ id {FIELDS} }} }}', id=listed["id"]))[
        "autoImport"]
    # status read ahead, the other two only asked through the fragment: read through the loaders
    (mixed,) = (await small.api("{ autoImports { id status ...F } } fragment F on AutoImport { lists { name } "
                                "troubleshooting { healthy problems { code count message } } }"))["autoImports"]

    assert listed["status"] == "LIMIT_REACHED" and listed["lists"] == [{"name": "L"}]
    assert {p["code"] for p in listed["troubleshooting"]["problems"]} >= {"CONTACT_LIMIT_REACHED", "MISSING_EMAIL"}
    assert listed == spread == alone == mixed


CONTACT_FIELDS = "email tags lists { name }"


async def _synced_onto_list_l_with_tag_t(acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync,
                                          count: int) -> None:
    """`count` contacts of the feed, synced by an import that puts them on list "L" with tag "t"."""
    feed.set_rows(HEADER, rows(count))
    created = await acme.api('mutation { createList(input: {name: "L"}) { list { id } } }')
    await create_feed_import(acme.api, await connect_feed(acme.api), listIds=[created["createList"]["list"]["id"]],
                             tags=["t"])
    await sync.due()


async def test_a_page_read_ahead_answers_as_a_contact_read_alone(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    """`contacts` and `contact(email:)` read tags and lists ahead; fragments through the loaders."""
    await _synced_onto_list_l_with_tag_t(acme, feed, sync, 3)

    page = [e["node"] for e in (await acme.api(f"{{ contacts {{ edges {{ node {{ {CONTACT_FIELDS} }} }} }} }}"))[
        "contacts"]["edges"]]
    spread = [e["node"] for e in (await acme.api(
        f"{{ contacts {{ edges {{ node {{ ...F }} }} }} }} fragment F on Contact {{ {CONTACT_FIELDS} }}"))[
        "contacts"]["edges"]]
    alone = [(await acme.api(f"query($e: String!) {{ contact(email: $e) {{ {CONTACT_FIELDS} }} }}", e=c["email"]))[
        "contact"] for c in page]
    mixed = [e["node"] for e in (await acme.api(
        "{ contacts { edges { node { email tags ...F } } } } fragment F on Contact { lists { name } }"))[
        "contacts"]["edges"]]
    alone_spread = [(await acme.api(f"query($e: String!) {{ contact(email: $e) {{ ...F }} }} "
                                    f"fragment F on Contact {{ {CONTACT_FIELDS} }}", e=c["email"].upper()))[
        "contact"] for c in page]

    assert len(page) == 3 and all(c["tags"] == ["t"] and c["lists"] == [{"name": "L"}] for c in page)
    assert page == spread == alone == mixed == alone_spread


async def test_a_contact_by_email_reads_its_lists_and_tags_in_the_statement_that_finds_it(
    acme: AccountUnderTest, make_account: object, feed: CsvFeedSimulator, sync: Sync,
    sql_statements: StatementCounter
) -> None:
    await _synced_onto_list_l_with_tag_t(acme, feed, sync, 1)
    email = (await acme.api("{ contacts { edges { node { email } } } }"))["contacts"]["edges"][0]["node"]["email"]
    query = f"query($e: String!) {{ contact(email: $e) {{ {CONTACT_FIELDS} }} }}"
    other = await make_account("Other")  # type: ignore[operator]

    sql_statements.statements.clear()
    mine = (await acme.api(query, e=email.upper()))["contact"]
    read = _past_the_token(sql_statements)
    sql_statements.statements.clear()
    theirs = (await other.api(query, e=email))["contact"]

    assert mine == {"email": email, "tags": ["t"], "lists": [{"name": "L"}]}
    assert len(read) == 1, read
    assert theirs is None and len(_past_the_token(sql_statements)) == 1, sql_statements.statements


async def test_a_page_of_contacts_reads_their_lists_and_tags_in_the_statement_that_pages(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, sql_statements: StatementCounter
) -> None:
    await _synced_onto_list_l_with_tag_t(acme, feed, sync, 3)
    page = "{ contacts(first: 2) { edges { node { email %s } } pageInfo { hasNextPage endCursor } } }"

    read = {}
    for fields in ("tags", "lists { name }", "tags lists { name }", "firstName"):
        sql_statements.statements.clear()
        answer = (await acme.api(page % fields))["contacts"]
        read[fields] = _past_the_token(sql_statements)
        assert len(answer["edges"]) == 2 and answer["pageInfo"]["hasNextPage"] is True
    rest = (await acme.api(page.replace("first: 2", 'first: 2, after: "%s"') % (
        (await acme.api(page % "tags"))["contacts"]["pageInfo"]["endCursor"], "tags lists { name }")))["contacts"]
    filtered = (await acme.api('{ contacts(tag: "t") { edges { node { tags lists { name } } } } }'))["contacts"]

    assert [len(statements) for statements in read.values()] == [1, 1, 1, 1], read
    assert [e["node"]["tags"] for e in rest["edges"]] == [["t"]] and rest["pageInfo"]["hasNextPage"] is False
    assert [e["node"] for e in filtered["edges"]] == [{"tags": ["t"], "lists": [{"name": "L"}]}] * 3
