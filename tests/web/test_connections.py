"""Connections: a row per connection; Reconnect after Google refused the tokens; Disconnect."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web import api
from tests.web.stack import Account, LiveStack, wait_until
from tests.web.ui import check_accessible, go_to, sign_in_by_link

SYNC_NOW = "mutation($id: ID!) { syncAutoImportNow(id: $id) { userErrors { message } } }"


def connect_google(account: Account) -> str:
    payload = account.api.mutate(api.CONNECT, "connectService", serviceId="google_contacts", settings={}, name=None)
    api.complete_consent(account.api, payload["authorizeUrl"])
    return wait_until(lambda: next((c["id"] for c in api.connections(account.api)
                                    if c["service"]["id"] == "google_contacts"), None), what="the Google connection")


def connection_status(account: Account, connection_id: str) -> str:
    return next(c["status"] for c in api.connections(account.api) if c["id"] == connection_id)


def test_reconnect_a_connection_that_needs_reauthorisation(page: Page, stack: LiveStack, account: Account) -> None:
    names = api.service_names(account.api)
    connection_id = connect_google(account)
    import_id = api.create_import(account.api, "google_contacts", connection_id, "Google people")
    api.finished_syncs(account.api, import_id)
    google = stack.simulator("google")
    google.expire_access_tokens()
    google.revoke_refresh_tokens()
    account.api(SYNC_NOW, id=import_id)
    wait_until(lambda: connection_status(account, connection_id) == "NEEDS_REAUTH", what="NEEDS_REAUTH")
    sign_in_by_link(page, stack.base_url, account.token)
    go_to(page, "Connections")

    row = page.get_by_role("row").filter(has_text=names["google_contacts"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("demo.owner@example.com")
    expect(row).to_contain_text(re.compile(r"re-?auth|reconnect|needs", re.I))
    row.get_by_role("button", name="Reconnect").click()
    # The consent opens (a popup or this tab), approves at once and comes back.
    wait_until(lambda: connection_status(account, connection_id) == "ACTIVE", what="the connection to be active again")
    go_to(page, "Connections")
    row = page.get_by_role("row").filter(has_text=names["google_contacts"])
    expect(row).not_to_contain_text(re.compile(r"re-?auth|needs", re.I))
    check_accessible(page)


def test_disconnect_removes_the_connection(page: Page, stack: LiveStack, account: Account) -> None:
    names = api.service_names(account.api)
    api.connect(account.api, "shopify", api.API_KEY_SETTINGS["shopify"])
    sign_in_by_link(page, stack.base_url, account.token)
    go_to(page, "Connections")

    row = page.get_by_role("row").filter(has_text=names["shopify"])
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Disconnect").click()
    confirm = page.get_by_role("dialog")  # a confirmation, where the page asks for one
    try:
        expect(confirm).to_be_visible(timeout=3_000)
        confirm.get_by_role("button", name=re.compile(r"disconnect", re.I)).click()
    except AssertionError:
        pass
    expect(page.get_by_role("row").filter(has_text=names["shopify"])).to_have_count(0)
    assert api.connections(account.api) == []
    check_accessible(page)
