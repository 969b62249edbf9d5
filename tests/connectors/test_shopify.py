"""The Shopify connector against the simulator: settings, connect, criteria, mapping, cursor, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.shopify import ProtectedCustomerData, ShopifyConnector, run_query
from app.connectors.shopify_mapping import DEFAULT_API_VERSION, DESCRIPTION, PAGE_SIZE, normalise_shop
from app.errors import Invalid, NeedsReauth, RateLimited, SourceRejected, SourceUnavailable
from tests.connectors.shopify_support import (
    SETTINGS,
    SHOP,
    TOKEN,
    KnownFingerprints,
    drain,
    fetch,
    make_context,
    make_simulator,
    simulator_client,
)
from tests.simulators.shopify import ManualClock, ShopifySimulator

GRAPHQL = f"http://shopify.test/{SHOP}/admin/api/{DEFAULT_API_VERSION}/graphql.json"


@pytest.fixture
def sim() -> ShopifySimulator:
    return make_simulator()


@pytest.fixture
async def client(sim: ShopifySimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with simulator_client(sim) as c:
        yield c


@pytest.fixture
def context(client: httpx.AsyncClient) -> SourceContext:
    return make_context(client)


# --- settings and connect ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["acme", "ACME", " acme.myshopify.com ", "https://acme.myshopify.com/"])
def test_a_shop_is_normalised_to_its_myshopify_domain(value: str) -> None:
    assert normalise_shop(value) == "acme.myshopify.com"


@pytest.mark.parametrize("value", ["", None, 5, "acme.com", "shop.example.com", "acme.myshopify.com.evil.com",
                                   "https://evil.test/acme.myshopify.com", "ac me", "-acme", "acme/admin"])
def test_anything_but_a_shop_name_or_myshopify_domain_is_refused(value: Any) -> None:
    with pytest.raises(Invalid) as refused:
        normalise_shop(value)
    assert refused.value.field == ["settings", "shop"]


async def test_connect_names_the_shop_and_stores_normalised_settings(sim: ShopifySimulator,
                                                                     context: SourceContext) -> None:
    connected = await ShopifyConnector().connect({"shop": "Acme", "access_token": f" {TOKEN} "}, context)
    assert connected.external_account == SHOP
    assert connected.settings == {"shop": SHOP, "access_token": TOKEN}
    assert sim.calls(SHOP) == 1


@pytest.mark.parametrize(("settings", "key"), [
    ({"shop": SHOP, "access_token": "shpat_wrong"}, "access_token"),
    ({"shop": SHOP, "access_token": ""}, "access_token"),
    ({"shop": "nobody.myshopify.com", "access_token": TOKEN}, "shop"),
    ({"access_token": TOKEN}, "shop"),
])
async def test_connect_refuses_what_shopify_refuses(settings: dict[str, Any], key: str,
                                                    context: SourceContext) -> None:
    with pytest.raises(Invalid) as refused:
        await ShopifyConnector().connect(settings, context)
    assert refused.value.field == ["settings", key]
    assert "shpat_wrong" not in refused.value.message and TOKEN not in refused.value.message


async def test_connect_refuses_a_token_without_the_customers_scope(sim: ShopifySimulator,
                                                                   context: SourceContext) -> None:
    sim.deny_customers(SHOP)
    with pytest.raises(Invalid) as refused:
        await ShopifyConnector().connect(dict(SETTINGS), context)
    assert refused.value.field == ["settings", "access_token"] and "read_customers" in refused.value.message


# --- what is asked, and how customers are mapped ------------------------------------------------------

async def test_the_request_is_the_real_one_and_pages_stay_under_the_cost_cap(
        sim: ShopifySimulator, context: SourceContext, client: httpx.AsyncClient) -> None:
    sim.add_customers(SHOP, 450)
    known = KnownFingerprints()
    page = await fetch(context, limit=500, known=known)
    assert len(page.records) == PAGE_SIZE == 199 and page.has_more
    assert sim.requests[-1] == (SHOP, {"first": 199, "after": None, "query": None})
    taken, cursor = await drain(context, known, page.cursor)
    assert len(taken) == 450 - 199 and cursor["after"] is None and cursor["watermark"]
    await fetch(context, cursor=cursor, known=known, criteria={"tag": "It's VIP"})
    assert sim.requests[-1][1]["query"] == f"updated_at:>='{cursor['watermark']}' AND tag:'It\\'s VIP'"


async def test_the_simulator_refuses_pages_over_250_and_queries_over_1000_points(client: httpx.AsyncClient) -> None:
    headers = {"X-Shopify-Access-Token": TOKEN}
    big = await client.post(GRAPHQL, headers=headers, json={"query": "{ customers(first: 251) { nodes { id } } }"})
    assert big.json()["errors"][0]["extensions"]["code"] == "argumentValueOutOfRange"
    costly = ("{ customers(first: 250) { nodes { id amountSpent { amount } defaultAddress { city } "
              "defaultPhoneNumber { phoneNumber } } } }")
    answer = (await client.post(GRAPHQL, headers=headers, json={"query": costly})).json()
    assert answer["errors"][0]["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 1002, "maxCost": 1000}
    typo = (await client.post(GRAPHQL, headers=headers, json={"query": "{ customers(first: 1) { nodes { mail } } }"}))
    assert "doesn't exist on type 'Customer'" in typo.json()["errors"][0]["message"]


async def test_a_customer_is_mapped_to_standard_and_custom_fields(sim: ShopifySimulator,
                                                                  context: SourceContext) -> None:
    sim.add_customer(SHOP, "Ann@Example.com", first_name="Ann", last_name="Able", tags=("VIP", "wholesale"),
                     phone="+39 02 1234567", orders=3, spent="120.50", currency="EUR", note="Prefers email",
                     address={"city": "Milan", "province": "MI", "country": "Italy", "zip": "20121", "company": ""})
    sim.add_customer(SHOP, "bare@example.com")
    full, bare = (await fetch(context)).records
    assert (full.email, full.first_name, full.last_name, full.phone) == ("Ann@Example.com", "Ann", "Able",
                                                                         "+39 02 1234567")
    assert full.external_id.startswith("gid://shopify/Customer/") and not full.unsubscribed
    assert {k: full.fields[k] for k in ("total_spent", "currency", "orders_count", "tags", "note", "city",
                                        "country", "marketing_state")} == {
        "total_spent": "120.50", "currency": "EUR", "orders_count": "3", "tags": "VIP, wholesale",
        "note": "Prefers email", "city": "Milan", "country": "Italy", "marketing_state": "SUBSCRIBED"}
    assert "company" not in full.fields  # empty values are left out, never erase a stored one
    assert bare.first_name is None and bare.phone is None and "city" not in bare.fields and "note" not in bare.fields
    assert set(full.fields) <= {f.key for f in DESCRIPTION.fields if not f.standard}
    assert DESCRIPTION.perstag("total_spent") == "%SHOPIFY_TOTAL_SPENT%"


async def test_subscribed_only_takes_subscribed_customers_and_unsubscribed_ones_are_flagged(
        sim: ShopifySimulator, context: SourceContext) -> None:
    for state in ("SUBSCRIBED", "UNSUBSCRIBED", "NOT_SUBSCRIBED", "PENDING"):
        sim.add_customer(SHOP, f"{state.lower()}@example.com", marketing_state=state)
    sim.add_customer(SHOP, None, first_name="No email")

    default = await fetch(context)
    assert [r.email for r in default.records] == ["subscribed@example.com"]
    everyone = await fetch(context, criteria={"subscribed_only": False})
    flags = {r.email: r.unsubscribed for r in everyone.records}
    assert flags == {"subscribed@example.com": False, "unsubscribed@example.com": True,
                     "not_subscribed@example.com": False, "pending@example.com": False, None: False}


async def test_pages_nobody_matches_are_skipped_with_the_cursor_moving_on(sim: ShopifySimulator,
                                                                         context: SourceContext) -> None:
    sim.add_customers(SHOP, 30, marketing_state="NOT_SUBSCRIBED")
    sim.add_customers(SHOP, 2, start=30)
    page = await fetch(context, limit=10)  # three pages of nobody, then the two subscribed
    assert [r.email for r in page.records] == ["customer30@example.com", "customer31@example.com"]
    assert not page.has_more and sim.calls(SHOP) == 4


async def test_the_tag_criterion_is_filtered_by_shopify(sim: ShopifySimulator, context: SourceContext) -> None:
    sim.add_customer(SHOP, "vip@example.com", tags=("VIP",))
    sim.add_customer(SHOP, "plain@example.com")
    page = await fetch(context, criteria={"tag": "vip"})
    assert [r.email for r in page.records] == ["vip@example.com"] and "tag:'vip'" in sim.requests[-1][1]["query"]


# --- the cursor ------------------------------------------------------------------------------------------

async def test_equal_updated_at_at_the_boundary_neither_skips_nor_loops(sim: ShopifySimulator,
                                                                        context: SourceContext) -> None:
    same = "2025-03-01T10:00:00Z"
    ids = sim.add_customers(SHOP, 620, updated_at=same)
    known = KnownFingerprints()
    first_sync = await fetch(context, limit=500, known=known)
    taken, cursor = await drain(context, known, first_sync.cursor)
    everything = first_sync.records + taken
    assert len(everything) == len({r.external_id for r in everything}) == 620
    assert cursor["watermark"] == same and cursor["last_id"] == ids[-1]

    calls = sim.calls(SHOP)
    again, cursor = await drain(context, known, cursor)
    assert again == [] and sim.calls(SHOP) - calls <= 5  # the boundary is re-read, bounded, imported nothing

    late = sim.add_customer(SHOP, "late@example.com", updated_at=same)  # stamped in the watermark's second
    sim.edit(SHOP, ids[3], firstName="Edited", updated_at=same)
    found, cursor = await drain(context, known, cursor)
    assert sorted(r.external_id for r in found) == sorted([late, ids[3]])


async def test_a_customer_edited_during_a_traversal_arrives_in_it(sim: ShopifySimulator,
                                                                  context: SourceContext) -> None:
    ids = sim.add_customers(SHOP, 300)
    known = KnownFingerprints()
    page = await fetch(context, limit=100, known=known)
    sim.edit(SHOP, ids[5], firstName="Changed")
    taken, _ = await drain(context, known, page.cursor, limit=100)
    assert len(taken) == 201 and taken[-1].external_id == ids[5] and taken[-1].first_name == "Changed"


# --- errors ------------------------------------------------------------------------------------------

async def test_a_throttled_body_is_rate_limited_by_the_cost_it_waits_for(client: httpx.AsyncClient) -> None:
    sim = ShopifySimulator(clock=ManualClock(0.0))  # no time passes: the bucket only drains
    sim.add_shop(SHOP, TOKEN)
    sim.add_customers(SHOP, 450)
    async with simulator_client(sim) as frozen:
        context = make_context(frozen)
        first = await fetch(context, limit=500)
        with pytest.raises(RateLimited) as limited:
            await fetch(context, cursor=first.cursor, limit=500)
    # 997 points asked for (2 + 199 x 5), 3 left, 100 restored a second: 9.94 s, rounded up
    assert limited.value.retry_after == 10


async def test_a_short_throttle_is_waited_for_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = ManualClock(0.0)
    sim = ShopifySimulator(clock=clock)
    sim.add_shop(SHOP, TOKEN)
    sim.add_customers(SHOP, 250)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)  # where the one retry loop sleeps
    async with simulator_client(sim) as frozen:
        context = make_context(frozen, max_inline_wait=15.0)
        first = await fetch(context, limit=500)
        second = await fetch(context, cursor=first.cursor, limit=500)
    assert slept == [10] and len(first.records) + len(second.records) == 250


@pytest.mark.parametrize(("retry_after", "expected"), [
    ("120", 120.0), (None, 60.0), ("99999999", 24 * 3600.0), ("soon", 60.0)])
async def test_http_429_uses_retry_after_within_bounds(retry_after: str | None, expected: float,
                                                       sim: ShopifySimulator, context: SourceContext) -> None:
    sim.add_customers(SHOP, 3)
    sim.rate_limit_next(SHOP, retry_after, times=5)
    with pytest.raises(RateLimited) as limited:
        await fetch(context)
    assert limited.value.retry_after == expected


async def test_http_429_with_an_http_date(sim: ShopifySimulator, context: SourceContext) -> None:
    sim.rate_limit_next(SHOP, format_datetime(datetime.now(timezone.utc) + timedelta(seconds=300), usegmt=True))
    with pytest.raises(RateLimited) as limited:
        await fetch(context)
    assert 290 <= limited.value.retry_after <= 301


async def test_access_denied_needs_reauthorisation(sim: ShopifySimulator, context: SourceContext) -> None:
    sim.deny_customers(SHOP)
    with pytest.raises(NeedsReauth, match="read_customers"):
        await fetch(context)


async def test_a_revoked_token_needs_reauthorisation_without_showing_it(sim: ShopifySimulator,
                                                                        context: SourceContext) -> None:
    with pytest.raises(NeedsReauth) as refused:
        await fetch(context, settings={"shop": SHOP, "access_token": "shpat_revoked"})
    assert "401" in str(refused.value) and "shpat_revoked" not in str(refused.value)
    assert sim.calls(SHOP) == 1  # no retries


async def test_internal_errors_and_5xx_are_retried_then_unavailable(sim: ShopifySimulator,
                                                                    context: SourceContext) -> None:
    sim.add_customers(SHOP, 3)
    sim.error_next(SHOP, "INTERNAL_SERVER_ERROR")
    sim.fail_next(SHOP, 502)
    assert len((await fetch(context)).records) == 3
    sim.error_next(SHOP, "INTERNAL_SERVER_ERROR", times=3)
    with pytest.raises(SourceUnavailable):
        await fetch(context)


@pytest.mark.parametrize("status", [402, 404, 423])
async def test_a_frozen_closed_or_locked_shop_is_a_refusal(status: int, sim: ShopifySimulator,
                                                           context: SourceContext) -> None:
    sim.fail_next(SHOP, status, body=b'{"errors":"Unavailable Shop"}')
    with pytest.raises(SourceRejected):
        await fetch(context)
    assert sim.calls(SHOP) == 1


async def test_other_graphql_errors_are_refusals(context: SourceContext) -> None:
    with pytest.raises(SourceRejected, match="doesn't exist on type"):
        await run_query(context, dict(SETTINGS), "{ customers(first: 1) { nodes { mail } } }", {})


async def test_a_customer_without_id_or_updated_at_is_a_broken_answer(sim: ShopifySimulator,
                                                                      context: SourceContext) -> None:
    customer = sim.add_customer(SHOP, "ann@example.com")
    sim.customer(SHOP, customer)["updatedAt"] = None
    with pytest.raises(SourceUnavailable, match="unexpected shape"):
        await fetch(context)


async def test_the_demo_shop_is_believable() -> None:
    sim = ShopifySimulator(clock=ManualClock(10.0))
    sim.seed_demo(60)
    async with simulator_client(sim) as client:
        context = make_context(client)
        settings = {"shop": "demo", "access_token": "shpat_demo"}
        assert (await ShopifyConnector().connect(settings, context)).external_account == "demo.myshopify.com"
        subscribed = await fetch(context, settings={"shop": "demo.myshopify.com", "access_token": "shpat_demo"})
        everyone = await fetch(context, settings={"shop": "demo.myshopify.com", "access_token": "shpat_demo"},
                               criteria={"subscribed_only": False})
    assert 0 < len(subscribed.records) < len(everyone.records) == 60
    assert any(r.unsubscribed for r in everyone.records)
    assert all(r.email and r.first_name and r.fields.get("city") for r in everyone.records)


async def test_the_nth_call_can_be_throttled_and_the_page_is_then_fetched_again(
        sim: ShopifySimulator, context: SourceContext) -> None:
    sim.add_customers(SHOP, 450)
    sim.throttle_next(SHOP, on_call=2, available=500)
    known = KnownFingerprints()
    first = await fetch(context, known=known)
    with pytest.raises(RateLimited) as limited:
        await fetch(context, cursor=first.cursor, known=known)
    assert limited.value.retry_after == 5  # (997 - 500) / 100, rounded up
    taken, _ = await drain(context, known, first.cursor)
    assert len(first.records) + len(taken) == 450


# API version, several tags, protected customer data ------------------------------------------------

async def test_the_api_version_defaults_to_a_supported_one_and_is_a_setting(
    sim: ShopifySimulator, context: SourceContext
) -> None:
    sim.add_customers(SHOP, 2)
    await fetch(context)
    connected = await ShopifyConnector().connect({**SETTINGS, "api_version": " 2026-07 "}, context)
    await fetch(context, settings=connected.settings)

    assert DEFAULT_API_VERSION == "2026-10" and connected.settings["api_version"] == "2026-07"
    assert sim.versions == ["2026-10", "2026-07", "2026-07"]
    assert "api_version" not in (await ShopifyConnector().connect(dict(SETTINGS), context)).settings


@pytest.mark.parametrize("version", ["2026-11", "26-10", "unstable", "2026-10; drop", 202610])
async def test_an_api_version_that_is_not_a_stable_release_is_invalid(context: SourceContext, version: Any) -> None:
    with pytest.raises(Invalid) as refused:
        await ShopifyConnector().connect({**SETTINGS, "api_version": version}, context)
    assert refused.value.field == ["settings", "api_version"]


async def test_several_comma_separated_tags_take_customers_with_any_of_them(
    sim: ShopifySimulator, context: SourceContext
) -> None:
    sim.add_customer(SHOP, "vip@example.com", tags=("VIP",))
    sim.add_customer(SHOP, "trade@example.com", tags=("wholesale", "returning"))
    sim.add_customer(SHOP, "plain@example.com", tags=("newsletter",))
    criteria = ShopifyConnector().validate_criteria({"tag": " VIP, wholesale ,VIP,, "})

    page = await fetch(context, criteria=criteria)

    assert criteria["tag"] == "VIP, wholesale"
    assert sorted(r.email or "" for r in page.records) == ["trade@example.com", "vip@example.com"]
    assert sim.requests[-1][1]["query"] == "(tag:'VIP' OR tag:'wholesale')"


async def test_an_app_without_access_to_customer_data_is_refused_at_connect_saying_what_to_do(
    sim: ShopifySimulator, context: SourceContext
) -> None:
    sim.protect_customer_data(SHOP, 0)

    with pytest.raises(Invalid) as refused:
        await ShopifyConnector().connect(dict(SETTINGS), context)

    assert refused.value.field == ["settings", "access_token"]
    assert "Protected customer data access" in refused.value.message


@pytest.mark.parametrize(("level", "silent"), [(0, False), (1, False), (1, True)],
                         ids=["no-customer-data", "fields-refused", "fields-redacted-silently"])
async def test_withheld_protected_data_is_a_refusal_never_blank_records(
    sim: ShopifySimulator, context: SourceContext, level: int, silent: bool
) -> None:
    sim.add_customers(SHOP, 5)
    sim.protect_customer_data(SHOP, level, silent=silent)

    with pytest.raises(ProtectedCustomerData, match="Protected customer data access"):
        await fetch(context)

    sim.protect_customer_data(SHOP, None)  # the merchant allowed it
    assert len((await fetch(context)).records) == 5
