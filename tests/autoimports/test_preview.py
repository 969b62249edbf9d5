"""previewAutoImport on every service: the verdicts are what a real sync then does with the same
records, and the preview leaves the database exactly as it was."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.connections.models import Connection, ConnectionStatus
from app.connections.service import connect_service, decrypt_connection_settings, save_connection_settings
from app.connectors.base import SourceContext
from app.contacts.models import Contact
from app.web import Services
from tests.autoimports.preview_support import (
    HARNESSES,
    CsvFeedHarness,
    HubSpotHarness,
    ServiceHarness,
    dump_database,
    source_context,
)
from tests.conftest import AccountUnderTest, Sync
from tests.sync.helpers import import_state, last_run

PREVIEW = """
mutation($serviceId: ID!, $connectionId: ID!, $criteria: JSON) {
  previewAutoImport(input: {serviceId: $serviceId, connectionId: $connectionId, criteria: $criteria}) {
    records { externalId email firstName lastName verdict reason }
    matchedEstimate
    userErrors { field code message }
  }
}"""
CREATE_CONTACT = 'mutation($email: String!) { createContact(input: {email: $email}) { userErrors { code } } }'
UNSUBSCRIBE = 'mutation($email: String!) { unsubscribeContact(email: $email) { userErrors { code } } }'
CREATE_IMPORT = """
mutation($serviceId: ID!, $connectionId: ID!, $criteria: JSON) {
  createAutoImport(input: {serviceId: $serviceId, connectionId: $connectionId, criteria: $criteria}) {
    autoImport { id } userErrors { code message }
  }
}"""


@pytest.fixture(params=sorted(HARNESSES))
def harness(request: pytest.FixtureRequest) -> ServiceHarness:
    return HARNESSES[request.param]()


@pytest.fixture
async def source(harness: ServiceHarness, settings: Settings) -> AsyncIterator[SourceContext]:
    """The app's and the engine's source context, pointed at the harness's simulator."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=harness.app)) as client:
        yield source_context(harness, client, settings.csv_max_bytes)


async def _connect(account: AccountUnderTest, services: Services, harness: ServiceHarness,
                   settings: dict[str, Any] | None = None) -> Connection:
    return await connect_service(account.account.id, harness.service_id, None, settings or harness.settings(),
                                 services.cipher, services.source)


async def _preview(account: AccountUnderTest, harness: ServiceHarness, connection_id: int) -> dict[str, Any]:
    data = await account.api(PREVIEW, serviceId=harness.service_id, connectionId=str(connection_id),
                             criteria=harness.criteria)
    return data["previewAutoImport"]  # type: ignore[no-any-return]


async def _account_with_two_contacts(make_account: Any) -> AccountUnderTest:
    """Room for two more contacts: one stored contact is active, the other unsubscribed."""
    small = await make_account("Small", contact_limit=4)
    for email in ("kept@example.com", "unsub@example.com"):
        assert (await small.api(CREATE_CONTACT, email=email))["createContact"]["userErrors"] == []
    assert (await small.api(UNSUBSCRIBE, email="unsub@example.com"))["unsubscribeContact"]["userErrors"] == []
    return small


def _seed(harness: ServiceHarness) -> None:
    for n in range(4):
        harness.add(f"new{n}@example.com", f"New{n}", "Person")
    harness.add("Kept@Example.com", "Kept", "Updated")
    harness.add("unsub@example.com", "Still", "Unsubscribed")
    harness.add(None, "No", "Email")
    harness.add("not-an-email", "Bad", "Email")
    if isinstance(harness, CsvFeedHarness):
        harness.add_malformed()


