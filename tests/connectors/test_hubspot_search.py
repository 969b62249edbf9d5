"""The HubSpot connector's traversal: the 10,000-result cap, ties on lastmodifieddate, resuming,
edits during a listing, the index lag, criteria, mapping and the errors of the search."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from app.connectors.base import FetchRequest, SourceContext
from app.connectors.hubspot import HubSpotConnector, Position
from app.errors import CursorExpired, NeedsReauth, RateLimited, SourceUnavailable
from tests.connectors.contract import emails
from tests.connectors.csv_feed_support import KnownFingerprints
from tests.connectors.hubspot_support import hubspot, hubspot_context, hubspot_http, private_app_engine  # noqa: F401
from tests.simulators.hubspot import PRIVATE_APP_TOKEN, SEARCH_PATH, START, HubSpotSimulator, to_ms

ONE_MOMENT = to_ms(START) + 123


def search_page(after: int, limit: int = 200) -> dict[str, Any]:
    return {"filterGroups": [{"filters": [{"propertyName": "lastmodifieddate", "operator": "GTE", "value": "0"}]}],
            "sorts": [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}],
            "properties": ["email"], "limit": limit, "after": str(after)}


async def test_naive_after_paging_hits_the_10000_cap_of_the_simulator(
    hubspot: HubSpotSimulator, hubspot_http: httpx.AsyncClient
) -> None:
    hubspot.seed(10_050, modified_ms=ONE_MOMENT)
    headers = {"Authorization": f"Bearer {PRIVATE_APP_TOKEN}"}
    seen: list[str] = []
    after: int | None = 0
    while after is not None:
        response = await hubspot_http.post(SEARCH_PATH, json=search_page(after), headers=headers)
        if response.status_code != 200:
            break
        body = response.json()
        seen += [c["id"] for c in body["results"]]
        after = int(body["paging"]["next"]["after"]) if "paging" in body else None

    assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR"
    assert after == 10_000 and len(seen) == len(set(seen)) == 10_000  # 50 contacts out of reach


async def test_contacts_sharing_a_timestamp_come_in_no_id_order(
    hubspot: HubSpotSimulator, hubspot_http: httpx.AsyncClient
) -> None:
    hubspot.seed(50, modified_ms=ONE_MOMENT)
    response = await hubspot_http.post(SEARCH_PATH, json=search_page(0, 50),
                                       headers={"Authorization": f"Bearer {PRIVATE_APP_TOKEN}"})
    ids = [int(c["id"]) for c in response.json()["results"]]
    assert len(ids) == 50 and ids != sorted(ids)


async def test_12000_contacts_sharing_one_timestamp_arrive_once_each_within_the_budget(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(12_000, modified_ms=ONE_MOMENT)
    engine = private_app_engine(hubspot_context)

    syncs = [len(await engine.sync(500)) for _ in range(26)]

    assert syncs == [500] * 24 + [0, 0]
    assert len(engine.seen) == 12_000
    bodies = hubspot.search_bodies()
    assert all("after" not in body for body in bodies)  # no offset paging, so never near the cap
    assert len(bodies) < 12_000 / 200 + 26 * 2  # no loop: about one search per 200 contacts


async def test_a_page_cut_inside_a_timestamp_skips_and_repeats_nothing(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    for group in range(60):  # 60 timestamps of 1..13 contacts each
        moment = hubspot.tick()
        for n in range(group % 13 + 1):
            hubspot.add_contact(f"g{group}-{n}@example.com", modified_ms=moment)
    total = len(hubspot.contacts)

    for budget in (1, 7, 37, 200):
        engine = private_app_engine(hubspot_context)
        taken = []
        for _ in range(total + 5):
            batch = await engine.sync(budget)
            if not batch:
                break
            taken += emails(batch)
        assert sorted(taken) == sorted(set(taken)) and len(taken) == total, budget


async def test_a_sync_resumes_from_any_committed_cursor(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(300, modified_ms=ONE_MOMENT)
    hubspot.seed(300, domain="later.example")
    engine = private_app_engine(hubspot_context)
    first = await engine.fetch(250)

    resumed = private_app_engine(hubspot_context)
    resumed.cursor = dict(first.cursor)  # a new worker, from the saved cursor only
    rest = await resumed.sync(10_000)

    everything = emails(first.records) + emails(rest)
    assert len(everything) == len(set(everything)) == 600


async def test_an_edit_during_a_listing_is_neither_lost_nor_looping(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    ids = hubspot.seed(500)
    engine = private_app_engine(hubspot_context)
    first = await engine.sync(150)
    hubspot.edit(ids[3], firstname="Edited")  # already delivered: it moves to the end

    rest = await engine.sync(10_000)

    assert len(first) == 150 and len(rest) == 351
    assert set(emails(first)) | set(emails(rest)) == {f"p{n}@example.com" for n in range(500)}
    assert [r.first_name for r in rest if r.email == "p3@example.com"] == ["Edited"]
    assert await engine.sync(500) == []


async def test_contacts_modified_in_the_last_seconds_wait_for_the_index(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(3)
    hubspot.add_contact("fresh@example.com", modified_ms=int(time.time() * 1000))
    engine = private_app_engine(hubspot_context)
    assert sorted(emails(await engine.sync(500))) == ["p0@example.com", "p1@example.com", "p2@example.com"]

    engine.harness.connector = HubSpotConnector(index_lag_ms=-60_000)  # as if 30 s had passed
    assert emails(await engine.sync(500)) == ["fresh@example.com"]


async def test_the_lifecycle_stage_criterion_is_a_search_filter(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(5, lifecyclestage="lead")
    hubspot.seed(4, domain="customers.example", lifecyclestage="customer")
    engine = private_app_engine(hubspot_context, criteria={"lifecycle_stage": "customer"})

    taken = await engine.sync(500)

    assert sorted(emails(taken)) == [f"p{n}@customers.example" for n in range(4)]
    filters = hubspot.search_bodies()[0]["filterGroups"][0]["filters"]
    assert {"propertyName": "lifecyclestage", "operator": "EQ", "value": "customer"} in filters


async def test_contacts_map_to_records_with_custom_fields_and_consent(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.add_contact("ada@example.com", firstname="Ada", lastname="Lovelace", phone="", mobilephone="+39 333 1",
                        company="Acme", jobtitle="CTO", lifecyclestage="marketingqualifiedlead", city="Milan",
                        country="Italy", website="https://acme.example", hs_email_optout="true")
    hubspot.add_contact("bob@example.com", firstname=" ", company="", hs_email_optout="false")
    gone = hubspot.add_contact("gone@example.com")
    hubspot.archive(gone)

    records = {r.email: r for r in await private_app_engine(hubspot_context).sync(500)}

    assert set(records) == {"ada@example.com", "bob@example.com"}
    ada, bob = records["ada@example.com"], records["bob@example.com"]
    assert (ada.first_name, ada.last_name, ada.phone, ada.unsubscribed) == ("Ada", "Lovelace", "+39 333 1", True)
    assert ada.fields == {"company": "Acme", "job_title": "CTO", "lifecycle_stage": "Marketing qualified lead",
                          "city": "Milan", "country": "Italy", "website": "https://acme.example"}
    assert bob.first_name is None and bob.fields == {} and not bob.unsubscribed
    assert ada.external_id.isdigit()


async def test_a_429_without_retry_after_waits_the_limits_interval(
    hubspot_context: SourceContext, hubspot: HubSpotSimulator
) -> None:
    hubspot.seed(3)
    hubspot.search_requests_per_second = 1
    engine = private_app_engine(hubspot_context)
    assert len(await engine.sync(1)) == 1

    with pytest.raises(RateLimited) as limited:
        await engine.sync(1)  # the second search in the same second
    assert limited.value.retry_after == 1.0
    assert hubspot.search_count == 2


async def test_a_failure_after_a_first_search_keeps_what_was_read(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(450)
    hubspot.fail_on_search(2, 401)
    engine = private_app_engine(hubspot_context)

    page = await engine.fetch(450)
    assert len(page.records) == 199 and page.has_more

    hubspot.fail_next(401)
    with pytest.raises(NeedsReauth):
        await engine.fetch(450)
    assert len(await engine.sync(1000)) == 251 and len(engine.seen) == 450


async def test_non_json_answers_are_retried_then_unavailable(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(3)
    hubspot.malform_next(2)
    assert len(await private_app_engine(hubspot_context).sync(500)) == 3  # retries=2: the third try works

    hubspot.truncate_next(3)
    with pytest.raises(SourceUnavailable):
        await private_app_engine(hubspot_context).sync(500)


async def test_an_unreadable_cursor_restarts_the_retrieval(hubspot_context: SourceContext) -> None:
    request = FetchRequest(settings={"private_app_token": PRIVATE_APP_TOKEN}, criteria={},
                           cursor={"after": "9800"}, limit=10, fingerprints=KnownFingerprints(),
                           context=hubspot_context)
    with pytest.raises(CursorExpired):
        await HubSpotConnector().fetch_page(request)
    assert Position.load({"v": 1, "ts": 5, "id": None}) == Position(5, None)


async def test_a_revoked_private_app_token_needs_reauthorisation(
    hubspot: HubSpotSimulator, hubspot_context: SourceContext
) -> None:
    hubspot.seed(2)
    hubspot.revoke_private_app_tokens()
    with pytest.raises(NeedsReauth) as refused:
        await private_app_engine(hubspot_context).sync(500)
    assert PRIVATE_APP_TOKEN not in str(refused.value)

