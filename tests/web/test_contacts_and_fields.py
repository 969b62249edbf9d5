"""Contacts (search by email as you type, where each contact came from) and Fields (tags to copy)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web import api
from tests.web.feeds import people
from tests.web.stack import Account, LiveStack
from tests.web.ui import check_accessible, go_to, sign_in_by_link


def test_contacts_search_as_you_type_and_provenance(page: Page, stack: LiveStack, account: Account) -> None:
    rows = people(12, "people.example")
    import_id = api.feed_import(account.api, stack.feeds.add(account.name, rows), "People sheet")
    api.finished_syncs(account.api, import_id)
    sign_in_by_link(page, stack.base_url, account.token)
    go_to(page, "Contacts")
    expect(page.get_by_role("heading", name="Contacts", level=1, exact=True)).to_be_visible()

    table = page.get_by_role("table").first
    body_rows = table.get_by_role("row").filter(has_not=page.get_by_role("columnheader"))
    expect(body_rows).to_have_count(len(rows))
    wanted = rows[7]  # person7@people.example, First7 Last7
    page.get_by_label("Email", exact=True).fill("person7@")
    expect(body_rows).to_have_count(1)
    expect(body_rows.first).to_contain_text(wanted[0])
    expect(body_rows.first).to_contain_text(re.compile(rf"{wanted[1]}.*{wanted[2]}|{wanted[2]}.*{wanted[1]}"))
    expect(body_rows.first).to_contain_text(re.compile(r"active|subscribed", re.I))  # ACTIVE in words

    body_rows.first.get_by_text(wanted[0]).click()  # the contact's details say where it came from
    expect(page.get_by_text("People sheet").first).to_be_visible()
    check_accessible(page)


def test_fields_list_the_personalization_tags_with_a_copy_button(page: Page, stack: LiveStack,
                                                                  account: Account) -> None:
    shop = api.connect(account.api, "shopify", api.API_KEY_SETTINGS["shopify"])
    import_id = api.create_import(account.api, "shopify", shop, "Shop customers")
    api.finished_syncs(account.api, import_id)
    fields = account.api("{ customFields { title perstag service { name } } }")["customFields"]
    assert fields, "a Shopify import creates custom fields"
    field = fields[0]
    sign_in_by_link(page, stack.base_url, account.token)
    go_to(page, "Fields")

    table = page.get_by_role("table").first
    for column in ("Field", "Personalization tag", "Service"):
        expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    row = table.get_by_role("row").filter(has_text=field["perstag"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text(field["title"])
    expect(row).to_contain_text(field["service"]["name"])
    row.get_by_role("button", name=re.compile(r"^Copy")).click()
    assert page.evaluate("() => navigator.clipboard.readText()") == field["perstag"]
    check_accessible(page)
