"""The browser tests' harness: a live stack (tests/web/stack.py), Chromium, a fresh account per test.

They run in one pass only: the embedded one (SQLite + embedded Redis). The page is a client of
the API, whose behaviour on PostgreSQL the rest of the suite proves; running them twice would
double the slowest part of CI for nothing. `AUTOIMPORT_TEST_WEB=always` runs them in the
services pass too, `never` skips them. When Chromium (/usr/bin/chromium), Playwright or the built
page (web/dist/index.html) is missing they skip, and the end of the run says so loudly.
Each test leaves a screenshot of the page it ends on in var/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.web.stack import ROOT, Account, LiveStack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WEB_DIR = Path(__file__).resolve().parent
BUILT_PAGE = ROOT / "web" / "dist" / "index.html"
TIMEOUT_MS = 20_000  # a sync on a busy 2-core machine; the page itself answers far sooner
SKIP_REASON = pytest.StashKey[str]()


def _backend() -> str:
    return os.environ.get("AUTOIMPORT_TEST_BACKEND", "embedded")


def why_not_run() -> tuple[str, bool]:
    """(why the browser tests cannot run here, whether that is something to fix), or ("", False)."""
    wanted = os.environ.get("AUTOIMPORT_TEST_WEB", "auto")
    if wanted == "never":
        return "AUTOIMPORT_TEST_WEB=never", False
    if _backend() != "embedded" and wanted != "always":
        return "browser tests run in the embedded pass only (AUTOIMPORT_TEST_WEB=always runs them here too)", False
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')", True
    if not CHROMIUM.exists():
        return f"Chromium is missing at {CHROMIUM} (apt-get install -y chromium; never `playwright install`)", True
    if not BUILT_PAGE.exists():
        built = BUILT_PAGE.relative_to(ROOT)
        return f"the page is not built: {built} is missing (cd web && npm ci && npm run build)", True
    return "", False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    web_items = [item for item in items if WEB_DIR in item.path.parents]
    reason, loud = why_not_run()
    if web_items and reason:
        config.stash[SKIP_REASON] = reason if not loud else "!" + reason
    for item in web_items:
        item.add_marker(pytest.mark.web)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    reason = config.stash.get(SKIP_REASON, "")
    if reason.startswith("!"):
        terminalreporter.write_sep("!", "THE BROWSER TESTS WERE SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"Why: {reason[1:]}", red=True, bold=True)
        terminalreporter.write_line("tests/web/ (the import page in Chromium) did not run: nothing about the page "
                                    "was checked.", red=True)
    elif reason:
        terminalreporter.write_line(f"Browser tests not run in this pass: {reason}.")


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """uvicorn + worker + simulators + feeds, up for the whole tests/web package (then stopped,
    before the next package's tests could meet its worker on a shared Redis)."""
    from tests.web.stack import live_stack

    with live_stack(_backend(), tmp_path_factory.mktemp("web-stack")) as live:
        yield live


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: object, stack: LiveStack, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser context (no session storage, no cookies) and page; a screenshot of where
    the test ended is written to var/screenshots/<test>.png."""
    from playwright.sync_api import expect

    from tests.web.ui import screenshot

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.base_url)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        try:
            screenshot(tab, request.node.name)
        finally:
            context.close()


@pytest.fixture
def make_account(stack: LiveStack, request: pytest.FixtureRequest) -> Callable[..., Account]:
    """A fresh account per call (CLI `accounts create`), named after the test."""
    def make(contact_limit: int = 100_000) -> Account:
        return stack.create_account(request.node.name.removeprefix("test_"), contact_limit)

    return make


@pytest.fixture
def account(make_account: Callable[..., Account]) -> Account:
    return make_account()
