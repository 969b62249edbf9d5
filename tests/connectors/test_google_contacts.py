"""Google Contacts beyond the contract: the sync-token cycle, deletions, OAuth, labels, mapping, errors."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.google_contacts import GoogleContactsConnector
from app.connectors.google_contacts_cursor import PAGE_SIZE, PERSON_FIELDS
from app.connectors.google_contacts_mapping import person_to_record
from app.errors import CursorExpired, Invalid, NeedsReauth, RateLimited, SourceRejected
from tests.connectors.google_contacts_support import Fetcher, google, google_context, google_http, listing_calls  # noqa: F401
from tests.simulators.google_contacts import GoogleContactsSimulator

pytestmark = pytest.mark.usefixtures("google_http")


def fetcher(sim: GoogleContactsSimulator, context: SourceContext, **kwargs: Any) -> Fetcher:
    return Fetcher(context, sim.issue_token_set(), **kwargs)


def emails(pages: Any) -> list[str]:
    return [r.email for page in pages for r in page.records]


# -- listing, page tokens, sync tokens ---------------------------------------------------------


async def test_a_full_listing_saves_its_position_then_the_sync_token_of_the_last_page(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.seed(250)
    f = fetcher(google, google_context)

    first = await f.fetch(100)
    assert len(first.records) == 100 and first.has_more and first.backlog_estimate == 150
    assert f.cursor["page_token"] and f.cursor["sync_token"] is None and f.cursor["taken"] == []
    pages = [first, *await f.drain(100)]

    assert [len(p.records) for p in pages] == [100, 100, 50]
    assert f.cursor == {"sync_token": f.cursor["sync_token"], "page_size": PAGE_SIZE} and f.cursor["sync_token"]
    calls = listing_calls(google)
    assert [c["pageSize"] for c in calls] == ["100", "100", "100"]
    assert all(c["personFields"] == PERSON_FIELDS and c["requestSyncToken"] == "true" for c in calls)
    assert "pageToken" not in calls[0] and calls[1]["pageToken"] and "syncToken" not in calls[2]


async def test_the_page_size_stays_the_same_whatever_the_budget_left(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    names = google.seed(260)
    f = fetcher(google, google_context)
    for budget in (120, 72, 38, 17, 11, 500):  # the sizes the audit saw sent within one chain
        await f.fetch(budget)
    for name in names[:3]:
        google.edit_person(name, given="Changed")
    await f.fetch(2)
    await f.fetch(500)

    assert {c["pageSize"] for c in listing_calls(google)} == {str(PAGE_SIZE)}
    assert all(status == 200 for status in google.statuses)


async def test_a_budget_ending_mid_page_resumes_exactly_there(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    names = google.seed(250)
    f = fetcher(google, google_context)

    first = await f.fetch(130)
    assert len(first.records) == 130 and len(f.cursor["taken"]) == 30 and first.backlog_estimate == 120
    second = await f.fetch(130)

    taken = [r.external_id for r in first.records + second.records]
    assert len(second.records) == 120 and not second.has_more
    assert taken == names  # in order: nothing lost, nothing twice
    tokens = [c.get("pageToken") for c in listing_calls(google)]
    assert tokens[1] == tokens[2]  # the page the budget ended in is asked for again


async def test_a_first_page_left_mid_way_is_resumed_by_identity_and_an_edit_there_is_read_again(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    names = google.seed(30)
    f = fetcher(google, google_context)
    first = await f.fetch(10)
    assert "page_token" in f.cursor and f.cursor["page_token"] is None and len(f.cursor["taken"]) == 10
    google.edit_person(names[3], given="Edited")  # taken already: its new version must still arrive
    google.add_person("new@example.com", "New")

    rest = await f.drain(500)

    later = [r for page in rest for r in page.records]
    assert [r.external_id for r in later].count(names[3]) == 1
    assert {r.external_id for r in first.records} & {r.external_id for r in later} == {names[3]}
    assert {r.email for r in first.records + later} == {f"person{n}@example.com" for n in range(30)} | \
        {"new@example.com"}
    assert next(r for r in later if r.external_id == names[3]).first_name == "Edited"


@pytest.mark.parametrize("saved", [
    {"sync_token": "sync.old"},
    {"page_token": "abc.10", "sync_token": None, "listed": 10},
    {"page_token": None, "sync_token": None, "listed": 0, "page_size": 100, "taken": [["people/c1"]]},
])
async def test_a_position_saved_by_an_earlier_version_starts_over(
        google: GoogleContactsSimulator, google_context: SourceContext, saved: dict[str, Any]) -> None:
    with pytest.raises(CursorExpired):
        await fetcher(google, google_context, cursor=saved).fetch()
    assert listing_calls(google) == []


async def test_an_edit_arrives_through_the_sync_token_alone(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    names = google.seed(12)
    f = fetcher(google, google_context)
    await f.drain()
    token = f.cursor["sync_token"]

    google.edit_person(names[4], given="Edited", organizations=[{"name": "Globex", "title": "CTO"}])
    page = await f.fetch()

    assert [(r.email, r.first_name, r.fields.get("organization")) for r in page.records] == \
        [("person4@example.com", "Edited", "Globex")]
    assert listing_calls(google)[-1]["syncToken"] == token and not page.has_more
    assert f.cursor["sync_token"] != token
    assert (await f.fetch()).records == []  # nothing changed since


async def test_a_deleted_person_is_neither_imported_nor_anything_else(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    names = google.seed(5)
    f = fetcher(google, google_context)
    await f.drain()

    google.delete_person(names[2])
    new = google.add_person("new@example.com", "New")
    page = await f.fetch()

    assert [r.external_id for r in page.records] == [new]
    assert not page.has_more and page.malformed == []


async def test_an_expired_sync_token_is_a_cursor_expired(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.seed(3)
    f = fetcher(google, google_context)
    await f.drain()
    google.expire_sync_tokens()

    with pytest.raises(CursorExpired):
        await f.fetch()


async def test_an_incremental_listing_longer_than_the_budget_is_paged_on_its_sync_token(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    names = google.seed(8)
    f = fetcher(google, google_context)
    await f.drain()
    token = f.cursor["sync_token"]
    for name in names[:5]:
        google.edit_person(name, given="Changed")

    first = await f.fetch(3)
    assert len(first.records) == 3 and first.has_more
    assert f.cursor["sync_token"] == token and f.cursor["page_token"] is None and len(f.cursor["taken"]) == 3
    second = await f.fetch(3)

    assert len(second.records) == 2 and not second.has_more and f.cursor["sync_token"] != token
    assert {r.external_id for r in first.records + second.records} == set(names[:5])
    assert all(c["syncToken"] == token for c in listing_calls(google)[-2:])


async def test_changed_parameters_with_a_page_or_sync_token_are_refused_by_the_simulator(
        google: GoogleContactsSimulator, google_http: httpx.AsyncClient) -> None:
    google.seed(3)
    token = google.issue_token_set()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = "http://people.test/v1/people/me/connections"
    first = (await google_http.get(url, params={"personFields": "names", "pageSize": 1}, headers=headers)).json()
    page = {"pageToken": first["nextPageToken"]}

    changed = await google_http.get(url, params={"personFields": "names,emailAddresses", "pageSize": 1, **page},
                                    headers=headers)
    resized = await google_http.get(url, params={"personFields": "names", "pageSize": 2, **page}, headers=headers)
    default = await google_http.get(url, params={"personFields": "names", **page}, headers=headers)
    same = await google_http.get(url, params={"personFields": "names", "pageSize": 1, **page}, headers=headers)
    again = await google_http.get(url, params={"personFields": "names", "pageSize": 1, **page}, headers=headers)
    listing = (await google_http.get(url, params={"personFields": "names", "pageSize": 3, "requestSyncToken": "true"},
                                     headers=headers)).json()
    sync = {"syncToken": listing["nextSyncToken"], "personFields": "names"}
    sync_resized = await google_http.get(url, params={**sync, "pageSize": 2}, headers=headers)
    sync_same = await google_http.get(url, params={**sync, "pageSize": 3}, headers=headers)

    for refused in (changed, resized, default, sync_resized):
        assert refused.status_code == 400 and refused.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert "must match" in resized.json()["error"]["message"]
    assert same.status_code == again.status_code == sync_same.status_code == 200
    assert same.json() == again.json() and len(same.json()["connections"]) == 1


# -- labels -------------------------------------------------------------------------------------


async def test_a_label_by_name_or_resource_name_keeps_only_its_members(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    clients = google.add_group("Clients")
    google.seed(4)
    members = [google.add_person(f"client{n}@example.com", groups=[clients]) for n in range(3)]

    by_name = await fetcher(google, google_context, criteria={"label": "clients"}).drain(2)
    by_resource = await fetcher(google, google_context, criteria={"label": clients}).drain()

    assert [r.external_id for p in by_name for r in p.records] == members
    assert [r.external_id for p in by_resource for r in p.records] == members


async def test_an_unknown_label_is_a_refusal_that_says_so(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.seed(2)
    with pytest.raises(SourceRejected, match="no label named 'Ghosts'"):
        await fetcher(google, google_context, criteria={"label": "Ghosts"}).fetch()


# -- OAuth ---------------------------------------------------------------------------------------


async def test_consent_code_and_connect_name_the_google_account(
        google: GoogleContactsSimulator, google_context: SourceContext,
        google_http: httpx.AsyncClient) -> None:
    connector = GoogleContactsConnector()
    redirect = "http://app.test/oauth/callback"
    url = httpx.URL(connector.authorize_url(google_context, redirect, "st4te"))
    assert url.params["access_type"] == "offline" and url.params["prompt"] == "consent"
    assert url.params["scope"] == "https://www.googleapis.com/auth/contacts.readonly"

    consent = await google_http.get(str(url))
    back = httpx.URL(consent.headers["Location"])
    assert back.params["state"] == "st4te"
    tokens = await connector.exchange_code(back.params["code"], redirect, google_context)
    connected = await connector.connect(tokens, google_context)

    assert connected.external_account == "owner@example.com"
    assert set(connected.settings) == {"access_token", "refresh_token", "expires_at"}


async def test_connect_refuses_an_incomplete_or_revoked_token_set(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    connector = GoogleContactsConnector()
    tokens = google.issue_token_set()
    with pytest.raises(Invalid) as missing:
        await connector.connect({"access_token": "x", "expires_at": 1}, google_context)
    assert missing.value.field == ["settings", "refresh_token"]
    google.revoke_refresh_tokens()
    with pytest.raises(Invalid) as revoked:
        await connector.connect(tokens, google_context)
    assert revoked.value.field == ["settings", "access_token"]
    assert tokens["refresh_token"] not in revoked.value.message


async def test_an_expiring_access_token_is_refreshed_and_saved_before_it_is_used(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.rotate_refresh_tokens = True
    google.seed(3)
    f = fetcher(google, google_context)
    old = dict(f.settings)
    f.settings["expires_at"] = int(time.time()) + 60  # within the refresh margin
    api_calls_when_saved: list[int] = []
    save = f.save_settings

    async def recording_save(settings: dict[str, Any]) -> None:
        api_calls_when_saved.append(len(google.requests))
        await save(settings)

    f.save_settings = recording_save  # type: ignore[method-assign]
    page = await f.fetch()

    assert len(page.records) == 3 and api_calls_when_saved == [0]
    assert [r["grant_type"] for r in google.token_requests] == ["refresh_token"]
    assert f.saved[0]["access_token"] != old["access_token"]
    assert f.saved[0]["refresh_token"] != old["refresh_token"]  # rotated, and kept


async def test_an_access_token_refused_early_is_refreshed_once(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.seed(2)
    f = fetcher(google, google_context)
    google.expire_access_tokens()

    assert len((await f.fetch()).records) == 2
    assert len(f.saved) == 1


async def test_a_revoked_refresh_token_needs_reauthorisation(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.seed(2)
    f = fetcher(google, google_context)
    f.settings["expires_at"] = 0
    google.revoke_refresh_tokens()

    with pytest.raises(NeedsReauth) as refused:
        await f.fetch()
    assert "invalid_grant" in str(refused.value) and f.settings["refresh_token"] not in str(refused.value)


# -- errors --------------------------------------------------------------------------------------


async def test_the_first_page_quota_is_a_rate_limit(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.seed(2)
    google.first_page_quota = 0
    with pytest.raises(RateLimited) as limited:
        await fetcher(google, google_context).fetch()
    assert limited.value.retry_after == 60  # Google sends no Retry-After: the default delay


@pytest.mark.parametrize(("status", "body", "error"), [
    (403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "Request had insufficient scopes.",
                     "details": [{"reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}, NeedsReauth),
    (403, {"error": {"code": 403, "status": "RESOURCE_EXHAUSTED", "message": "Quota",
                     "details": [{"reason": "RATE_LIMIT_EXCEEDED"}]}}, RateLimited),
    (403, {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "People API has not been used",
                     "details": [{"reason": "SERVICE_DISABLED"}]}}, SourceRejected),
    (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "Bad mask"}}, SourceRejected),
])
async def test_google_error_bodies_map_to_typed_errors(
        google: GoogleContactsSimulator, google_context: SourceContext,
        status: int, body: dict[str, Any], error: type[Exception]) -> None:
    google.seed(1)
    google.fail_next(status, body=body)
    with pytest.raises(error):
        await fetcher(google, google_context).fetch()


async def test_a_server_error_is_retried_and_the_page_is_whole(
        google: GoogleContactsSimulator, google_context: SourceContext) -> None:
    google.seed(4)
    google.fail_next(503)
    google.truncate_next()
    page = await fetcher(google, google_context).fetch()
    assert len(page.records) == 4 and len(google.requests) == 3


# -- mapping -------------------------------------------------------------------------------------


def test_a_person_maps_to_standard_and_custom_fields() -> None:
    person = {
        "resourceName": "people/c1",
        "names": [{"givenName": "Ada", "familyName": "Other"},
                  {"metadata": {"primary": True}, "givenName": "Ada", "familyName": "Lovelace"}],
        "emailAddresses": [{"value": "work@example.com"},
                           {"metadata": {"primary": True}, "value": "ada@example.com"}],
        "phoneNumbers": [{"value": "+44 20 7946 0000"}],
        "birthdays": [{"text": "around Christmas"},
                      {"metadata": {"primary": True}, "date": {"year": 1815, "month": 12, "day": 10}}],
        "organizations": [{"name": "Analytical Engines", "title": "Programmer"}],
        "addresses": [{"city": "London", "country": "United Kingdom"}],
        "biographies": [{"value": "First programmer."}],
        "userDefined": [{"key": "Loyalty tier", "value": "Gold"}, {"key": "Birthday", "value": "x"},
                        {"key": "Empty", "value": " "}],
    }
    record = person_to_record(person)
    assert (record.external_id, record.email, record.first_name, record.last_name, record.phone) == \
        ("people/c1", "ada@example.com", "Ada", "Lovelace", "+44 20 7946 0000")
    assert record.fields == {"birthday": "1815-12-10", "organization": "Analytical Engines", "job_title": "Programmer",
                             "city": "London", "country": "United Kingdom", "notes": "First programmer.",
                             "loyalty_tier": "Gold", "custom_birthday": "x"}
    assert record.field_labels == {"loyalty_tier": "Loyalty tier", "custom_birthday": "Birthday"}
    assert not record.unsubscribed


def test_a_birthday_without_year_and_a_person_without_email() -> None:
    record = person_to_record({"resourceName": "people/c2", "birthdays": [{"date": {"month": 3, "day": 7}}]})
    assert record.fields == {"birthday": "--03-07"} and record.email is None


def test_the_birthday_field_has_its_personalization_tag() -> None:
    description = GoogleContactsConnector.description
    assert description.perstag("birthday") == "%GOOGLE_CONTACTS_BIRTHDAY%"
    assert {f.key for f in description.fields if not f.standard} >= {"birthday", "organization", "job_title",
                                                                       "city", "country", "notes"}


async def test_sync_tokens_expire_7_days_after_the_full_sync_they_descend_from(
        google_context: SourceContext) -> None:
    now = [time.time()]
    sim = GoogleContactsSimulator(clock=lambda: now[0])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim)) as client:
        context = SourceContext(**{**google_context.__dict__, "http": client})
        names = sim.seed(3)
        f = Fetcher(context, sim.issue_token_set())
        await f.drain()
        now[0] += 6 * 24 * 3600
        sim.edit_person(names[0], given="Edited")
        assert len((await f.fetch()).records) == 1  # a fresh token, but as old as the full sync

        now[0] += 2 * 24 * 3600
        with pytest.raises(CursorExpired):
            await f.fetch()
