"""An import's page: live progress, troubleshooting at the contact limit, Sync now, Pause,
Resume, Edit, Delete (the contacts stay), and a source that fails."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web import api
from tests.web.feeds import people
from tests.web.stack import SYNC_PAGE_SIZE, Account, LiveStack, wait_until
from tests.web.ui import (
    check_accessible,
    covers_while_watched,
    next_until,
    open_import,
    region,
    screenshot,
    sign_in_by_link,
    sync_history_rows,
)

ADDED_SO_FAR = """([status, total]) => {
  const text = status.innerText;
  const numbers = [...text.matchAll(/(\\d[\\d,]*)\\s+(?:contacts?\\s+)?added|added\\D{0,3}(\\d[\\d,]*)/gi)]
    .map((m) => Number((m[1] ?? m[2]).replace(/,/g, '')));
  return numbers.length ? Math.max(...numbers) : -1;
}"""


def added_in_status(page: Page, rows: int) -> int:
    status = region(page, "Status").element_handle()
    return int(page.evaluate(ADDED_SO_FAR, [status, rows]))


def test_live_progress_of_a_multi_page_first_retrieval_without_a_reload(page: Page, stack: LiveStack,
                                                                        account: Account) -> None:
    rows = SYNC_PAGE_SIZE * 16  # within one sync's budget of 500
    url = stack.feeds.add(account.name, people(rows, "live.example"), delay=0.5)  # ~8 s of pages
    import_id = api.feed_import(account.api, url, "Live sheet")
    sign_in_by_link(page, stack.base_url, account.token)
    navigations: list[str] = []
    open_import(page, "Live sheet")
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    status = region(page, "Status")
    expect(status).to_be_visible()
    handle = status.element_handle()
    page.wait_for_function(f"(el) => ({ADDED_SO_FAR})([el, {rows}]) > 0 && ({ADDED_SO_FAR})([el, {rows}]) < {rows}",
                           arg=handle)
    first_seen = added_in_status(page, rows)
    page.wait_for_function(f"(el) => ({ADDED_SO_FAR})([el, {rows}]) > {first_seen}", arg=handle)
    assert added_in_status(page, rows) > first_seen
    expect(sync_history_rows(page).first.get_by_role("cell", name=str(rows), exact=True)).to_be_visible()
    assert navigations == [], f"the page reloaded or navigated while the sync ran: {navigations}"
    assert api.finished_syncs(account.api, import_id)["totals"]["added"] == rows
    check_accessible(page)


def test_troubleshooting_at_the_contact_limit_then_the_limit_raised(page: Page, stack: LiveStack,
                                                                     make_account: object) -> None:
    account: Account = make_account(contact_limit=30)  # type: ignore[operator]
    url = stack.feeds.add(account.name, people(50, "limit.example"))
    import_id = api.feed_import(account.api, url, "Limited sheet")
    found = api.finished_syncs(account.api, import_id)
    problem = next(p for p in found["troubleshooting"]["problems"] if p["code"] == "CONTACT_LIMIT_REACHED")
    sign_in_by_link(page, stack.base_url, account.token)
    open_import(page, "Limited sheet")

    status = region(page, "Status")
    expect(status).to_contain_text(re.compile(r"limit", re.I))
    troubleshooting = region(page, "Troubleshooting")
    expect(troubleshooting).to_contain_text(problem["message"])
    expect(troubleshooting).to_contain_text(problem["action"])
    for sample in problem["samples"][:1]:
        expect(troubleshooting).to_contain_text(sample["email"] or sample["externalId"])

    stack.set_limit(account, 1000)
    page.get_by_role("button", name="Sync now").click()
    wait_until(lambda: api.contact_count(account.api) == 50, what="the waiting contacts to arrive")
    expect(troubleshooting).not_to_contain_text(problem["message"])
    expect(status).not_to_contain_text(re.compile(r"limit", re.I))
    expect(page.get_by_role("banner")).to_contain_text("50 of 1,000 contacts")  # the header follows the sync
    check_accessible(page)


def test_pause_resume_sync_now_edit_and_delete_keeping_the_contacts(page: Page, stack: LiveStack,
                                                                    account: Account) -> None:
    url = stack.feeds.add(account.name, people(6, "life.example"))
    import_id = api.feed_import(account.api, url, "Lifecycle sheet")
    api.finished_syncs(account.api, import_id)
    sign_in_by_link(page, stack.base_url, account.token)
    open_import(page, "Lifecycle sheet")

    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("button", name="Resume", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Import paused")).to_be_visible()  # said beside the buttons
    expect(region(page, "Status")).to_contain_text(re.compile(r"paused", re.I))
    assert api.auto_import(account.api, import_id)["status"] == "PAUSED"
    page.reload()  # the outcome beside the buttons is gone: the disabled "Sync now" still says why
    sync_now = page.get_by_role("button", name="Sync now")
    expect(sync_now).to_be_disabled()
    expect(sync_now).to_have_accessible_description("Resume the import to sync it now.")
    screenshot(page, "paused_import_says_why_sync_now_is_disabled", full_page=False)

    page.get_by_role("button", name="Resume", exact=True).click()
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    assert api.auto_import(account.api, import_id)["status"] != "PAUSED"

    history = sync_history_rows(page)
    expect(history).to_have_count(1)
    page.get_by_role("button", name="Sync now").click()
    expect(history).to_have_count(2)

    page.get_by_role("button", name="Edit", exact=True).click()
    dialog = page.get_by_role("dialog")
    name = dialog.get_by_label("Name", exact=True)
    next_until(dialog, name)
    name.fill("Renamed sheet")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", name="Renamed sheet", level=1, exact=True)).to_be_visible()
    # Said once, under the name as saved (the wizard and the page each used to raise a toast).
    expect(page.get_by_role("status").filter(has_text=re.compile(r"saved.*Renamed sheet"))).to_be_visible()
    assert page.get_by_text(re.compile(r"\bsaved\b", re.I)).count() == 1, "saving was said more than once"
    assert api.auto_import(account.api, import_id)["name"] == "Renamed sheet"

    page.get_by_role("button", name="Delete", exact=True).click()
    confirm = page.get_by_role("dialog", name="Delete import")
    expect(confirm).to_contain_text(re.compile(r"contacts\b.*\b(stay|kept|keep|remain)", re.I))
    confirm.get_by_role("button", name="Delete import").click()
    expect(page.get_by_role("heading", name="Import", level=1, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Renamed sheet")).to_have_count(0)
    assert account.api("{ autoImports { id } }")["autoImports"] == []
    assert api.contact_count(account.api) == 6
    check_accessible(page)


def test_sync_now_says_it_started_without_covering_the_status_or_the_history_chart(
        page: Page, stack: LiveStack, account: Account) -> None:
    url = stack.feeds.add(account.name, people(6, "watch.example"))
    import_id = api.feed_import(account.api, url, "Watched sheet")
    api.finished_syncs(account.api, import_id)
    sign_in_by_link(page, stack.base_url, account.token)
    open_import(page, "Watched sheet")
    chart = region(page, "Sync history").get_by_role("img")
    expect(chart).to_be_visible()
    started = re.compile(r"sync started", re.I)
    # The feedback, whatever live role it has, so that a floating one is measured too.
    feedback = page.get_by_role("status").or_(page.get_by_role("alert")).filter(has_text=started)

    with stack.feeds.held(account.name):  # the sync runs while the marketer watches
        page.get_by_role("button", name="Sync now").click()
        expect(feedback).to_be_visible()
        covered = covers_while_watched(feedback, chart) + covers_while_watched(feedback, region(page, "Status"))
        screenshot(page, "sync_now_feedback_while_watching_the_chart", full_page=False)
        assert covered == [], f"the feedback of Sync now covers what the marketer watches: {covered}"
        expect(page.get_by_role("status").filter(has_text=started)).to_be_visible()  # announced politely
        # Status shows the sync under way before the source has answered, not only after a page
        status = region(page, "Status")
        expect(status).to_contain_text("Syncing now")
        expect(status.get_by_role("progressbar", name="Sync progress")).to_be_visible()
        expect(status).to_contain_text("Started: waiting for the first contacts from the source.")
        screenshot(page, "sync_now_status_before_the_source_answers", full_page=False)
    api.finished_syncs(account.api, import_id, at_least=2)
    expect(region(page, "Status")).to_contain_text(re.compile(r"last sync ended", re.I))
    expect(feedback).to_have_count(0)  # "started" is no longer true: Status says how it ended
    check_accessible(page)


def test_a_feed_that_starts_answering_500_shows_the_error_on_the_imports_page(page: Page, stack: LiveStack,
                                                                              account: Account) -> None:
    url = stack.feeds.add(account.name, people(4, "broken.example"))
    import_id = api.feed_import(account.api, url, "Broken sheet")
    api.finished_syncs(account.api, import_id)
    stack.feeds.failing(account.name, 500)  # connecting checks the URL: it breaks afterwards
    sign_in_by_link(page, stack.base_url, account.token)
    open_import(page, "Broken sheet")

    page.get_by_role("button", name="Sync now").click()
    found = api.finished_syncs(account.api, import_id, at_least=2)
    assert any("500" in p["message"] for p in found["troubleshooting"]["problems"]), found["troubleshooting"]
    expect(region(page, "Troubleshooting")).to_contain_text(re.compile(r"\b500\b"))
    expect(sync_history_rows(page).first).to_contain_text(re.compile(r"fail", re.I))
    # the failed sync has nothing to draw: the chart says so under its date
    expect(region(page, "Sync history").get_by_role("img")).to_contain_text("(failed)")
    check_accessible(page)
