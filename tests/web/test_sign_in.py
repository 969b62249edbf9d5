"""Signing in: the "API token" form, the `/#token=` link, and a wrong token."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.stack import Account, LiveStack
from tests.web.ui import NAVIGATION, check_accessible, sign_in_by_link

TOKEN_PROBLEM = re.compile(r"token", re.I)
IN_SESSION_STORAGE = "(token) => Object.values(sessionStorage).some((value) => value.includes(token))"


def expect_signed_in(page: Page) -> None:
    expect(page.get_by_role("heading", name="Import", level=1, exact=True)).to_be_visible()
    navigation = page.get_by_role("navigation")
    for name in NAVIGATION:
        expect(navigation.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_sign_in_with_the_form_keeps_the_session_until_sign_out(page: Page, stack: LiveStack,
                                                                 account: Account) -> None:
    page.goto("/")
    page.get_by_label("API token").fill(account.token)
    page.get_by_role("button", name="Sign in").click()
    expect_signed_in(page)

    page.reload()  # the token lives in sessionStorage: a reload stays signed in
    expect_signed_in(page)
    assert page.evaluate(IN_SESSION_STORAGE, account.token), "the token is not kept in sessionStorage"

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API token")).to_be_visible()
    assert not page.evaluate(IN_SESSION_STORAGE, account.token), "signing out left the token in sessionStorage"
    page.reload()
    expect(page.get_by_label("API token")).to_be_visible()
    check_accessible(page)


def test_sign_in_by_link_removes_the_token_from_the_address_bar(page: Page, stack: LiveStack,
                                                                account: Account) -> None:
    sign_in_by_link(page, stack.base_url, account.token)

    expect_signed_in(page)
    expect(page).not_to_have_url(re.compile(re.escape(account.token)))
    assert account.token not in page.evaluate("() => window.location.href")
    check_accessible(page)


def test_a_wrong_token_gets_a_clear_message_and_the_form(page: Page, stack: LiveStack) -> None:
    page.goto("/#token=not-a-real-token")

    expect(page.get_by_label("API token")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=TOKEN_PROBLEM)).to_be_visible()
    expect(page.get_by_role("heading", name="Import", level=1, exact=True)).to_have_count(0)

    page.get_by_label("API token").fill("still-wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").filter(has_text=TOKEN_PROBLEM)).to_be_visible()
    expect(page.get_by_label("API token")).to_be_visible()
    check_accessible(page)
