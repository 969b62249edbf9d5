"""The Import page: a region per service with its count of auto-imports, the advice past the
recommended number, and the account's imports with their status."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web import api
from tests.web.feeds import people
from tests.web.stack import Account, LiveStack
from tests.web.ui import check_accessible, service_region, sign_in_by_link

RECOMMEND = re.compile(r"recommend", re.I)


def test_counts_per_service_and_the_advice_past_two(page: Page, stack: LiveStack, account: Account) -> None:
    names = api.service_names(account.api)
    for n in range(3):
        url = stack.feeds.add(f"{account.name}-{n}", people(3, f"feed{n}.example"))
        api.feed_import(account.api, url, f"Sheet {n}")
    shop = api.connect(account.api, "shopify", api.API_KEY_SETTINGS["shopify"])
    api.create_import(account.api, "shopify", shop, "Shop customers")

    sign_in_by_link(page, stack.base_url, account.token)

    # The count is its own text: a region's whole text runs its parts together ("…needed3 auto-imports").
    feeds = service_region(page, names["csv_feed"])
    expect(feeds.get_by_role("button", name=f"Import from {names['csv_feed']}")).to_be_visible()
    expect(feeds.get_by_text(re.compile(r"^3 auto-imports$"))).to_be_visible()
    expect(feeds).to_contain_text(RECOMMEND)
    shopify = service_region(page, names["shopify"])
    expect(shopify.get_by_text(re.compile(r"^1 auto-import$"))).to_be_visible()
    expect(shopify.get_by_text(RECOMMEND)).to_have_count(0)
    google = service_region(page, names["google_contacts"])
    expect(google.get_by_text(re.compile(r"^0 auto-imports$"))).to_be_visible()
    expect(google.get_by_role("button", name=f"Import from {names['google_contacts']}")).to_be_visible()
    check_accessible(page)


def test_the_accounts_imports_are_listed_with_their_status_and_next_sync_and_lead_to_their_page(
        page: Page, stack: LiveStack, account: Account) -> None:
    url = stack.feeds.add(account.name, people(5, "listed.example"))
    import_id = api.feed_import(account.api, url, "Newsletter sheet")
    api.finished_syncs(account.api, import_id)
    paused = api.feed_import(account.api, stack.feeds.add(account.name + "-p", people(2, "p.example")), "Paused sheet")
    account.api.mutate("mutation($id: ID!) { pauseAutoImport(id: $id) { userErrors { message } } }",
                       "pauseAutoImport", id=paused)

    sign_in_by_link(page, stack.base_url, account.token)

    active_link = page.get_by_role("link", name="Newsletter sheet")
    expect(active_link).to_be_visible()
    paused_link = page.get_by_role("link", name="Paused sheet")
    expect(paused_link).to_be_visible()
    expect(page.get_by_text(re.compile(r"paused", re.I)).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"active", re.I)).first).to_be_visible()
    # "Next sync" is the synced import's next time, and none for the paused one (not its old time)
    next_sync = {name: page.get_by_role("row").filter(has=page.get_by_role("link", name=name)).get_by_role("cell").last
                 for name in ("Newsletter sheet", "Paused sheet")}
    expect(next_sync["Newsletter sheet"]).to_have_text(re.compile(r"\b20\d\d\b"))
    expect(next_sync["Paused sheet"]).to_have_text("None while paused")

    active_link.click()
    expect(page.get_by_role("heading", name="Newsletter sheet", level=1, exact=True)).to_be_visible()
    check_accessible(page)
