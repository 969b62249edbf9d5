"""The import page in Chromium: time to interactive with 200 imports, and the bundle's size.

The live stack of the browser tests (`tests/web/stack.py`: uvicorn serving the built `web/dist`,
a worker, the simulators) runs on the benchmark's database; an account gets 200 CSV-feed imports
of demo data (ten feeds of 50 people, twenty imports each, all synced once). Chromium then
opens each page RUNS times; a run's time is `performance.now()` (milliseconds since navigation
start) at the first animation frame where the page's heading and main controls are present:
- baseline: `/` signed out, where the same bundle renders the sign-in form without any data;
- the Import page: heading "Import" and an "Import from ..." button per service;
- an import's page: its name as the heading, "Sync now", and the "Sync history" table's rows.
The target is under 1,000 ms for both pages. The gzip size of the built JS and CSS is printed.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.support import Backend, median, print_table, ratio, run_main

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "web" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
IMPORTS, FEEDS, PEOPLE_PER_FEED, RUNS = 200, 10, 50, 7
TARGET_MS = 1000.0
# Page-side checks (the benchmark measures, it does not test: plain DOM queries are fine here).
SIGN_IN_READY = "() => document.querySelector('input') && document.querySelector('button') ? performance.now() : 0"
IMPORT_PAGE_READY = """() => {
  const h1 = [...document.querySelectorAll('h1')].some((h) => h.textContent.trim() === 'Import');
  const buttons = [...document.querySelectorAll('button')].filter((b) => /^Import from /.test(b.textContent.trim()));
  return h1 && buttons.length >= %d ? performance.now() : 0;
}"""
IMPORT_READY = """(name) => {
  const h1 = [...document.querySelectorAll('h1')].some((h) => h.textContent.trim() === name);
  const sync = [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Sync now');
  const rows = document.querySelectorAll('table tbody tr').length > 0;
  return h1 && sync && rows ? performance.now() : 0;
}"""


def bundle_size() -> dict[str, int]:
    files = [f for f in DIST.rglob("*") if f.is_file() and f.suffix in (".js", ".css")]
    return {"files": len(files), "bytes": sum(f.stat().st_size for f in files),
            "gzip_bytes": sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)}


def _seed(stack: Any) -> tuple[Any, str]:
    from tests.web import api
    from tests.web.feeds import people

    account = stack.create_account("bench-page")
    first = ""
    for feed in range(FEEDS):
        connection = api.connect(account.api, "csv_feed", {
            "url": stack.feeds.add(f"demo{feed}", people(PEOPLE_PER_FEED, f"demo{feed}.example"))})
        for n in range(IMPORTS // FEEDS):
            import_id = api.create_import(account.api, "csv_feed", connection, f"Demo sheet {feed}-{n}",
                                          tags=["demo"])
            first = first or import_id
    api.finished_syncs(account.api, first, timeout=300)
    return account, first


def _times(page: Any, url: str, ready: str, arg: Any = None) -> list[float]:
    runs = []
    for _ in range(RUNS):
        page.goto(url)
        runs.append(float(page.wait_for_function(ready, arg=arg, polling="raf", timeout=30_000).json_value()))
    return runs


def _measure_pages(stack: Any, account: Any) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    from tests.web.conftest import CHROMIUM_ARGS
    from tests.web.ui import open_import, sign_in_by_link

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(base_url=stack.base_url)
            baseline = _times(page, f"{stack.base_url}/", SIGN_IN_READY)
            sign_in_by_link(page, stack.base_url, account.token)
            services = len(account.api("{ services { id } }")["services"])
            import_page = _times(page, f"{stack.base_url}/", IMPORT_PAGE_READY % services)
            open_import(page, "Demo sheet 0-0")
            one_import = _times(page, page.url, IMPORT_READY, "Demo sheet 0-0")
        finally:
            browser.close()
    return {"baseline_sign_in_form": baseline, "import_page": import_page, "an_import_page": one_import}


async def measure(backend: Backend) -> dict[str, Any]:
    if not CHROMIUM.exists() or not (DIST / "index.html").exists():
        return {"skipped": f"needs {CHROMIUM} and a built {DIST.relative_to(ROOT)} (cd web && npm run build)"}
    import asyncio

    from tests.web.stack import live_stack

    def run() -> dict[str, Any]:
        with live_stack(backend.name, Path(tempfile.mkdtemp(prefix="bench-page-")),
                        database=(backend.database_url, backend.redis_url)) as stack:
            account, _ = _seed(stack)
            return {"imports": IMPORTS, "runs": RUNS, "ms": _measure_pages(stack, account),
                    "bundle": bundle_size()}

    return await asyncio.to_thread(run)  # Playwright's sync API must not run inside the event loop


def show(backend_name: str, figures: dict[str, Any]) -> None:
    if "skipped" in figures:
        print(f"\npage benchmark on {backend_name}: skipped ({figures['skipped']})")
        return
    ms, base = figures["ms"], median(figures["ms"]["baseline_sign_in_form"])
    rows = [[name, median(times), max(times), ratio(median(times), base),
             "-" if name.startswith("baseline") else ("yes" if median(times) < TARGET_MS else "NO")]
            for name, times in ms.items()]
    print_table(f"Time to interactive in Chromium ({figures['imports']} imports, {figures['runs']} runs, "
                f"{backend_name})",
                ["page", "median ms", "max ms", "x baseline", f"< {TARGET_MS:.0f} ms"], rows)
    bundle = figures["bundle"]
    print(f"  bundle: {bundle['files']} JS/CSS files, {bundle['bytes'] / 1024:,.0f} KiB, "
          f"{bundle['gzip_bytes'] / 1024:,.0f} KiB gzip")
    print("  " + json.dumps({k: [round(t) for t in v] for k, v in ms.items()}))


if __name__ == "__main__":
    run_main("page", measure, show)
