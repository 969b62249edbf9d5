"""Google Contacts through the real engine and database: the budget, the sync-token cycle,
expiry of sync and access tokens, revoked access."""

from __future__ import annotations

import time

import pytest

import app.connectors.registry
from app.autoimports.models import AutoImport
from app.autoimports.service import create_auto_import
from app.connections.models import Connection, ConnectionStatus
from app.connections.service import connect_service, decrypt_connection_settings
from app.connectors.base import SourceContext
from app.connectors.google_contacts import GoogleContactsConnector
from app.contacts.models import Contact, CustomField, FieldValue
from app.web import Services
from tests.conftest import AccountUnderTest, SourceContexts, Sync
from tests.connectors.google_contacts_support import CLIENT, ENDPOINTS, listing_calls
from tests.simulators.google_contacts import GoogleContactsSimulator
from tests.sync.helpers import make_due

SERVICE = "google_contacts"


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.connectors.registry.CONNECTORS, SERVICE, GoogleContactsConnector())


@pytest.fixture
def google() -> GoogleContactsSimulator:
    return GoogleContactsSimulator(account_email="Owner@Example.com")


@pytest.fixture
def source(google: GoogleContactsSimulator, source_for: SourceContexts) -> SourceContext:
    """Overrides tests/conftest.py's: the engine talks to the Google simulator."""
    return source_for(google, endpoints=ENDPOINTS, oauth_clients={"google_contacts": CLIENT})


async def start_import(acme: AccountUnderTest, services: Services, google: GoogleContactsSimulator,
                       criteria: dict[str, str] | None = None) -> tuple[Connection, AutoImport]:
    connection = await connect_service(acme.account.id, SERVICE, None, google.issue_token_set(),
                                       services.cipher, services.source)
    auto_import = await create_auto_import(acme.account.id, SERVICE, connection.id, None, criteria or {},
                                           None, None, None)
    return connection, auto_import


async def run(sync: Sync, auto_import: AutoImport) -> int:
    await make_due(str(auto_import.id))
    return sum(summary.records for summary in await sync.due())


async def cursor_of(auto_import: AutoImport) -> dict[str, object]:
    cursor: dict[str, object] = (await AutoImport.get(id=auto_import.id)).cursor
    return cursor


async def test_1234_people_arrive_500_500_234_from_a_saved_page_token(
        acme: AccountUnderTest, services: Services, sync: Sync, google: GoogleContactsSimulator) -> None:
    google.seed(1234)
    connection, auto_import = await start_import(acme, services, google)
    assert (await Connection.get(id=connection.id).select_related("external_account")).external_account.name \
        == "owner@example.com"

    taken, cursors, backlogs = [], [], []
    for _ in range(4):
        taken.append(await run(sync, auto_import))
        cursors.append(await cursor_of(auto_import))
        backlogs.append((await AutoImport.get(id=auto_import.id)).backlog_estimate)

    assert taken == [500, 500, 234, 0]
    assert backlogs == [734, 234, 0, 0]
    assert cursors[0]["page_token"] and cursors[0]["sync_token"] is None
    assert cursors[1]["page_token"] != cursors[0]["page_token"]
    assert set(cursors[2]) == {"sync_token", "page_size"} and cursors[3]["sync_token"]
    calls = listing_calls(google)
    assert {c["pageSize"] for c in calls} == {"100"}  # one page size through the whole chain
    assert len(calls) == 5 + 5 + 3 + 1 and "pageToken" not in calls[0]
    assert calls[5]["pageToken"] == cursors[0]["page_token"]
    assert calls[13]["syncToken"] == cursors[2]["sync_token"]
    assert await Contact.filter(account_id=acme.account.id).count() == 1234


