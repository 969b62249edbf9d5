"""Pipedrive through the real engine and database: budgets, edits, equal timestamps, fields."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import app.connectors.registry
from app.autoimports.service import create_auto_import
from app.connections.models import Connection
from app.connections.service import connect_service
from app.connectors.base import SourceContext
from app.connectors.pipedrive import PipedriveConnector
from app.contacts.models import Contact, ContactStatus, CustomField, FieldValue
from app.errors import Invalid
from app.web import Services
from tests.conftest import AccountUnderTest, SourceContexts, Sync
from tests.connectors.pipedrive_support import BASE, SETTINGS
from tests.simulators.pipedrive import EPOCH, PipedriveSimulator
from tests.sync.helpers import contact, sync_again

NOW = datetime(2025, 6, 2, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.connectors.registry.CONNECTORS, "pipedrive", PipedriveConnector())


@pytest.fixture
def pipedrive() -> PipedriveSimulator:
    sim = PipedriveSimulator()
    sim.clock = lambda: NOW
    return sim


@pytest.fixture
def source(pipedrive: PipedriveSimulator, source_for: SourceContexts) -> SourceContext:
    return source_for(pipedrive, endpoints={"pipedrive": BASE})


async def _import(acme: AccountUnderTest, services: Services, criteria: dict[str, object] | None = None) -> str:
    connection = await connect_service(acme.account.id, "pipedrive", None, dict(SETTINGS), services.cipher,
                                       services.source)
    auto_import = await create_auto_import(acme.account.id, "pipedrive", connection.id, None, criteria or {}, None,
                                           None, None)
    return str(auto_import.id)


async def _syncs(sync: Sync, import_id: str, count: int) -> list[int]:
    taken = [sum(s.records for s in await sync.due())]
    for _ in range(count - 1):
        taken.append(await sync_again(sync, import_id))
    return taken


async def test_1234_persons_arrive_500_500_234_then_nothing(
    acme: AccountUnderTest, services: Services, sync: Sync, pipedrive: PipedriveSimulator
) -> None:
    pipedrive.seed(1234)
    import_id = await _import(acme, services)

    assert await _syncs(sync, import_id, 4) == [500, 500, 234, 0]
    assert await Contact.filter(account_id=acme.account.id).count() == 1234
    connection = await Connection.get(account_id=acme.account.id).select_related("external_account")
    assert connection.external_account.name == "acme.pipedrive.com"


async def test_an_edit_arrives_on_the_next_sync(
    acme: AccountUnderTest, services: Services, sync: Sync, pipedrive: PipedriveSimulator
) -> None:
    people = pipedrive.seed(40)
    import_id = await _import(acme, services)
    await sync.due()
    pipedrive.edit(people[9]["id"], first_name="Renamed", last_name="Person")

    assert await sync_again(sync, import_id) == 1
    found = await contact(acme.api, "person9@example.com")
    assert found is not None and (found["firstName"], found["lastName"]) == ("Renamed", "Person")


@pytest.mark.parametrize("update_time", [EPOCH, NOW], ids=["settled", "same-second-as-now"])
async def test_700_persons_with_one_update_time_import_once_and_the_syncs_stop(
    acme: AccountUnderTest, services: Services, sync: Sync, pipedrive: PipedriveSimulator, update_time: datetime
) -> None:
    pipedrive.seed(700, update_time=update_time)
    import_id = await _import(acme, services)

    assert await _syncs(sync, import_id, 4) == [500, 200, 0, 0]
    assert await Contact.filter(account_id=acme.account.id).count() == 700


async def test_owner_criterion_imports_only_their_persons(
    acme: AccountUnderTest, services: Services, sync: Sync, pipedrive: PipedriveSimulator
) -> None:
    pipedrive.seed(20)
    pipedrive.add_person(name="Owned Person", email="owned@example.com", owner_id=42)
    await _import(acme, services, {"owner_id": "42"})

    await sync.due()

    assert await Contact.filter(account_id=acme.account.id).values_list("email", flat=True) == ["owned@example.com"]


async def test_custom_fields_are_titled_from_person_fields_and_unsubscribed_is_kept(
    acme: AccountUnderTest, services: Services, sync: Sync, pipedrive: PipedriveSimulator
) -> None:
    colour = pipedrive.add_custom_field("Favourite colour")
    pipedrive.add_person(name="Ann Bell", email="ann@example.com", custom_fields={colour: "Teal"},
                         marketing_status="unsubscribed", org_id=5)
    await _import(acme, services)

    await sync.due()

    fields = dict(await CustomField.filter(account_id=acme.account.id).values_list("title", "perstag"))
    assert fields == {"Pipedrive Favourite colour": "%PIPEDRIVE_FAVOURITE_COLOUR%",
                      "Pipedrive Organization": "%PIPEDRIVE_ORGANIZATION%", "Pipedrive Owner": "%PIPEDRIVE_OWNER%"}
    ann = await Contact.get(account_id=acme.account.id, email="ann@example.com")
    assert ann.status is ContactStatus.UNSUBSCRIBED and (ann.first_name, ann.last_name) == ("Ann", "Bell")
    values = dict(await FieldValue.filter(contact_id=ann.id).values_list("field__title", "value"))
    assert values == {"Pipedrive Favourite colour": "Teal", "Pipedrive Organization": "Initech",
                      "Pipedrive Owner": "Owner One"}  # names, not the ids v2 sends


async def test_a_wrong_token_at_connect_is_invalid_and_stores_nothing(
    acme: AccountUnderTest, services: Services
) -> None:
    with pytest.raises(Invalid) as refused:
        await connect_service(acme.account.id, "pipedrive", None, {**SETTINGS, "api_token": "nope"},
                              services.cipher, services.source)
    assert refused.value.field == ["settings", "api_token"]
    assert await Connection.filter(account_id=acme.account.id).count() == 0
