"""The API benchmark's data: one account, 5 lists, `contacts` contacts (each with a tag and a list,
inserted with bulk SQL, not through the API) and imports added 10 per external account, each with
2 lists, 3 past syncs, totals and a skipped record."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from tortoise import connections

from app.accounts.models import Account
from app.accounts.service import create_account
from app.autoimports.models import AutoImport, AutoImportList, SkippedRecord, SkipReason, SyncOutcome, SyncRun
from app.contacts.models import ContactList
from bench import fixtures
from bench.support import Backend

LISTS = 5


async def _insert(backend: Backend, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    marks = ["?"] * len(columns) if backend.is_sqlite else [f"${i + 1}" for i in range(len(columns))]
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(marks)})'
    db = connections.get("default")
    for start in range(0, len(rows), 5000):
        await db.execute_many(sql, rows[start:start + 5000])  # type: ignore[arg-type]


async def _seed_contacts(backend: Backend, account_id: int, list_ids: list[int], contacts: int) -> None:
    now = datetime.now(timezone.utc)
    await _insert(backend, "contact", ("account_id", "email", "email_key", "first_name", "last_name", "phone",
                                       "status", "created_at", "updated_at"),
                  [(account_id, f"person{n}@example.com", f"person{n}@example.com", f"First{n}", f"Last{n}", None,
                    "ACTIVE", now, now) for n in range(contacts)])
    ids = await connections.get("default").execute_query_dict(
        'SELECT "id" FROM "contact" WHERE "account_id" = ' + ("?" if backend.is_sqlite else "$1"), [account_id])
    contact_ids = [row["id"] for row in ids]
    await _insert(backend, "contact_tag", ("contact_id", "name"), [(c, f"tag{c % 3}") for c in contact_ids])
    await _insert(backend, "list_membership", ("contact_id", "list_id"),
                  [(c, list_ids[c % len(list_ids)]) for c in contact_ids])
    if not backend.is_sqlite:  # statistics as autovacuum keeps them: plans for 100,000 rows, not for none
        await connections.get("default").execute_script("ANALYZE")


async def add_imports(account: Account, prefix: str, external_accounts: int, list_ids: list[int]) -> None:
    """10 imports per external account, each with 2 lists, 3 past syncs, totals and a skipped record."""
    imports = await fixtures.make_imports(account, "csv_feed", external_accounts, 10, prefix=prefix)
    now = datetime.now(timezone.utc)
    await AutoImport.filter(id__in=[i.id for i in imports]).update(
        totals={"fetched": 500, "added": 480, "skipped_invalid_email": 20}, next_sync_at=now + timedelta(minutes=30),
        last_sync_at=now)
    await AutoImportList.bulk_create([AutoImportList(auto_import=i, list_id=li) for i in imports
                                      for li in list_ids[:2]])
    await SyncRun.bulk_create([SyncRun(auto_import=i, started_at=now - timedelta(minutes=30 * k), finished_at=now,
                                       outcome=SyncOutcome.COMPLETED, counts={"added": 160}) for i in imports
                               for k in range(3)])
    await SkippedRecord.bulk_create([SkippedRecord(auto_import=i, external_id="row-7", email="not-an-email",
                                                   reason=SkipReason.INVALID_EMAIL, seen_at=now) for i in imports])


async def seed_account(backend: Backend, contacts: int) -> tuple[Account, str, list[int]]:
    """The account, its API token and its list ids, with `contacts` contacts and no import yet."""
    account, token = await create_account("api", 1_000_000)
    await ContactList.bulk_create([ContactList(account=account, name=f"List {n}") for n in range(LISTS)])
    list_ids = await ContactList.filter(account=account).order_by("id").values_list("id", flat=True)
    await _seed_contacts(backend, account.id, list_ids, contacts)
    return account, token, list_ids
