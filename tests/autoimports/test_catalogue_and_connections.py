"""The service catalogue with per-account counts, connections with their imports, and secrets that
never come back out of the API."""

from __future__ import annotations

import json

from tortoise import connections as db_connections

from app.connections.models import Connection
from tests.conftest import HEADER, AccountUnderTest, Sync, connect_feed, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator

SERVICES = """{ services {
  id name auth importCount recommendedMaxImports
  criteria { key label type required help choices } fields { key label perstag }
} }"""


async def test_services_list_the_csv_feed_with_its_criteria_and_the_callers_import_count(
    make_account: object, feed: CsvFeedSimulator
) -> None:
    acme, other = await make_account("Acme"), await make_account("Other")  # type: ignore[operator]
    connection_id = await connect_feed(acme.api)
    for n in range(3):
        await create_feed_import(acme.api, connection_id, name=f"Import {n}")

    services = (await acme.api(SERVICES))["services"]
    theirs = (await other.api(SERVICES))["services"]
    single = (await acme.api('{ service(id: "csv_feed") { id importCount } missing: service(id: "nope") { id } }'))

    csv_feed = next(s for s in services if s["id"] == "csv_feed")
    assert csv_feed["name"] == "CSV Feed" and csv_feed["auth"] == "NONE"
    assert csv_feed["importCount"] == 3 and csv_feed["recommendedMaxImports"] == 2
    assert [(c["key"], c["type"], c["required"]) for c in csv_feed["criteria"]] == [
        ("column", "string", False), ("equals", "string", False)]
    assert all(c["label"] and c["help"] for c in csv_feed["criteria"])
    assert {f["key"] for f in csv_feed["fields"]} >= {"email", "first_name", "last_name", "phone"}
    assert next(s for s in theirs if s["id"] == "csv_feed")["importCount"] == 0
    assert single == {"service": {"id": "csv_feed", "importCount": 3}, "missing": None}


async def test_more_imports_than_recommended_earn_a_warning(acme: AccountUnderTest, feed: CsvFeedSimulator) -> None:
    connection_id = await connect_feed(acme.api)
    ids = [await create_feed_import(acme.api, connection_id, name=f"Import {n}") for n in range(3)]
    query = 'query($id: ID!) { autoImport(id: $id) { troubleshooting { healthy problems { code count } } } }'

    problems = (await acme.api(query, id=ids[0]))["autoImport"]["troubleshooting"]

    assert problems["healthy"] is False
    assert {"code": "TOO_MANY_IMPORTS_FOR_SERVICE", "count": 3} in problems["problems"]


async def test_connections_show_their_imports(acme: AccountUnderTest, feed: CsvFeedSimulator) -> None:
    first = await connect_feed(acme.api, name="Sheet A")
    second = await connect_feed(acme.api, url="http://other.test/feed.csv", name="Sheet B")
    a1 = await create_feed_import(acme.api, first, name="A1")
    a2 = await create_feed_import(acme.api, first, name="A2")

    data = await acme.api("""{
      connections { id name externalAccount status service { id } autoImports { id name } }
      other: connections(serviceId: "nope") { id }
      autoImports { connection { id } }
    }""")

    assert data["connections"] == [
        {"id": first, "name": "Sheet A", "externalAccount": "feed.test/feed.csv", "status": "ACTIVE",
         "service": {"id": "csv_feed"}, "autoImports": [{"id": a1, "name": "A1"}, {"id": a2, "name": "A2"}]},
        {"id": second, "name": "Sheet B", "externalAccount": "other.test/feed.csv", "status": "ACTIVE",
         "service": {"id": "csv_feed"}, "autoImports": []},
    ]
    assert data["other"] == []
    assert data["autoImports"] == [{"connection": {"id": first}}, {"connection": {"id": first}}]


SECRET = "tok-9f8e7d6c5b4a"
EVERYTHING = """query($email: String!) {
  connections { id name externalAccount status service { id name } autoImports { id name criteria } }
  autoImports { id name criteria tags connection { id name externalAccount }
                syncs { error } troubleshooting { problems { message action samples { externalId email reason } } } }
  services { id } customFields { title perstag } lists { name }
  contacts { edges { node { email fieldValues { value } } } }
  contact(email: $email) { email }
}"""


async def test_connection_settings_never_come_back_and_are_stored_encrypted(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync
) -> None:
    feed.set_rows(HEADER, [*rows(2), ["broken", "", "", "", ""]])
    url = f"http://feed.test/feed.csv?access_token={SECRET}"
    connect = await acme.api.raw(
        """mutation($url: String!) { connectService(input: {serviceId: "csv_feed", settings: {url: $url}}) {
          connection { id name externalAccount status } authorizeUrl userErrors { message } } }""",
        {"url": url},
    )
    connection_id = connect.json()["data"]["connectService"]["connection"]["id"]
    await create_feed_import(acme.api, connection_id)
    await sync.due()

    everything = await acme.api.raw(EVERYTHING, {"email": "person0@example.com"})

    assert everything.status_code == 200 and not everything.json().get("errors")
    assert SECRET not in connect.text and SECRET not in everything.text
    assert "access_token" not in everything.text
    assert "feed.test/feed.csv" in everything.text  # the account is named, without its secret
    stored = await Connection.get(id=int(connection_id))
    assert SECRET not in stored.settings_encrypted and "feed.test" not in stored.settings_encrypted
    for table in ("connection", "external_account", "auto_import", "sync_run", "skipped_record"):
        raw_rows = await db_connections.get("default").execute_query_dict(f'SELECT * FROM "{table}"')
        assert SECRET not in json.dumps(raw_rows, default=str), table
