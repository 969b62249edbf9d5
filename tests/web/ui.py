"""What a user does on the page, by role and accessible name (`../shared/ui-contract.md`).

No CSS selectors and no sleeps: every step waits for what a user would wait for (a heading, a
dialog, a row). `check_accessible` runs axe-core (the npm package in `web/node_modules`) on the
page as it is and fails on serious or critical violations.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
NAVIGATION = ("Import", "Contacts", "Fields", "Connections")
BLOCKING_IMPACTS = ("serious", "critical")


def sign_in_by_link(page: Page, base_url: str, token: str) -> None:
    """Opens `/#token=...` and waits for the Import page."""
    page.goto(f"{base_url}/#token={token}")
    expect(page.get_by_role("heading", name="Import", level=1, exact=True)).to_be_visible()


def go_to(page: Page, link: str) -> None:
    """Follows one of the navigation links and waits for that page's heading."""
    page.get_by_role("navigation").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1).first).to_be_visible()


def service_region(page: Page, service_name: str) -> Locator:
    return page.get_by_role("region", name=service_name, exact=True)


def open_wizard(page: Page, service_name: str) -> Locator:
    """From the Import page: "Import from {name}" opens the wizard dialog of that name."""
    service_region(page, service_name).get_by_role("button", name=f"Import from {service_name}").click()
    dialog = page.get_by_role("dialog", name=f"Import from {service_name}")
    expect(dialog).to_be_visible()
    return dialog


def open_import(page: Page, import_name: str) -> None:
    """From the Import page: the import's link leads to its page (heading = its name)."""
    go_to(page, "Import")
    page.get_by_role("link", name=import_name).first.click()
    expect(page.get_by_role("heading", name=import_name, level=1, exact=True)).to_be_visible()


def expect_account_chosen(dialog: Locator, text: str) -> None:
    """The wizard's "Account" control has a connection chosen whose name contains `text`: the
    checked radio of the "Account" group, or the option shown by the "Account" select."""
    group = dialog.get_by_role("radiogroup", name="Account")
    select = dialog.get_by_label("Account", exact=True).locator("visible=true").first  # a combobox may label two
    expect(group.or_(select).first).to_be_visible()
    named = re.compile(re.escape(text))
    if group.count():
        expect(group.get_by_role("radio", checked=True, name=named)).to_have_count(1)
    elif select.evaluate("(el) => el.tagName.toLowerCase()") == "select":
        expect(select.locator("option:checked")).to_contain_text(named)
    else:
        expect(select).to_have_value(named)


def choose_option(page: Page, field: Locator, option: str) -> None:
    """Picks `option` in a select or combobox (native or not)."""
    tag = field.evaluate("(el) => el.tagName.toLowerCase()")
    if tag == "select":
        field.select_option(label=option)
        return
    field.click()
    page.get_by_role("option", name=option, exact=True).click()


def options_of(page: Page, field: Locator) -> list[str]:
    """The options a select or combobox offers (opened and closed again for a combobox)."""
    tag = field.evaluate("(el) => el.tagName.toLowerCase()")
    if tag == "select":
        return [o.strip() for o in field.locator("option").all_inner_texts()]
    field.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    texts = [o.strip() for o in options.all_inner_texts()]
    field.press("Tab")
    return texts


def next_until(dialog: Locator, target: Locator, steps: int = 4) -> None:
    """Clicks "Next" until `target` shows (the wizard's steps)."""
    for _ in range(steps):
        if target.is_visible():
            return
        dialog.get_by_role("button", name="Next", exact=True).click()
        try:
            expect(target).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            continue
    expect(target).to_be_visible()


