"""The API under load: one account with 200 imports and 100,000 contacts.

p50/p99 latency of four queries through the real app (`create_app(services=...)` over
`httpx.ASGITransport`), and the SQL statements each issues, counted at 20 and at 200 imports: the
count must not grow with the number of imports. Contacts, tags and list memberships are inserted
with bulk SQL, not through the API.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from tortoise import connections

from app.accounts.service import create_account
from app.autoimports.models import AutoImport, AutoImportList, SkippedRecord, SkipReason, SyncOutcome, SyncRun
from app.connectors.base import SourceContext
from app.contacts.models import ContactList
from app.security import SettingsCipher
from app.web import Services, create_app
from bench import fixtures
from bench.support import Backend, median, percentile, print_table, run_main

CONTACTS = 100_000
LISTS = 5
REQUESTS = 100
QUERIES = {
    "services": ("{ services { id name } }", None),
    "autoImports": ("{ autoImports { id name status service { name } lists { name } totals { added } "
                    "troubleshooting { healthy problems { code count } } } }", None),
    "contacts(first: 50)": ("{ contacts(first: 50) { edges { node { email tags lists { name } } } } }", None),
    "contact(email:)": ("query($email: String!) { contact(email: $email) { email firstName tags lists { name } } }",
                        "email"),
}


class StatementCounter(logging.Handler):
    """Counts the SQL statements Tortoise logs at DEBUG on `tortoise.db_client` (as the API tests do)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        first = record.getMessage().lstrip().split(" ", 1)[0].upper()
        self.count += first in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def counting_statements() -> Iterator[StatementCounter]:
    logger, counter = logging.getLogger("tortoise.db_client"), StatementCounter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


async def _insert(backend: Backend, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    marks = ["?"] * len(columns) if backend.is_sqlite else [f"${i + 1}" for i in range(len(columns))]
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(marks)})'
    db = connections.get("default")
    for start in range(0, len(rows), 5000):
        await db.execute_many(sql, rows[start:start + 5000])  # type: ignore[arg-type]


async def _seed_contacts(backend: Backend, account_id: int, list_ids: list[int]) -> None:
    now = datetime.now(timezone.utc)
    await _insert(backend, "contact", ("account_id", "email", "email_key", "first_name", "last_name", "phone",
                                       "status", "created_at", "updated_at"),
                  [(account_id, f"person{n}@example.com", f"person{n}@example.com", f"First{n}", f"Last{n}", None,
                    "ACTIVE", now, now) for n in range(CONTACTS)])
    ids = await connections.get("default").execute_query_dict(
        'SELECT "id" FROM "contact" WHERE "account_id" = ' + ("?" if backend.is_sqlite else "$1"), [account_id])
    contact_ids = [row["id"] for row in ids]
    await _insert(backend, "contact_tag", ("contact_id", "name"), [(c, f"tag{c % 3}") for c in contact_ids])
    await _insert(backend, "list_membership", ("contact_id", "list_id"),
                  [(c, list_ids[c % len(list_ids)]) for c in contact_ids])


async def _add_imports(account: Any, prefix: str, external_accounts: int, list_ids: list[int]) -> None:
    """10 imports per external account, each with 2 lists, 3 past syncs, totals and a skipped record."""
    imports = await fixtures.make_imports(account, "csv_feed", external_accounts, 10, prefix=prefix)
    now = datetime.now(timezone.utc)
    await AutoImport.filter(id__in=[i.id for i in imports]).update(
        totals={"fetched": 500, "added": 480, "skipped_invalid_email": 20}, next_sync_at=now + timedelta(minutes=30),
        last_sync_at=now)
    await AutoImportList.bulk_create([AutoImportList(auto_import=i, list_id=li) for i in imports for li in list_ids[:2]])
    await SyncRun.bulk_create([SyncRun(auto_import=i, started_at=now - timedelta(minutes=30 * k), finished_at=now,
                                       outcome=SyncOutcome.COMPLETED, counts={"added": 160}) for i in imports
                               for k in range(3)])
    await SkippedRecord.bulk_create([SkippedRecord(auto_import=i, external_id="row-7", email="not-an-email",
                                                   reason=SkipReason.INVALID_EMAIL, seen_at=now) for i in imports])


def _services(backend: Backend) -> Services:
    settings = backend.settings()
    source = SourceContext(http=httpx.AsyncClient(), production=False, max_bytes=1)
    return Services(settings=settings, cipher=SettingsCipher(b"bench-secret-key"), source=source, queue=None)


async def _request(client: httpx.AsyncClient, token: str, name: str, n: int) -> float:
    query, variable = QUERIES[name]
    variables = {variable: f"PERSON{(n * 7919) % CONTACTS}@example.com"} if variable else {}
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query, "variables": variables},
                                 headers={"Authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - started
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return elapsed


async def _statements(client: httpx.AsyncClient, token: str) -> dict[str, int]:
    counts = {}
    for name in QUERIES:
        with counting_statements() as counter:
            await _request(client, token, name, 1)
        counts[name] = counter.count
    return counts


async def _latencies(client: httpx.AsyncClient, token: str) -> dict[str, dict[str, float]]:
    figures = {}
    for name in QUERIES:
        for n in range(5):  # warm-up
            await _request(client, token, name, n)
        times = [await _request(client, token, name, n) for n in range(REQUESTS)]
        figures[name] = {"p50_ms": round(median(times) * 1000, 1), "p99_ms": round(percentile(times, 0.99) * 1000, 1)}
    return figures


async def measure(backend: Backend) -> dict[str, Any]:
    account, token = await create_account("api", 1_000_000)
    await ContactList.bulk_create([ContactList(account=account, name=f"List {n}") for n in range(LISTS)])
    list_ids = await ContactList.filter(account=account).order_by("id").values_list("id", flat=True)
    await _seed_contacts(backend, account.id, list_ids)
    app = create_app(services=_services(backend))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.bench") as client:
        await _add_imports(account, "small", 2, list_ids)
        at_20 = await _statements(client, token)
        await _add_imports(account, "large", 18, list_ids)
        at_200 = await _statements(client, token)
        latencies = await _latencies(client, token)
    return {"imports": 200, "contacts": CONTACTS, "requests": REQUESTS,
            "queries": {name: {**latencies[name], "statements_at_20": at_20[name], "statements_at_200": at_200[name]}
                        for name in QUERIES}}


def show(backend: str, figures: dict[str, Any]) -> None:
    rows = [(name, q["p50_ms"], q["p99_ms"], q["statements_at_20"], q["statements_at_200"],
             "met" if q["p99_ms"] < 50 and q["statements_at_20"] == q["statements_at_200"] else "MISSED")
            for name, q in figures["queries"].items()]
    print_table(f"API on {backend}: {figures['imports']} imports, {figures['contacts']:,} contacts, "
                f"{figures['requests']} requests per query",
                ["query", "p50 ms", "p99 ms", "SQL at 20 imports", "SQL at 200", "p99<50ms & constant"], rows)


if __name__ == "__main__":
    run_main("api", measure, show)
