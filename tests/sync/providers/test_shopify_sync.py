"""Shopify through the real engine and database: first retrieval, edits, rate limits, consent, connect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

import app.connectors.registry
from app.autoimports.service import create_auto_import
from app.connections.service import connect_service
from app.connectors.base import SourceContext
from app.connectors.shopify import ShopifyConnector
from app.contacts.models import Contact
from app.errors import Invalid
from app.web import Services
from tests.conftest import AccountUnderTest, SourceContexts, Sync
from tests.simulators.shopify import ManualClock, ShopifySimulator
from tests.sync.helpers import contact, import_state, last_run, make_due, now, problem, sync_again

ACME_SHOP, ACME_TOKEN = "acme.myshopify.com", "shpat_acme"
GLOBEX_SHOP, GLOBEX_TOKEN = "globex.myshopify.com", "shpat_globex"
CONNECT = """
mutation($settings: JSON!) {
  connectService(input: {serviceId: "shopify", settings: $settings}) {
    connection { id externalAccount } userErrors { field code message }
  }
}"""


@pytest.fixture(autouse=True)
def shopify_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.connectors.registry.CONNECTORS, "shopify", ShopifyConnector())


@pytest.fixture
def shopify() -> ShopifySimulator:
    """Two shops; 10 s pass between calls, so the cost bucket is full unless a test says otherwise."""
    sim = ShopifySimulator(clock=ManualClock(10.0))
    sim.add_shop(ACME_SHOP, ACME_TOKEN)
    sim.add_shop(GLOBEX_SHOP, GLOBEX_TOKEN)
    return sim


@pytest.fixture
def source(shopify: ShopifySimulator, source_for: SourceContexts) -> SourceContext:
    """The engine's source context, pointed at the Shopify simulator (overrides tests/conftest.py's)."""
    return source_for(shopify, endpoints={"shopify": "http://shopify.test/{shop}"})


async def _shopify_import(services: Services, account: AccountUnderTest, shop: str, token: str,
                          criteria: dict[str, Any] | None = None) -> str:
    connection = await connect_service(account.account.id, "shopify", None, {"shop": shop, "access_token": token},
                                       services.cipher, services.source)
    auto_import = await create_auto_import(account.account.id, "shopify", connection.id, None, criteria or {},
                                           None, None, None)
    return str(auto_import.id)


async def _count(account: AccountUnderTest) -> int:
    return await Contact.filter(account_id=account.account.id).count()


async def test_1234_customers_arrive_in_syncs_of_500_500_234_then_nothing(
        acme: AccountUnderTest, shopify: ShopifySimulator, services: Services, sync: Sync) -> None:
    shopify.add_customers(ACME_SHOP, 1234, spent="42.00", orders=2, tags=("VIP",))
    import_id = await _shopify_import(services, acme, ACME_SHOP, ACME_TOKEN)

    fetched = []
    for _ in range(4):
        fetched.append(sum(s.records for s in await sync.due()))
        await make_due(import_id)

    assert fetched == [500, 500, 234, 0]
    assert await _count(acme) == 1234
    state = await import_state(acme.api, import_id)
    runs = [(run["outcome"], run["counts"]["added"]) for run in reversed(state["syncs"])]
    assert runs == [("PARTIAL", 500), ("PARTIAL", 500), ("COMPLETED", 234), ("COMPLETED", 0)]
    assert state["status"] == "ACTIVE"
    found = await contact(acme.api, "customer1233@example.com")
    assert found is not None and found["firstName"] == "First1233" and found["status"] == "ACTIVE"
    values = {v["field"]["perstag"]: (v["field"]["title"], v["value"]) for v in found["fieldValues"]}
    assert values["%SHOPIFY_TOTAL_SPENT%"] == ("Shopify Total spent", "42.00")
    assert values["%SHOPIFY_ORDERS_COUNT%"][1] == "2" and values["%SHOPIFY_TAGS%"][1] == "VIP"


async def test_an_edit_at_the_source_arrives_on_the_next_sync(
        acme: AccountUnderTest, shopify: ShopifySimulator, services: Services, sync: Sync) -> None:
    ids = shopify.add_customers(ACME_SHOP, 10)
    import_id = await _shopify_import(services, acme, ACME_SHOP, ACME_TOKEN)
    await sync.due()

    shopify.edit(ACME_SHOP, ids[4], firstName="Renamed", lastName="Person")  # updatedAt moves on
    assert await sync_again(sync, import_id) == 1

    found = await contact(acme.api, "customer4@example.com")
    assert found is not None and (found["firstName"], found["lastName"]) == ("Renamed", "Person")
    counts = last_run(await import_state(acme.api, import_id))["counts"]
    assert (counts["updated"], counts["added"], counts["fetched"]) == (1, 0, 1)


STORM = 3  # rate-limited answers in a row: each sync that meets one is rescheduled


def _retry_after_in_seconds(sim: ShopifySimulator) -> float:
    sim.rate_limit_next(ACME_SHOP, "600", times=STORM)
    return 600


def _retry_after_as_http_date(sim: ShopifySimulator) -> float:
    sim.rate_limit_next(ACME_SHOP, format_datetime(now() + timedelta(seconds=900), usegmt=True), times=STORM)
    return 900


def _retry_after_missing(sim: ShopifySimulator) -> float:
    sim.rate_limit_next(ACME_SHOP, None, times=STORM)
    return 60


def _retry_after_absurd(sim: ShopifySimulator) -> float:
    sim.rate_limit_next(ACME_SHOP, "99999999", times=STORM)
    return 24 * 3600


def _throttled_body(sim: ShopifySimulator) -> float:
    sim.throttle_next(ACME_SHOP, times=STORM, available=0)
    return 10  # 997 points asked for (2 + 199 x 5), none left, 100 restored per second


@pytest.mark.parametrize("storm", [_retry_after_in_seconds, _retry_after_as_http_date, _retry_after_missing,
                                   _retry_after_absurd, _throttled_body])
async def test_a_rate_limit_storm_reschedules_loses_nothing_and_leaves_other_shops_syncing(
        storm: Callable[[ShopifySimulator], float], acme: AccountUnderTest, make_account: Any,
        shopify: ShopifySimulator, services: Services, sync: Sync) -> None:
    globex = await make_account("Globex")
    shopify.add_customers(ACME_SHOP, 700)
    shopify.add_customers(GLOBEX_SHOP, 300, domain="globex.example")
    acme_import = await _shopify_import(services, acme, ACME_SHOP, ACME_TOKEN)
    globex_import = await _shopify_import(services, globex, GLOBEX_SHOP, GLOBEX_TOKEN)
    await sync.due()
    assert (await _count(acme), await _count(globex)) == (500, 300)

    delay = storm(shopify)
    shopify.add_customers(GLOBEX_SHOP, 20, start=300, domain="globex.example")
    await make_due(acme_import, globex_import)
    moment = now()
    for round_ in range(STORM):
        await sync.due(now=moment)
        state = await import_state(acme.api, acme_import)
        limited = problem(state, "RATE_LIMITED") if round_ == 0 else None
        assert round_ > 0 or (limited is not None and "nothing is lost" in limited["action"])
        assert "rate limited" in last_run(state)["error"].lower() or "throttled" in last_run(state)["error"].lower()
        next_sync = datetime.fromisoformat(state["nextSyncAt"])
        assert delay - 15 < (next_sync - moment).total_seconds() < delay + 15  # rescheduled, not retried at once
        assert state["status"] != "FAILING" and problem(state, "SOURCE_ERROR") is None
        assert await _count(acme) == 500
        early = await sync.due(now=next_sync - timedelta(seconds=5))
        assert not [s for s in early if int(acme_import) in s.imports_synced]  # not before the delay
        moment = next_sync + timedelta(seconds=1)
    assert await _count(globex) == 320  # the other shop's import kept syncing during the storm

    await sync.due(now=moment)  # after the storm: the backlog drains from the saved cursor
    assert await _count(acme) == 700
    state = await import_state(acme.api, acme_import)
    assert problem(state, "RATE_LIMITED") is None and state["status"] == "ACTIVE"


async def test_an_unsubscribed_customer_is_skipped_by_default_and_never_active_otherwise(
        acme: AccountUnderTest, make_account: Any, shopify: ShopifySimulator, services: Services,
        sync: Sync) -> None:
    gone = shopify.add_customer(ACME_SHOP, "gone@example.com", first_name="Gone", marketing_state="UNSUBSCRIBED")
    shopify.add_customer(ACME_SHOP, "kept@example.com", first_name="Kept")
    await _shopify_import(services, acme, ACME_SHOP, ACME_TOKEN)  # subscribed_only by default
    await sync.due()
    assert await contact(acme.api, "gone@example.com") is None
    assert (await contact(acme.api, "kept@example.com"))["status"] == "ACTIVE"  # type: ignore[index]

    everyone = await make_account("Everyone")
    import_id = await _shopify_import(services, everyone, ACME_SHOP, ACME_TOKEN, {"subscribed_only": False})
    await sync.due()
    found = await contact(everyone.api, "gone@example.com")
    assert found is not None and found["status"] == "UNSUBSCRIBED"

    shopify.edit(ACME_SHOP, gone, marketing_state="SUBSCRIBED", firstName="Back")  # re-subscribed at Shopify
    await sync_again(sync, import_id)
    found = await contact(everyone.api, "gone@example.com")
    assert found is not None and (found["status"], found["firstName"]) == ("UNSUBSCRIBED", "Back")


async def test_a_subscriber_who_unsubscribes_later_becomes_unsubscribed_even_with_subscribed_only(
        acme: AccountUnderTest, shopify: ShopifySimulator, services: Services, sync: Sync) -> None:
    ann = shopify.add_customer(ACME_SHOP, "ann@example.com", first_name="Ann")
    never = shopify.add_customer(ACME_SHOP, "never@example.com", first_name="Never", marketing_state="UNSUBSCRIBED")
    import_id = await _shopify_import(services, acme, ACME_SHOP, ACME_TOKEN)  # subscribed_only by default
    await sync.due()
    assert (await contact(acme.api, "ann@example.com"))["status"] == "ACTIVE"  # type: ignore[index]

    shopify.edit(ACME_SHOP, ann, marketing_state="UNSUBSCRIBED")
    shopify.edit(ACME_SHOP, never, firstName="Still never")
    await sync_again(sync, import_id)

    assert (await contact(acme.api, "ann@example.com"))["status"] == "UNSUBSCRIBED"  # type: ignore[index]
    assert await contact(acme.api, "never@example.com") is None  # never brought in: still not imported


async def test_a_wrong_token_at_connect_is_a_user_error_and_stores_nothing(
        acme: AccountUnderTest, shopify: ShopifySimulator, services: Services) -> None:
    with pytest.raises(Invalid) as refused:
        await connect_service(acme.account.id, "shopify", None, {"shop": "acme", "access_token": "shpat_wrong"},
                              services.cipher, services.source)
    assert refused.value.field == ["settings", "access_token"] and "shpat_wrong" not in refused.value.message

    data = (await acme.api(CONNECT, settings={"shop": "acme", "access_token": "shpat_wrong"}))["connectService"]
    assert data["connection"] is None
    assert [(e["field"], e["code"]) for e in data["userErrors"]] == [(["settings", "access_token"], "INVALID")]
    data = (await acme.api(CONNECT, settings={"shop": "acme.example.com", "access_token": ACME_TOKEN}))
    assert data["connectService"]["userErrors"][0]["field"] == ["settings", "shop"]

    data = (await acme.api(CONNECT, settings={"shop": "Acme", "access_token": ACME_TOKEN}))["connectService"]
    assert not data["userErrors"] and data["connection"]["externalAccount"] == ACME_SHOP


async def test_withheld_protected_customer_data_is_a_problem_with_an_action_and_imports_nothing(
        acme: AccountUnderTest, shopify: ShopifySimulator, services: Services, sync: Sync) -> None:
    shopify.add_customers(ACME_SHOP, 40)
    import_id = await _shopify_import(services, acme, ACME_SHOP, ACME_TOKEN)
    shopify.protect_customer_data(ACME_SHOP, 1)  # the app lost its approval for names and emails

    await sync.due()

    state = await import_state(acme.api, import_id)
    refused = problem(state, "SOURCE_ERROR")
    assert refused is not None and "Protected customer data access" in refused["message"]
    assert await _count(acme) == 0  # no blank contact

    shopify.protect_customer_data(ACME_SHOP, None)
    assert await sync_again(sync, import_id) == 40 and await _count(acme) == 40
