"""The wizard: connect (a feed URL, an API-key form from `Service.settings`, an OAuth consent),
criteria with the account's own choices, the preview, the destination, "Create import"."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web import api
from tests.web.feeds import people
from tests.web.stack import Account, LiveStack, wait_until
from tests.web.ui import (
    check_accessible,
    choose_option,
    confirm_create,
    covers_while_watched,
    expect_account_chosen,
    fill_destination,
    next_until,
    open_wizard,
    options_of,
    sign_in_by_link,
)

FEED_URL_LABEL = "Feed URL"


def test_csv_feed_wizard_connects_previews_and_creates_the_import(page: Page, stack: LiveStack,
                                                                  account: Account) -> None:
    rows = people(8, "wizard.example")
    url = stack.feeds.add(account.name, rows)
    api.create_list(account.api, "Customers")
    names = api.service_names(account.api)
    sign_in_by_link(page, stack.base_url, account.token)

    dialog = open_wizard(page, names["csv_feed"])
    dialog.get_by_label(FEED_URL_LABEL).fill(url)
    dialog.get_by_role("button", name="Connect", exact=True).click()
    expect_account_chosen(dialog, "feed.csv")

    column = next(s for s in api.criteria_specs(account.api, "csv_feed") if s["key"] == "column")
    next_until(dialog, dialog.get_by_label(column["label"], exact=True))
    for spec in api.criteria_specs(account.api, "csv_feed"):
        expect(dialog.get_by_label(spec["label"], exact=True)).to_be_visible()
    next_until(dialog, dialog.get_by_text(rows[0][0]))  # the preview: the first records and their fate
    expect(dialog.get_by_text(re.compile(r"add", re.I)).first).to_be_visible()

    next_until(dialog, dialog.get_by_label("Name", exact=True))
    fill_destination(page, dialog, "Wizard sheet", ["from-wizard"], new_list="Wizard list", existing_list="Customers")
    confirm_create(page, dialog, "Wizard sheet")
    # "Created" is said where the marketer looks for the new import, and covers none of its row.
    arriving = re.compile(r"first contacts arrive")
    said = page.get_by_role("status").or_(page.get_by_role("alert")).filter(has_text=arriving)
    expect(said).to_be_visible()
    new_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Wizard sheet"))
    assert covers_while_watched(said, new_row) == [], "the confirmation covers the new import's row"
    expect(page.get_by_role("status").filter(has_text="Wizard sheet").filter(has_text=arriving)).to_be_visible()

    created = next(i for i in account.api("{ autoImports { id name } }")["autoImports"] if i["name"] == "Wizard sheet")
    found = api.finished_syncs(account.api, created["id"])
    assert found["tags"] == ["from-wizard"]
    assert sorted(lst["name"] for lst in found["lists"]) == ["Customers", "Wizard list"]
    assert found["totals"]["added"] == len(rows)
    check_accessible(page)


def test_api_key_wizard_is_generated_from_the_service_settings_with_the_accounts_choices(
        page: Page, stack: LiveStack, account: Account) -> None:
    names = api.service_names(account.api)
    settings = api.setting_specs(account.api, "pipedrive")
    sign_in_by_link(page, stack.base_url, account.token)

    dialog = open_wizard(page, names["pipedrive"])
    for spec in settings:
        field = dialog.get_by_label(spec["label"], exact=True)
        if spec["type"] == "SECRET":
            expect(field).to_have_attribute("type", "password")
        field.fill(api.API_KEY_SETTINGS["pipedrive"][spec["key"]])
    dialog.get_by_role("button", name="Connect", exact=True).click()
    connection = wait_until(lambda: [c for c in api.connections(account.api) if c["service"]["id"] == "pipedrive"],
                            what="the Pipedrive connection")[0]
    expect_account_chosen(dialog, connection["name"])

    owner = next(s for s in api.criteria_specs(account.api, "pipedrive") if s["key"] == "owner_id")
    choices = api.criterion_choices(account.api, connection["id"], "owner_id")
    assert choices, "the simulated Pipedrive account has owners to choose from"
    owner_field = dialog.get_by_label(owner["label"], exact=True)
    next_until(dialog, owner_field)
    offered = options_of(page, owner_field)
    assert choices[0]["label"] in offered, f"owners by name: expected {choices[0]['label']!r} among {offered}"
    choose_option(page, owner_field, choices[0]["label"])

    next_until(dialog, dialog.get_by_text(re.compile(r"would|add|update|skip", re.I)).first)
    next_until(dialog, dialog.get_by_label("Name", exact=True))
    fill_destination(page, dialog, "Pipedrive owner", ["crm"])
    confirm_create(page, dialog, "Pipedrive owner")

    created = next(i for i in account.api("{ autoImports { id name criteria } }")["autoImports"]
                   if i["name"] == "Pipedrive owner")
    assert str(created["criteria"].get("owner_id")) == choices[0]["value"]
    check_accessible(page)


def test_oauth_wizard_returns_from_the_consent_with_the_new_connection_chosen(
        page: Page, stack: LiveStack, account: Account) -> None:
    names = api.service_names(account.api)
    google = names["google_contacts"]
    sign_in_by_link(page, stack.base_url, account.token)

    dialog = open_wizard(page, google)
    dialog.get_by_role("button", name=f"Connect {google}").click()
    # The consent opens (a popup or this tab), the simulator approves at once, and the browser
    # comes back to the wizard.
    dialog = page.get_by_role("dialog", name=f"Import from {google}")
    expect(dialog).to_be_visible()
    expect_account_chosen(dialog, "demo.owner@example.com")
    connection = next(c for c in api.connections(account.api) if c["service"]["id"] == "google_contacts")

    label = next(s for s in api.criteria_specs(account.api, "google_contacts") if s["key"] == "label")
    choices = api.criterion_choices(account.api, connection["id"], "label")
    assert choices, "the simulated Google account has labels"
    label_field = dialog.get_by_label(label["label"], exact=True)
    next_until(dialog, label_field)
    assert choices[0]["label"] in options_of(page, label_field)
    choose_option(page, label_field, choices[0]["label"])

    next_until(dialog, dialog.get_by_text(re.compile(r"would|add|update|skip", re.I)).first)
    next_until(dialog, dialog.get_by_label("Name", exact=True))
    fill_destination(page, dialog, "Google clients", ["google"])
    confirm_create(page, dialog, "Google clients")
    check_accessible(page)


def test_a_feed_that_answers_404_shows_the_error_in_the_step_and_keeps_the_input(
        page: Page, stack: LiveStack, account: Account) -> None:
    names = api.service_names(account.api)
    missing = stack.feeds.url(f"{account.name}-never-published")
    sign_in_by_link(page, stack.base_url, account.token)

    dialog = open_wizard(page, names["csv_feed"])
    dialog.get_by_label(FEED_URL_LABEL).fill(missing)
    dialog.get_by_role("button", name="Connect", exact=True).click()
    # Wherever the page first reads the file (connecting, or the preview), it says what happened.
    error = dialog.get_by_text(re.compile(r"\b404\b"))
    for _ in range(3):
        if error.count():
            break
        next_button = dialog.get_by_role("button", name="Next", exact=True)
        if not next_button.is_enabled():
            break
        next_button.click()
        try:
            expect(error.first).to_be_visible(timeout=5_000)
        except AssertionError:
            continue
    expect(error.first).to_be_visible()
    expect(dialog).to_be_visible()
    check_accessible(page)