def _engine_counts(run: dict[str, Any]) -> Counter[str]:
    """The run's counts in verdicts: an existing contact is updated or unchanged, and kept
    unsubscribed is counted among those as well."""
    counts = run["counts"]
    return +Counter({
        "WOULD_ADD": counts["added"],
        "WOULD_UPDATE": counts["updated"] + counts["unchanged"] - counts["keptUnsubscribed"],
        "KEPT_UNSUBSCRIBED": counts["keptUnsubscribed"],
        "NOT_ADDED_CONTACT_LIMIT": counts["notAddedContactLimit"],
        "MISSING_EMAIL": counts["skippedMissingEmail"],
        "INVALID_EMAIL": counts["skippedInvalidEmail"],
        "MALFORMED": counts["skippedMalformed"],
    })


async def test_the_preview_says_what_the_sync_then_does_and_writes_nothing(
    make_account: Any, services: Services, sync: Sync, harness: ServiceHarness
) -> None:
    small = await _account_with_two_contacts(make_account)
    _seed(harness)
    connection = await _connect(small, services, harness)
    before = await dump_database()

    preview = await _preview(small, harness, connection.id)

    assert await dump_database() == before
    assert preview["userErrors"] == []
    verdicts = Counter(record["verdict"] for record in preview["records"])
    assert (verdicts["WOULD_ADD"], verdicts["NOT_ADDED_CONTACT_LIMIT"]) == (2, 2)  # room for two, in page order
    assert (verdicts["WOULD_UPDATE"], verdicts["KEPT_UNSUBSCRIBED"]) == (1, 1)
    assert verdicts["INVALID_EMAIL"] == 1
    by_email = {(r["email"] or "").lower(): r for r in preview["records"]}
    assert by_email["kept@example.com"]["verdict"] == "WOULD_UPDATE"
    assert by_email["unsub@example.com"]["verdict"] == "KEPT_UNSUBSCRIBED"
    assert "unsubscribed" in by_email["unsub@example.com"]["reason"]
    assert "contact limit (4)" in next(r["reason"] for r in preview["records"]
                                       if r["verdict"] == "NOT_ADDED_CONTACT_LIMIT")
    assert preview["matchedEstimate"] == sum(1 for r in preview["records"] if r["verdict"] != "MALFORMED")

    created = (await small.api(CREATE_IMPORT, serviceId=harness.service_id, connectionId=str(connection.id),
                               criteria=harness.criteria))
    import_id = created["createAutoImport"]["autoImport"]["id"]
    await sync.due()

    run = last_run(await import_state(small.api, import_id))
    assert run["outcome"] == "COMPLETED"
    assert _engine_counts(run) == verdicts
    added = set(await Contact.filter(account_id=small.account.id).values_list("email_key", flat=True))
    assert added - {"kept@example.com", "unsub@example.com"} == {
        r["email"].lower() for r in preview["records"] if r["verdict"] == "WOULD_ADD"}


@pytest.mark.parametrize("harness", ["csv_feed"], indirect=True)
async def test_the_csv_preview_names_each_kind_of_skip(
    make_account: Any, services: Services, harness: ServiceHarness
) -> None:
    small = await _account_with_two_contacts(make_account)
    _seed(harness)
    connection = await _connect(small, services, harness)

    records = (await _preview(small, harness, connection.id))["records"]

    assert [(r["externalId"], r["verdict"]) for r in records] == [
        ("new0@example.com", "WOULD_ADD"), ("new1@example.com", "WOULD_ADD"),
        ("new2@example.com", "NOT_ADDED_CONTACT_LIMIT"), ("new3@example.com", "NOT_ADDED_CONTACT_LIMIT"),
        ("kept@example.com", "WOULD_UPDATE"), ("unsub@example.com", "KEPT_UNSUBSCRIBED"),
        ("row-8", "MISSING_EMAIL"), ("not-an-email", "INVALID_EMAIL"), ("row-10", "MALFORMED"),
    ]
    assert records[0] == {"externalId": "new0@example.com", "email": "new0@example.com", "firstName": "New0",
                          "lastName": "Person", "verdict": "WOULD_ADD", "reason": None}
    assert "6 cells" in records[-1]["reason"]


