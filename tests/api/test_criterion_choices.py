"""`Connection.criterionChoices(key)`: read from the connected account through GraphQL, the value of
each choice accepted by the criterion, cached briefly per connection, and clear errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.connections.choices import ChoiceCache
from app.connections.models import Connection
from app.connections.service import decrypt_connection_settings, save_connection_settings
from app.web import Services
from tests.api.simulated import (  # noqa: F401
    SHOP,
    Simulated,
    browser,
    connect_through_consent,
    connect_with_form,
    no_backoff,
    simulated,
    source,
)
from tests.conftest import AccountUnderTest

CHOICES = """query($id: ID!, $key: String!) {
  connection(id: $id) { id criterionChoices(key: $key) { value label } }
}"""
CREATE = """mutation($serviceId: ID!, $connectionId: ID!, $criteria: JSON) {
  createAutoImport(input: {serviceId: $serviceId, connectionId: $connectionId, criteria: $criteria}) {
    autoImport { id criteria } userErrors { field code message }
  }
}"""


async def choices(acme: AccountUnderTest, connection_id: str, key: str) -> list[tuple[str, str]]:
    data = await acme.api(CHOICES, id=connection_id, key=key)
    return [(c["value"], c["label"]) for c in data["connection"]["criterionChoices"]]


async def errors(acme: AccountUnderTest, connection_id: str, key: str) -> list[dict[str, Any]]:
    response = await acme.api.raw(CHOICES, {"id": connection_id, "key": key})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None or body["data"]["connection"] is None
    assert "Traceback" not in response.text
    return list(body["errors"])


async def accepted(acme: AccountUnderTest, service_id: str, connection_id: str, criteria: dict[str, Any]) -> Any:
    payload = (await acme.api(CREATE, serviceId=service_id, connectionId=connection_id, criteria=criteria))
    assert payload["createAutoImport"]["userErrors"] == [], payload
    return payload["createAutoImport"]["autoImport"]["criteria"]


async def test_google_labels_are_the_accounts_contact_groups(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    clients = simulated.google.add_group("Clients")
    suppliers = simulated.google.add_group("Suppliers")
    connection_id = await connect_through_consent(acme.api, browser, client, "google_contacts")

    found = await choices(acme, connection_id, "label")

    assert found == [(clients, "Clients"), (suppliers, "Suppliers"), ("contactGroups/myContacts", "My Contacts")]
    assert await accepted(acme, "google_contacts", connection_id, {"label": clients}) == {"label": clients}


async def test_hubspot_stages_are_the_portals_own_visible_ones(acme: AccountUnderTest, simulated: Simulated) -> None:
    simulated.hubspot.lifecycle_stages += [("1124883", "Partner", False), ("987", "Retired stage", True)]
    connection_id = await connect_with_form(acme.api, "hubspot")

    found = await choices(acme, connection_id, "lifecycle_stage")

    assert found[0] == ("subscriber", "Subscriber") and found[-1] == ("1124883", "Partner")
    assert ("987", "Retired stage") not in found and len(found) == 9
    assert await accepted(acme, "hubspot", connection_id, {"lifecycle_stage": "1124883"}) == {
        "lifecycle_stage": "1124883"}


async def test_hubspot_stages_through_oauth_refresh_an_expiring_token_and_keep_it(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        services: Services) -> None:
    connection_id = await connect_through_consent(acme.api, browser, client, "hubspot")
    row = await Connection.get(id=int(connection_id))
    stored = decrypt_connection_settings(row, services.cipher)
    await save_connection_settings(row, services.cipher, {**stored, "expires_at": 0})

    assert len(await choices(acme, connection_id, "lifecycle_stage")) == 8
    assert simulated.hubspot.oauth.count(grant_type="refresh_token") == 1
    renewed = decrypt_connection_settings(await Connection.get(id=row.id), services.cipher)
    assert renewed["access_token"] != stored["access_token"] and renewed["expires_at"] > 0


async def test_pipedrive_owners_and_labels_are_numeric_ids_the_criteria_take(
        acme: AccountUnderTest, simulated: Simulated) -> None:
    connection_id = await connect_with_form(acme.api, "pipedrive")

    owners = await choices(acme, connection_id, "owner_id")
    labels = await choices(acme, connection_id, "label")

    assert owners == [("1", "Owner One"), ("2", "Sam Seller"), ("3", "Former Colleague (deactivated)")]
    assert labels == [("1", "Customer"), ("2", "Hot lead")]
    assert await accepted(acme, "pipedrive", connection_id, {"owner_id": "2", "label": "1"}) == {
        "owner_id": 2, "label": 1}


async def test_shopify_tags_are_the_shops_customer_tags(acme: AccountUnderTest, simulated: Simulated) -> None:
    simulated.shopify.add_customer(SHOP, "a@example.com", tags=("VIP", "Wholesale"))
    simulated.shopify.add_customer(SHOP, "b@example.com", tags=("VIP",))
    connection_id = await connect_with_form(acme.api, "shopify")

    assert await choices(acme, connection_id, "tag") == [("VIP", "VIP"), ("Wholesale", "Wholesale")]
    assert await accepted(acme, "shopify", connection_id, {"tag": "Wholesale"}) == {
        "subscribed_only": True, "tag": "Wholesale"}


@pytest.mark.parametrize("service_id, key", [("csv_feed", "column"), ("csv_feed", "equals"),
                                             ("shopify", "subscribed_only")])
async def test_a_criterion_with_free_values_has_no_choices(
        acme: AccountUnderTest, simulated: Simulated, service_id: str, key: str) -> None:
    connection_id = await connect_with_form(acme.api, service_id)
    before = len(simulated.shopify.requests)

    assert await choices(acme, connection_id, key) == []
    assert len(simulated.shopify.requests) == before


async def test_an_unknown_criterion_is_a_clear_error(acme: AccountUnderTest, simulated: Simulated) -> None:
    connection_id = await connect_with_form(acme.api, "pipedrive")

    [error] = await errors(acme, connection_id, "stage")

    assert error["message"] == "Pipedrive has no criterion 'stage'; its criteria are: owner_id, label."


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.parametrize("failure", ["server error", "refused token"])
async def test_a_failing_service_says_it_could_not_be_reached(
        acme: AccountUnderTest, simulated: Simulated, failure: str) -> None:
    connection_id = await connect_with_form(acme.api, "pipedrive")
    if failure == "server error":
        simulated.pipedrive.fail_next(503, times=5)
    else:
        simulated.pipedrive.api_token = "regenerated"

    [error] = await errors(acme, connection_id, "owner_id")

    assert error["message"].startswith("Pipedrive could not be reached to list the choices of "
                                       "\u201cOnly persons owned by user\u201d: ")
    assert ("503" if failure == "server error" else "refused the API token") in error["message"]
    assert "Unexpected error" not in error["message"] and simulated.pipedrive.api_token not in error["message"]


@pytest.mark.usefixtures("no_backoff")
async def test_a_failing_google_says_it_could_not_be_reached(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    connection_id = await connect_through_consent(acme.api, browser, client, "google_contacts")
    simulated.google.fail_next(500, times=5)

    [error] = await errors(acme, connection_id, "label")

    assert error["message"].startswith("Google Contacts could not be reached to list the choices of ")


async def test_choices_are_cached_per_connection_for_a_minute(
        acme: AccountUnderTest, simulated: Simulated, services: Services) -> None:
    now = [1000.0]
    services.choices = ChoiceCache(clock=lambda: now[0])
    first = await connect_with_form(acme.api, "shopify")
    simulated.shopify.add_customer(SHOP, "a@example.com", tags=("VIP",))
    calls = len(simulated.shopify.requests)

    assert await choices(acme, first, "tag") == [("VIP", "VIP")]
    simulated.shopify.add_customer(SHOP, "b@example.com", tags=("New",))
    assert await choices(acme, first, "tag") == [("VIP", "VIP")]  # from the cache
    assert len(simulated.shopify.requests) == calls + 1
    now[0] += 61
    assert await choices(acme, first, "tag") == [("New", "New"), ("VIP", "VIP")]
    assert len(simulated.shopify.requests) == calls + 2


async def test_another_accounts_connection_is_answered_as_missing(
        acme: AccountUnderTest, make_account: Any, simulated: Simulated) -> None:
    connection_id = await connect_with_form(acme.api, "pipedrive")
    other = await make_account("Other")
    calls = len(simulated.pipedrive.requests)

    data = await other.api(CHOICES, id=connection_id, key="owner_id")

    assert data == {"connection": None}
    assert (await other.api("{ connections { id } }"))["connections"] == []
    assert len(simulated.pipedrive.requests) == calls


async def test_salesforce_lead_statuses_and_list_views_come_from_the_org_and_are_accepted(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    connection_id = await connect_through_consent(acme.api, browser, client, "salesforce")

    statuses = await choices(acme, connection_id, "lead_status")
    views = await choices(acme, connection_id, "list_view")

    assert ("Working - Contacted", "Working - Contacted") in statuses and len(statuses) == 4
    assert [label for _, label in views] == ["Contacts: All Contacts", "Leads: All Open Leads", "Leads: My Leads"]
    criteria = {"object": "lead", "lead_status": statuses[1][0], "list_view": views[1][0]}
    assert await accepted(acme, "salesforce", connection_id, criteria) == criteria


async def test_mailchimp_audiences_and_tags_come_from_the_account_and_are_accepted(
        acme: AccountUnderTest, simulated: Simulated) -> None:
    simulated.mailchimp.add_member("ann@example.com", tags=("vip",))
    connection_id = await connect_with_form(acme.api, "mailchimp")

    audiences = await choices(acme, connection_id, "audience")
    tags = await choices(acme, connection_id, "tag")

    assert audiences == [("a1b2c3d4e5", "Newsletter")] and tags == [("vip", "vip (Newsletter)")]
    criteria = {"audience": audiences[0][0], "tag": tags[0][0], "status": "subscribed"}
    assert await accepted(acme, "mailchimp", connection_id, criteria) == criteria
