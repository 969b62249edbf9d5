"""`Service.settings` is exactly what `connectService` takes: each service connects with what its
spec lists (against the simulators), and everything else is refused before the service is called."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from app.connections.models import Connection, ExternalAccount, OAuthState
from app.connectors.registry import CONNECTORS
from tests.api.simulated import (  # noqa: F401
    FORM_SETTINGS,
    GOOGLE_ACCOUNT,
    Simulated,
    browser,
    connect,
    connect_through_consent,
    connect_with_form,
    no_backoff,
    simulated,
    source,
)
from tests.conftest import AccountUnderTest
from tests.simulators import mailchimp as mailchimp_sim
from tests.simulators import salesforce as salesforce_sim

SETTINGS = """{ services { id auth settings { key label type required help } } }"""

EXPECTED = {
    "csv_feed": [("url", "Feed URL", "URL", True)],
    "google_contacts": [],
    "hubspot": [("private_app_token", "Private app access token", "SECRET", False)],
    "pipedrive": [("company_domain", "Company domain", "TEXT", True), ("api_token", "API token", "SECRET", True)],
    "salesforce": [],
    "mailchimp": [("api_key", "API key", "SECRET", False)],
    "shopify": [("shop", "Shop domain", "TEXT", True), ("access_token", "Admin API access token", "SECRET", True),
                ("api_version", "Admin API version", "TEXT", False)],
}


async def test_each_service_lists_its_settings_with_labels_and_help(acme: AccountUnderTest) -> None:
    services = {s["id"]: s for s in (await acme.api(SETTINGS))["services"]}

    assert {sid: [(s["key"], s["label"], s["type"], s["required"]) for s in service["settings"]]
            for sid, service in services.items()} == EXPECTED
    assert all(s["help"] for service in services.values() for s in service["settings"])


def _requests_to_services(sim: Simulated) -> int:
    return (len(sim.feed.requests) + len(sim.google.requests) + len(sim.google.oauth.requests)
            + len(sim.shopify.requests) + len(sim.hubspot.requests) + len(sim.pipedrive.requests)
            + len(sim.salesforce.requests) + len(sim.salesforce.oauth.requests)
            + len(sim.mailchimp.requests) + len(sim.mailchimp.oauth.requests))


@pytest.mark.parametrize("service_id", sorted(FORM_SETTINGS))
async def test_a_service_connects_with_only_what_its_settings_list(
        acme: AccountUnderTest, simulated: Simulated, service_id: str) -> None:
    service = next(s for s in (await acme.api(SETTINGS))["services"] if s["id"] == service_id)
    assert set(FORM_SETTINGS[service_id]) <= {s["key"] for s in service["settings"]}

    before = datetime.now(timezone.utc)
    connection_id = await connect_with_form(acme.api, service_id)

    row = await Connection.get(id=int(connection_id))
    assert row.service_id == service_id and row.status.value == "ACTIVE"
    listed = (await acme.api("{ connections { id createdAt } }"))["connections"]
    created = datetime.fromisoformat(listed[0]["createdAt"])
    assert listed[0]["id"] == connection_id and created == row.created_at and created >= before - timedelta(seconds=1)


@pytest.mark.parametrize("service_id", ["google_contacts", "hubspot", "salesforce", "mailchimp"])
async def test_an_oauth_service_connects_with_empty_settings_through_its_sign_in_page(
        acme: AccountUnderTest, browser: httpx.AsyncClient, client: httpx.AsyncClient, service_id: str) -> None:
    connection_id = await connect_through_consent(acme.api, browser, client, service_id)

    row = await Connection.get(id=int(connection_id)).select_related("external_account")
    assert row.service_id == service_id
    if service_id == "google_contacts":
        assert row.external_account.name == GOOGLE_ACCOUNT
    if service_id == "salesforce":  # the token answer's instance_url and id came through the callback
        assert row.external_account.name == f"Salesforce org {salesforce_sim.ORG_ID}"
    if service_id == "mailchimp":  # the same account as its API key names
        assert row.external_account.name == f"Mailchimp account {mailchimp_sim.ACCOUNT_ID}"


REQUIRED = {sid: [key for key, _, _, required in keys if required] for sid, keys in EXPECTED.items()}


@pytest.mark.parametrize("service_id", [sid for sid, keys in REQUIRED.items() if keys])
async def test_every_missing_required_setting_is_reported_at_once_and_nothing_is_written(
        acme: AccountUnderTest, simulated: Simulated, service_id: str) -> None:
    for given in ({}, dict.fromkeys(REQUIRED[service_id], "  "), dict.fromkeys(REQUIRED[service_id])):
        payload = await connect(acme.api, service_id, given)

        assert payload["connection"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("INVALID", ["settings", key]) for key in REQUIRED[service_id]]
        labels = {key: label for key, label, _, _ in EXPECTED[service_id]}
        assert [e["message"] for e in payload["userErrors"]] == [
            f"Enter the {labels[k]}." for k in REQUIRED[service_id]]
    assert await Connection.all().count() == 0 and await ExternalAccount.all().count() == 0
    assert _requests_to_services(simulated) == 0


@pytest.mark.parametrize("service_id", sorted(FORM_SETTINGS))
async def test_each_required_setting_left_out_alone_is_named(
        acme: AccountUnderTest, simulated: Simulated, service_id: str) -> None:
    for key in REQUIRED[service_id]:
        given = {k: v for k, v in FORM_SETTINGS[service_id].items() if k != key}
        payload = await connect(acme.api, service_id, given)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID", ["settings", key])]
    assert await Connection.all().count() == 0
    assert _requests_to_services(simulated) == 0


async def test_unknown_keys_and_values_that_are_not_text_are_refused_together(
        acme: AccountUnderTest, simulated: Simulated) -> None:
    given: dict[str, Any] = {"shop": 42, "access_token": ["shpat"], "password": "x", "api_version": 202610}

    payload = await connect(acme.api, "shopify", given)

    errors = {tuple(e["field"]): e for e in payload["userErrors"]}
    assert set(errors) == {("settings", "shop"), ("settings", "access_token"), ("settings", "password"),
                           ("settings", "api_version")}
    assert {e["code"] for e in errors.values()} == {"INVALID"}
    assert errors[("settings", "password")]["message"] == (
        "Shopify has no setting 'password'; its settings are: access_token, api_version, shop.")
    assert errors[("settings", "shop")]["message"] == "The Shop domain must be text."
    assert await Connection.all().count() == 0
    assert _requests_to_services(simulated) == 0


async def test_a_service_without_settings_refuses_any_key_a_person_could_type(
        acme: AccountUnderTest, simulated: Simulated) -> None:
    payload = await connect(acme.api, "google_contacts", {"email": "owner@example.com"})

    assert payload["authorizeUrl"] is None
    assert payload["userErrors"] == [{
        "field": ["settings", "email"], "code": "INVALID",
        "message": "Google Contacts has no setting 'email'; its settings are: none (it connects through its "
                   "sign-in page)."}]
    assert await OAuthState.all().count() == 0


async def test_an_incomplete_token_set_is_refused_before_google_is_called(
        acme: AccountUnderTest, simulated: Simulated) -> None:
    payload = await connect(acme.api, "google_contacts", {"access_token": "at-1", "expires_at": "soon"})

    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID", ["settings", "refresh_token"]), ("INVALID", ["settings", "expires_at"])]
    assert _requests_to_services(simulated) == 0


async def test_a_complete_token_set_connects_an_oauth_service_directly(
        acme: AccountUnderTest, simulated: Simulated) -> None:
    payload = await connect(acme.api, "google_contacts", simulated.google.issue_token_set())

    assert payload["userErrors"] == [] and payload["connection"]["externalAccount"] == GOOGLE_ACCOUNT


async def test_the_settings_listed_are_those_of_the_connector_descriptions() -> None:
    assert {sid: [(s.key, s.label, s.type.value, s.required) for s in c.description.settings]
            for sid, c in CONNECTORS.items()} == EXPECTED
