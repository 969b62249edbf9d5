"""Pipedrive specifics: connecting, equal timestamps, criteria, custom fields, errors, mapping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from app.connectors import pipedrive as pipedrive_module
from app.connectors.base import SourceContext
from app.connectors.pipedrive import PipedriveConnector
from app.connectors.pipedrive_mapping import PersonSchema, person_to_record
from app.errors import Invalid, NeedsReauth, RateLimited, SourceRejected, SourceUnavailable
from tests.connectors.contract import EngineLike
from tests.connectors.pipedrive_support import SETTINGS, PipedriveHarness, make_client, make_context
from tests.simulators.pipedrive import EPOCH, PipedriveSimulator

NOW = datetime(2025, 6, 2, 23, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def sim() -> PipedriveSimulator:
    simulator = PipedriveSimulator()
    simulator.clock = lambda: NOW
    return simulator


@pytest.fixture
async def context(sim: PipedriveSimulator) -> AsyncIterator[SourceContext]:
    async with make_client(sim) as client:
        yield make_context(client)


@pytest.fixture
def engine(sim: PipedriveSimulator, context: SourceContext) -> EngineLike:
    return EngineLike(PipedriveHarness(sim, context))  # type: ignore[arg-type]


# connecting ------------------------------------------------------------------------------------

@pytest.mark.parametrize("domain", ["acme", "acme.pipedrive.com", "https://ACME.pipedrive.com/"])
async def test_connect_names_the_company_and_keeps_the_token_out_of_urls(
    sim: PipedriveSimulator, context: SourceContext, domain: str
) -> None:
    connected = await PipedriveConnector().connect({**SETTINGS, "company_domain": domain}, context)

    assert connected.external_account == "acme.pipedrive.com"
    assert connected.settings == SETTINGS
    path, params, headers = sim.requests[-1]
    assert path == "/acme/api/v1/users/me" and headers["x-api-token"] == SETTINGS["api_token"]
    assert "api_token" not in params


async def test_a_wrong_token_at_connect_is_invalid(sim: PipedriveSimulator, context: SourceContext) -> None:
    with pytest.raises(Invalid) as refused:
        await PipedriveConnector().connect({**SETTINGS, "api_token": "wrong"}, context)
    assert refused.value.field == ["settings", "api_token"]
    assert "wrong" not in refused.value.message


@pytest.mark.parametrize(("settings", "key"), [
    ({"api_token": "x"}, "company_domain"), ({"company_domain": "ac me", "api_token": "x"}, "company_domain"),
    ({"company_domain": "acme"}, "api_token"), ({"company_domain": "acme", "api_token": "has space"}, "api_token"),
    ({"company_domain": "globex", "api_token": "x"}, "company_domain"),  # no such company: 404
])
async def test_bad_settings_are_invalid_on_their_key(
    context: SourceContext, settings: dict[str, Any], key: str
) -> None:
    with pytest.raises(Invalid) as refused:
        await PipedriveConnector().connect(settings, context)
    assert refused.value.field == ["settings", key]


# the cursor --------------------------------------------------------------------------------------

async def test_700_equal_update_times_across_a_page_boundary_import_once_and_stop(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(700, update_time=EPOCH)

    syncs = [len(await engine.sync(500)) for _ in range(4)]

    assert syncs == [500, 200, 0, 0]
    assert sorted(engine.imported, key=int) == [str(n) for n in range(1, 701)]
    # the watermark is long settled: later syncs ask from one second after it, reading nothing again
    assert sim.requests[-1][1]["updated_since"] == "2024-03-01T09:00:01Z"


async def test_equal_update_times_still_being_written_are_deduplicated_not_skipped(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    people = sim.seed(700, update_time=NOW)  # the same second as Pipedrive's clock: not settled yet

    assert [len(await engine.sync(500)) for _ in range(3)] == [500, 200, 0]
    assert sim.requests[-1][1]["updated_since"] == "2025-06-02T22:59:59Z"  # an overlap, not a skip
    sim.edit(people[3]["id"], update_time=NOW, first_name="Same-second edit")  # a lower id, the same second
    again = await engine.sync(500)

    assert [r.external_id for r in again] == [str(people[3]["id"])] and again[0].first_name == "Same-second edit"
    assert len(engine.imported) == 701


async def test_an_edit_arrives_next_sync_and_nothing_else(sim: PipedriveSimulator, engine: EngineLike) -> None:
    people = sim.seed(30)
    assert len(await engine.sync(500)) == 30
    sim.edit(people[7]["id"], update_time=NOW, first_name="Edited")

    changed = await engine.sync(500)

    assert [(r.external_id, r.first_name) for r in changed] == [(str(people[7]["id"]), "Edited")]


async def test_an_expired_cursor_restarts_from_the_watermark_without_loss_or_repeats(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(1200)
    assert len(await engine.sync(600)) == 600
    sim.expire_cursors()

    rest = await engine.sync(1000)

    assert len(rest) == 600 and len(set(engine.imported)) == len(engine.imported) == 1200


async def test_the_api_page_never_exceeds_500_or_the_limit(sim: PipedriveSimulator, engine: EngineLike) -> None:
    sim.seed(620)
    await engine.fetch(37)
    await engine.fetch(5000)
    assert [int(params["limit"]) for path, params, _ in sim.requests if path.endswith("/persons")] == [37, 500]


# criteria ----------------------------------------------------------------------------------------

async def test_owner_criterion_is_asked_of_the_api(sim: PipedriveSimulator, engine: EngineLike) -> None:
    sim.seed(10)
    sim.seed(5, owner_id=42)
    engine.criteria = PipedriveConnector().validate_criteria({"owner_id": "42"})

    taken = await engine.sync(500)

    assert len(taken) == 5 and all(sim.persons[int(r.external_id)]["owner_id"] == 42 for r in taken)
    assert all(params.get("owner_id") == "42" for path, params, _ in sim.requests if path.endswith("/persons"))


async def test_label_criterion_filters_persons_and_reads_past_pages_without_matches(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(1100)
    sim.seed(3, label_ids=[2])
    engine.criteria = {"label": 2}

    taken = await engine.sync(500)

    assert len(taken) == 3 and all(r.fields["labels"] == "Hot lead" for r in taken)


async def test_criteria_chosen_by_name_are_resolved_to_ids(sim: PipedriveSimulator, engine: EngineLike) -> None:
    sim.seed(10)
    sam = sim.seed(4, owner_id=2)
    sim.edit(sam[0]["id"], update_time=EPOCH, label_ids=[2])
    engine.criteria = PipedriveConnector().validate_criteria({"owner_id": " sam  SELLER ", "label": "hot lead"})

    taken = await engine.sync(500)

    assert [r.external_id for r in taken] == [str(sam[0]["id"])]
    assert {params.get("owner_id") for path, params, _ in sim.requests if path.endswith("/persons")} == {"2"}


async def test_a_name_no_owner_has_is_a_refusal_saying_so(sim: PipedriveSimulator, engine: EngineLike) -> None:
    sim.seed(3)
    engine.criteria = PipedriveConnector().validate_criteria({"owner_id": "Nobody Here"})

    with pytest.raises(SourceRejected, match="no user named 'Nobody Here'"):
        await engine.sync(500)


async def test_organisation_and_owner_names_are_read_in_bulk_once_per_sync(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.organizations |= {100 + n: f"Company {n}" for n in range(150)}
    sim.seed(300, org_id=None)
    for n, person in enumerate(sorted(sim.persons.values(), key=lambda p: p["id"])):
        sim.edit(person["id"], update_time=EPOCH + timedelta(seconds=n), org_id=100 + n % 150, owner_id=1 + n % 2)
    sim.add_person(name="Gone Org", email="gone-org@example.com", update_time=EPOCH + timedelta(hours=1), org_id=999)

    first = await engine.fetch(200)
    second = await engine.sync(500)

    by_id = {r.external_id: r for r in first.records + second}
    assert by_id["1"].fields["organization"] == "Company 0" and by_id["1"].fields["owner"] == "Owner One"
    assert by_id["2"].fields["owner"] == "Sam Seller"
    assert "organization" not in by_id[str(len(sim.persons))].fields  # an organisation we cannot see: no "999"
    calls = [(path.rsplit("/", 1)[1], params) for path, params, _ in sim.requests]
    org_calls = [params["ids"].split(",") for name, params in calls if name == "organizations"]
    assert [len(ids) for ids in org_calls] == [100, 50, 1]  # each organisation asked for once, 100 at a time
    assert [name for name, _ in calls].count("users") == 1


async def test_person_fields_are_paged_by_start_until_no_more_items(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    keys = [sim.add_custom_field(f"Field {n}") for n in range(650)]
    sim.seed(1, custom_fields={keys[-1]: "last page"})

    record = (await engine.fetch(500)).records[0]

    assert record.fields["field_649"] == "last page" and record.field_labels["field_649"] == "Field 649"
    starts = [params["start"] for path, params, _ in sim.requests if path.endswith("/personFields")]
    assert starts == ["0", "500"]


# custom fields -----------------------------------------------------------------------------------

async def test_custom_fields_are_named_from_person_fields_fetched_once(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    colour = sim.add_custom_field("Favourite colour")
    size = sim.add_custom_field("Company size", "enum", [{"id": 11, "label": "1-10"}, {"id": 12, "label": "11-50"}])
    budget = sim.add_custom_field("Budget", "monetary")
    clash = sim.add_custom_field("Organization")
    sim.seed(600, custom_fields={colour: "Teal", size: 12, budget: {"value": 2300, "currency": "EUR"}, clash: "x"},
             org_id=5, label_ids=[1, 2])

    record = (await engine.fetch(500)).records[0]
    await engine.fetch(500)

    assert record.fields == {"favourite_colour": "Teal", "company_size": "11-50", "budget": "2300 EUR",
                             f"organization_{clash[:8]}": "x", "organization": "Initech", "owner": "Owner One",
                             "labels": "Customer, Hot lead"}
    assert record.field_labels == {"favourite_colour": "Favourite colour", "company_size": "Company size",
                                   "budget": "Budget", f"organization_{clash[:8]}": "Organization"}
    assert [p for p, _, _ in sim.requests].count("/acme/api/v1/personFields") == 1
    assert engine.cursor["field_names"][colour] == "Favourite colour"


async def test_a_new_custom_field_is_named_on_the_page_that_brings_it(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(3)
    await engine.sync(500)
    mood = sim.add_custom_field("Mood")
    person = sim.edit(1, update_time=NOW, custom_fields={mood: "Sunny"})

    changed = await engine.sync(500)

    assert changed[0].external_id == str(person["id"]) and changed[0].field_labels == {"mood": "Mood"}


# errors ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "words"), [(401, "token"), (402, "plan"), (403, "permission")])
async def test_refusals_need_reauthorisation_with_a_clear_reason(
    sim: PipedriveSimulator, engine: EngineLike, status: int, words: str
) -> None:
    sim.seed(3)
    sim.fail_next(status, times=5)
    with pytest.raises(NeedsReauth) as refused:
        await engine.sync(500)
    assert words in str(refused.value) and SETTINGS["api_token"] not in str(refused.value)
    assert engine.cursor == {} and len(sim.requests) == 1  # no retries


async def test_the_daily_budget_waits_until_midnight_utc(sim: PipedriveSimulator, engine: EngineLike) -> None:
    sim.seed(3)
    sim.exhaust_daily_budget()
    with pytest.raises(RateLimited) as limited:
        await engine.sync(500)
    assert limited.value.retry_after == 3600 and "daily" in str(limited.value)


async def test_a_burst_limit_without_retry_after_uses_the_reset_header(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(3)
    sim.rate_limit_next(None, reset="7")
    with pytest.raises(RateLimited) as limited:
        await engine.sync(500)
    assert limited.value.retry_after == 7


async def test_a_short_burst_limit_is_waited_through(sim: PipedriveSimulator, context: SourceContext) -> None:
    sim.seed(3)
    sim.rate_limit_next("0.001", reset=None)
    patient = SourceContext(http=context.http, production=False, max_bytes=context.max_bytes, retries=2,
                            max_inline_wait=1.0, endpoints=context.endpoints)
    engine = EngineLike(PipedriveHarness(sim, patient))  # type: ignore[arg-type]
    assert len(await engine.sync(500)) == 3


async def test_server_errors_are_retried_then_unavailable(sim: PipedriveSimulator, engine: EngineLike) -> None:
    sim.seed(3)
    sim.fail_next(502, times=2)
    assert len(await engine.sync(500)) == 3
    sim.fail_next(503, times=10)
    with pytest.raises(SourceUnavailable):
        await EngineLike(engine.harness).sync(500)


# mapping -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("refusal", [
    {"success": False, "error": "Validation failed", "code": "ERR_SCHEMA_VALIDATION_FAILED"},
    {"success": False, "error": "Bad request", "error_info": "Please check developers.pipedrive.com"},
    "<html>400 Bad Request</html>",
], ids=["validation", "generic", "not-json"])
async def test_without_the_campaigns_add_on_persons_come_without_marketing_status_whatever_the_400_says(
    sim: PipedriveSimulator, engine: EngineLike, refusal: Any
) -> None:
    sim.marketing_app, sim.marketing_refusal = False, refusal
    sim.seed(2, marketing_status="unsubscribed")

    taken = await engine.sync(500)

    assert len(taken) == 2 and not any(r.unsubscribed for r in taken)
    assert engine.cursor["marketing"] is False
    persons_calls = [params for path, params, _ in sim.requests if path.endswith("/api/v2/persons")]
    assert [c.get("include_fields") for c in persons_calls] == ["marketing_status", None]


async def test_the_missing_add_on_is_remembered_and_asked_again_after_a_day(
    sim: PipedriveSimulator, engine: EngineLike, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim.marketing_app = False
    sim.seed(2)
    await engine.sync(500)
    sim.add_person(name="New One", email="new@example.com", update_time=NOW)
    sim.requests.clear()

    assert len(await engine.sync(500)) == 1
    assert [params.get("include_fields") for path, params, _ in sim.requests if path.endswith("/persons")] == [None]

    sim.marketing_app = True  # the company bought Campaigns
    sim.edit(3, update_time=NOW, marketing_status="unsubscribed")
    later = engine.cursor["marketing_off_at"] + 24 * 3600 + 1
    monkeypatch.setattr(pipedrive_module.time, "time", lambda: later)
    again = await engine.sync(500)

    assert [r.unsubscribed for r in again] == [True] and engine.cursor["marketing"] is True


async def test_with_the_campaigns_add_on_the_marketing_status_is_asked_for_every_time(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(600, marketing_status="subscribed")

    await engine.sync(500)
    await engine.sync(500)

    persons_calls = [params for path, params, _ in sim.requests if path.endswith("/api/v2/persons")]
    assert len(persons_calls) == 2 and all(c["include_fields"] == "marketing_status" for c in persons_calls)
    assert engine.cursor["marketing"] is True


async def test_an_expired_cursor_restarts_from_the_watermark_whatever_the_400_says(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(700)
    assert len((await engine.fetch(500)).records) == 500
    sim.expire_cursors()

    rest = await engine.sync(500)

    assert len(rest) == 200 and len(set(engine.imported)) == 700 and engine.cursor["marketing"] is True


async def test_a_400_that_no_variant_avoids_is_a_refusal_and_keeps_the_marketing_status(
    sim: PipedriveSimulator, engine: EngineLike
) -> None:
    sim.seed(2)
    await engine.sync(500)
    before = dict(engine.cursor)
    sim.fail_next(400, times=2, body={"success": False, "error": "Something else is wrong"})

    with pytest.raises(SourceRejected, match="Something else is wrong"):
        await engine.sync(500)
    assert engine.cursor == before and before["marketing"] is True
    persons_calls = [params for path, params, _ in sim.requests if path.endswith("/api/v2/persons")]
    assert [c.get("include_fields") for c in persons_calls[-2:]] == ["marketing_status", None]


async def test_unsubscribed_marketing_status_marks_the_record(sim: PipedriveSimulator, engine: EngineLike) -> None:
    sim.seed(1, marketing_status="unsubscribed")
    sim.seed(1, marketing_status="subscribed")
    assert [r.unsubscribed for r in await engine.sync(500)] == [True, False]


def test_mapping_picks_primary_values_and_splits_names() -> None:
    person = {"id": 9, "name": "Ada  King Lovelace", "first_name": None, "last_name": None,
              "emails": [{"value": "home@example.com", "primary": False},
                         {"value": "ada@example.com", "primary": True}],
              "phones": [{"value": "", "primary": True}, {"value": "+44 20 1234", "primary": False}],
              "org_id": None, "owner_id": None, "label_ids": [], "job_title": "  ", "custom_fields": {}}
    record = person_to_record(person, PersonSchema(), {})
    assert (record.email, record.first_name, record.last_name, record.phone) == (
        "ada@example.com", "Ada", "King Lovelace", "+44 20 1234")
    assert record.fields == {} and record.external_id == "9"

    named = person_to_record({**person, "first_name": "Augusta", "last_name": "Byron"}, PersonSchema(), {})
    assert (named.first_name, named.last_name) == ("Augusta", "Byron")


def test_settled_since_uses_pipedrives_clock() -> None:
    from app.connectors.pipedrive import Traversal

    traversal = Traversal(high=(EPOCH, 4))
    traversal.advance([], None, EPOCH + timedelta(seconds=30))
    assert traversal.since == "2024-03-01T08:59:59Z"
    traversal.advance([], None, None)  # no Date header: never assume settled
    assert traversal.since == "2024-03-01T08:59:59Z"
    traversal.advance([], None, EPOCH + timedelta(minutes=5))
    assert traversal.since == "2024-03-01T09:00:01Z" and traversal.watermark == (EPOCH, 4)