async def test_an_expired_sync_token_means_a_full_retrieval_without_duplicates(
        acme: AccountUnderTest, services: Services, sync: Sync, google: GoogleContactsSimulator) -> None:
    names = google.seed(30)
    _, auto_import = await start_import(acme, services, google)
    assert await run(sync, auto_import) == 30
    google.edit_person(names[3], given="Edited")
    google.add_person("late@example.com", "Late")
    google.expire_sync_tokens()

    assert await run(sync, auto_import) == 31  # everything listed again, from the first page

    contacts = await Contact.filter(account_id=acme.account.id)
    assert len(contacts) == 31 and len({c.email_key for c in contacts}) == 31
    assert {c.first_name for c in contacts if c.email == "person3@example.com"} == {"Edited"}
    assert set(await cursor_of(auto_import)) == {"sync_token", "page_size"}
    state = await AutoImport.get(id=auto_import.id)
    assert state.failure_streak == 0 and state.last_error is None


async def test_a_deleted_person_is_not_imported_and_deletes_nothing(
        acme: AccountUnderTest, services: Services, sync: Sync, google: GoogleContactsSimulator) -> None:
    names = google.seed(4)
    _, auto_import = await start_import(acme, services, google)
    await run(sync, auto_import)
    google.delete_person(names[1])
    ghost = google.add_person("ghost@example.com", "Ghost")
    google.delete_person(ghost)  # created and deleted between two syncs

    assert await run(sync, auto_import) == 0

    emails = {contact.email for contact in await Contact.filter(account_id=acme.account.id)}
    assert emails == {f"person{n}@example.com" for n in range(4)}


async def test_an_edit_arrives_through_the_sync_token_with_its_custom_fields(
        acme: AccountUnderTest, services: Services, sync: Sync, google: GoogleContactsSimulator) -> None:
    names = google.seed(10)
    _, auto_import = await start_import(acme, services, google)
    await run(sync, auto_import)

    google.edit_person(names[6], given="Edited", birthdays=[{"date": {"month": 2, "day": 29}}],
                       userDefined=[{"key": "Loyalty tier", "value": "Gold"}])
    assert await run(sync, auto_import) == 1

    contact = await Contact.get(account_id=acme.account.id, email="person6@example.com")
    values = {v.field.perstag: v.value for v in await FieldValue.filter(contact_id=contact.id).select_related("field")}
    assert contact.first_name == "Edited"
    assert values == {"%GOOGLE_CONTACTS_BIRTHDAY%": "--02-29", "%GOOGLE_CONTACTS_LOYALTY_TIER%": "Gold"}
    titles = set(await CustomField.filter(account_id=acme.account.id).values_list("title", flat=True))
    assert {"Google Contacts Birthday", "Google Contacts Loyalty tier"} <= titles


async def test_an_expiring_access_token_is_refreshed_and_stored_by_the_engine(
        acme: AccountUnderTest, services: Services, sync: Sync, google: GoogleContactsSimulator) -> None:
    google.rotate_refresh_tokens = True
    google.seed(5)
    connection, auto_import = await start_import(acme, services, google)
    stored = decrypt_connection_settings(connection, services.cipher)
    connection.settings_encrypted = services.cipher.encrypt(
        {**stored, "expires_at": int(time.time()) + 30}, f"connection:{connection.id}:account:{acme.account.id}")
    await connection.save(update_fields=["settings_encrypted"])

    assert await run(sync, auto_import) == 5

    after = decrypt_connection_settings(await Connection.get(id=connection.id), services.cipher)
    assert after["access_token"] != stored["access_token"] and after["refresh_token"] != stored["refresh_token"]
    assert after["expires_at"] > time.time() + 3000
    assert (await Connection.get(id=connection.id)).status is ConnectionStatus.ACTIVE


async def test_a_revoked_refresh_token_puts_the_connection_in_needs_reauth(
        acme: AccountUnderTest, services: Services, sync: Sync, google: GoogleContactsSimulator) -> None:
    google.seed(5)
    connection, auto_import = await start_import(acme, services, google)
    google.revoke_refresh_tokens()

    assert await run(sync, auto_import) == 0

    assert (await Connection.get(id=connection.id)).status is ConnectionStatus.NEEDS_REAUTH
    assert await Contact.filter(account_id=acme.account.id).count() == 0
    assert await cursor_of(auto_import) == {}