def fill_destination(page: Page, dialog: Locator, name: str, tags: list[str], new_list: str | None = None,
                     existing_list: str | None = None) -> None:
    """The destination step: lists (an existing one and/or a new one), tags, name."""
    lists = dialog.get_by_label("Lists", exact=True)
    if existing_list:
        choose_option(page, lists, existing_list)
        lists.press("Tab")  # closes the dropdown; Escape would close the wizard itself
    if new_list:
        create_list(page, dialog, new_list)
    tag_field = dialog.get_by_label("Tags", exact=True)
    for tag in tags:
        tag_field.fill(tag)
        tag_field.press("Enter")
    dialog.get_by_label("Name", exact=True).fill(name)


def create_list(page: Page, dialog: Locator, list_name: str) -> None:
    """Creates a list from the wizard: typed into "Lists", then the offer to create it (an option
    or a button that names it or says "Create"), or Enter where the field creates on Enter."""
    lists = dialog.get_by_label("Lists", exact=True)
    lists.click()
    lists.fill(list_name)
    # The offer names the new list: a bare /create/ would also match the wizard's "Create import"
    # (and the dropdown's option appears a moment after typing, so it is waited for).
    offer = page.get_by_role("option", name=re.compile(re.escape(list_name))).or_(
        dialog.get_by_role("button", name=re.compile(rf"create.*{re.escape(list_name)}", re.I)))
    try:
        expect(offer.first).to_be_visible(timeout=5_000)
    except AssertionError:
        lists.press("Enter")
    else:
        offer.first.click()
    lists.press("Tab")


def confirm_create(page: Page, dialog: Locator, name: str) -> None:
    """"Create import" closes the wizard; the new import is then named on the page."""
    dialog.get_by_role("button", name="Create import").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text(name).first).to_be_visible()


def region(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name, exact=True)


def sync_history_rows(page: Page) -> Locator:
    """The Sync history table's body rows (the header row is the one with column headers)."""
    table = region(page, "Sync history").get_by_role("table")
    return table.get_by_role("row").filter(has_not=page.get_by_role("columnheader"))


def check_accessible(page: Page) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    assert AXE.exists(), f"axe-core is missing: run `npm i -D -E axe-core` in web/ ({AXE} not found)"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        with contextlib.suppress(Exception):  # a strict CSP refuses inline scripts; evaluation is not a script tag
            page.add_script_tag(path=str(AXE))
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text())
    results: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    described = "\n".join(
        f"- {v['impact']}: {v['id']} ({v['help']}) at " + ", ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in blocking)
    assert not blocking, f"axe-core found serious or critical violations on {page.url}:\n{described}"


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """`var/screenshots/<name>.png`: the whole page, or (`full_page=False`) what the viewport shows,
    where notifications fixed to the window sit as the user sees them. The whole page is taken from
    its top: taken scrolled, the capture draws the fixed header that far down, under a white band
    no window shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    if full_page:
        page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=full_page)
    return path


# Scrolls so that the element's top sits just under the page's fixed header ("start"), or its
# bottom on the window's bottom edge ("end"): the two places where floating feedback (pinned to a
# corner of the window) lands on whatever the reader scrolled to watch.
SCROLL_ELEMENT_TO = """([element, edge]) => {
  const box = element.getBoundingClientRect();
  const header = document.querySelector('header')?.getBoundingClientRect().bottom ?? 0;
  window.scrollBy(0, edge === 'start' ? box.top - header : box.bottom - window.innerHeight);
}"""


def overlapping(first: Locator, second: Locator) -> bool:
    """Whether the two elements' boxes, as the window shows them now, share any area."""
    a, b = first.bounding_box(), second.bounding_box()
    assert a is not None and b is not None, "both elements must be rendered"
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def covers_while_watched(cover: Locator, watched: Locator) -> list[str]:
    """Where `cover` lies over `watched` when the reader scrolls `watched` into the window (just
    under the header, then at the bottom edge); empty when it covers it in neither place."""
    covered = []
    for edge in ("start", "end"):
        watched.evaluate(f"(element) => ({SCROLL_ELEMENT_TO})([element, {edge!r}])")
        if overlapping(cover, watched):
            covered.append(f"{edge}: {cover.bounding_box()} over {watched.bounding_box()}")
    return covered
