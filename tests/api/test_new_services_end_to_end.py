"""Salesforce and Mailchimp through the API and the real sync engine: connected as the page does,
imported with criteria, custom fields titled after the service with their perstags, and people
who opted out, unsubscribed or bounced kept so, never reactivated by a later sync."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from app.contacts.models import Contact, ContactStatus
from tests.api.simulated import (  # noqa: F401
    Simulated,
    browser,
    connect_through_consent,
    connect_with_form,
    no_backoff,
    simulated,
    source,
)
from tests.conftest import AccountUnderTest, Sync

CREATE = """mutation($serviceId: ID!, $connectionId: ID!, $criteria: JSON) {
  createAutoImport(input: {serviceId: $serviceId, connectionId: $connectionId, criteria: $criteria}) {
    autoImport { id } userErrors { field code message }
  }
}"""
CONTACTS = """{
  contacts(first: 50) { edges { node { email status fieldValues { field { title perstag } value } } } }
}"""


async def create(acme: AccountUnderTest, service_id: str, connection_id: str, criteria: dict[str, Any]) -> None:
    payload = (await acme.api(CREATE, serviceId=service_id, connectionId=connection_id, criteria=criteria))
    assert payload["createAutoImport"]["userErrors"] == [], payload


async def contacts(acme: AccountUnderTest) -> dict[str, dict[str, Any]]:
    edges = (await acme.api(CONTACTS))["contacts"]["edges"]
    return {e["node"]["email"]: e["node"] for e in edges}


async def test_salesforce_leads_arrive_with_their_fields_and_opted_out_ones_stay_unsubscribed(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        sync: Sync) -> None:
    org = simulated.salesforce
    opted_out = org.add("Lead", "out@example.com", HasOptedOutOfEmail=True, Company="Initech")
    org.add("Lead", "in@example.com", Company="Globex", Status="Working - Contacted")
    org.add("Lead", "converted@example.com", IsConverted=True)
    connection_id = await connect_through_consent(acme.api, browser, client, "salesforce")
    await create(acme, "salesforce", connection_id, {"object": "lead"})

    await sync.due()
    found = await contacts(acme)
    assert set(found) == {"out@example.com", "in@example.com"}
    assert found["out@example.com"]["status"] == "UNSUBSCRIBED"
    assert {"field": {"title": "Salesforce Company", "perstag": "%SALESFORCE_COMPANY%"}, "value": "Globex"} in (
        found["in@example.com"]["fieldValues"])

    org.edit(opted_out, HasOptedOutOfEmail=False, Company="Initech Ltd")  # opted in again at Salesforce
    await _sync_again(sync)
    stored = await Contact.get(account_id=acme.account.id, email_key="out@example.com")
    assert stored.status is ContactStatus.UNSUBSCRIBED  # never reactivated by an import
    values = {v["field"]["title"]: v["value"] for v in (await contacts(acme))["out@example.com"]["fieldValues"]}
    assert values["Salesforce Company"] == "Initech Ltd"  # while its fields are updated


async def test_mailchimp_merge_fields_are_custom_fields_and_cleaned_members_are_never_reactivated(
        acme: AccountUnderTest, simulated: Simulated, sync: Sync) -> None:
    chimp = simulated.mailchimp
    chimp.audiences["a1b2c3d4e5"].merge_fields.append(("COMPANY", "Company", "text"))
    cleaned = chimp.add_member("bounced@example.com", status="cleaned", COMPANY="Acme")
    chimp.add_member("ann@example.com", FNAME="Ann", COMPANY="Hooli", tags=("vip",))
    chimp.add_member("old@example.com", status="archived")
    connection_id = await connect_with_form(acme.api, "mailchimp")
    await create(acme, "mailchimp", connection_id, {"audience": "a1b2c3d4e5"})

    await sync.due()
    found = await contacts(acme)
    assert set(found) == {"bounced@example.com", "ann@example.com"}
    assert found["bounced@example.com"]["status"] == "UNSUBSCRIBED"
    values = {v["field"]["perstag"]: v["value"] for v in found["ann@example.com"]["fieldValues"]}
    assert values == {"%MAILCHIMP_COMPANY%": "Hooli", "%MAILCHIMP_TAGS%": "vip", "%MAILCHIMP_STATUS%": "subscribed"}

    chimp.edit(cleaned, status="subscribed", COMPANY="Acme Inc")  # resubscribed at Mailchimp
    await _sync_again(sync)
    stored = await Contact.get(account_id=acme.account.id, email_key="bounced@example.com")
    assert stored.status is ContactStatus.UNSUBSCRIBED
    values = {v["field"]["title"]: v["value"] for v in (await contacts(acme))["bounced@example.com"]["fieldValues"]}
    assert values["Mailchimp Company"] == "Acme Inc"


async def _sync_again(sync: Sync) -> None:
    summaries = await sync.due(datetime.now(timezone.utc) + timedelta(hours=1))
    assert summaries, "nothing was due an hour later"