@pytest.mark.parametrize("harness", ["csv_feed"], indirect=True)
async def test_the_preview_reads_one_page_from_the_start_and_estimates_the_rest(
    acme: AccountUnderTest, services: Services, sync: Sync, harness: ServiceHarness
) -> None:
    for n in range(120):
        harness.add(f"person{n}@example.com", f"First{n}", "Last")
    connection = await _connect(acme, services, harness)
    created = await acme.api(CREATE_IMPORT, serviceId=harness.service_id, connectionId=str(connection.id))
    assert created["createAutoImport"]["userErrors"] == []
    await sync.due()  # an import of the same feed has imported everything: a preview still starts afresh

    preview = await _preview(acme, harness, connection.id)

    assert [r["externalId"] for r in preview["records"]] == [f"person{n}@example.com" for n in range(50)]
    assert {r["verdict"] for r in preview["records"]} == {"WOULD_UPDATE"}
    assert preview["matchedEstimate"] == 120


@pytest.mark.parametrize("harness", ["hubspot"], indirect=True)
async def test_a_token_refreshed_during_a_preview_is_kept_and_nothing_else_is_written(
    acme: AccountUnderTest, services: Services, sync: Sync, harness: HubSpotHarness
) -> None:
    harness.sim.seed(5)
    harness.sim.oauth.rotate_refresh_tokens = True
    tokens = harness.sim.oauth.issue_tokens()
    tokens = {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
              "expires_at": int(time.time() + 1800)}
    connection = await _connect(acme, services, harness, tokens)
    harness.sim.oauth.expire_access_tokens()
    await save_connection_settings(connection, services.cipher, {**tokens, "expires_at": int(time.time()) - 60})
    before = await dump_database()

    preview = await _preview(acme, harness, connection.id)

    assert preview["userErrors"] == [] and len(preview["records"]) == 5
    after = await dump_database()
    changed = [(table, b, a) for table in before for b, a in zip(before[table], after[table], strict=False) if a != b]
    assert [(table, {k for k in b if b[k] != a[k]}) for table, b, a in changed] == [
        ("connection", {"settings_encrypted"})]
    stored = decrypt_connection_settings(await Connection.get(id=connection.id), services.cipher)
    assert stored["refresh_token"] != tokens["refresh_token"]
    assert stored["refresh_token"] in harness.sim.oauth.live_refresh_tokens
    # the connection still syncs: the rotated refresh token was not lost
    created = await acme.api(CREATE_IMPORT, serviceId="hubspot", connectionId=str(connection.id))
    await sync.due()
    assert last_run(await import_state(acme.api, created["createAutoImport"]["autoImport"]["id"]))["counts"][
        "added"] == 5


@pytest.mark.parametrize("harness", ["hubspot"], indirect=True)
async def test_refused_credentials_are_a_needs_reauth_user_error_and_the_connection_is_left_alone(
    acme: AccountUnderTest, services: Services, harness: HubSpotHarness
) -> None:
    harness.sim.seed(2)
    tokens = harness.sim.oauth.issue_tokens()
    connection = await _connect(acme, services, harness, {
        "access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"],
        "expires_at": int(time.time() + 1800)})
    harness.sim.oauth.expire_access_tokens()
    harness.sim.oauth.revoke_refresh_tokens()
    await save_connection_settings(connection, services.cipher, {**tokens, "expires_at": int(time.time()) - 60})
    before = await dump_database()

    preview = await _preview(acme, harness, connection.id)

    assert preview["records"] == [] and preview["matchedEstimate"] is None
    [error] = preview["userErrors"]
    assert (error["code"], error["field"]) == ("NEEDS_REAUTH", ["connectionId"]) and "Reconnect" in error["message"]
    assert await dump_database() == before
    assert (await Connection.get(id=connection.id)).status is ConnectionStatus.ACTIVE
