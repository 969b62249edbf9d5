"""The engine's bulk statements on each database: what an upsert writes, keeps and returns."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from app.accounts.models import Account
from app.contacts.models import Contact
from app.sync.bulk_sql import KEY_CHECKS_PLANNED_ONCE_FROM_ROWS, SQLITE_MAX_PARAMETERS, select_in, upsert_rows
from tests.conftest import Backend

COLUMNS = ("account_id", "email", "email_key", "first_name", "last_name", "phone", "status", "created_at",
           "updated_at")
CONFLICT = ("account_id", "email_key")
UPDATES = ("first_name", "updated_at")
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def row(account_id: int, n: int, first_name: str = "First") -> tuple[object, ...]:
    return (account_id, f"p{n}@example.com", f"p{n}@example.com", first_name, "Last", None, "ACTIVE", NOW, NOW)


async def test_an_upsert_inserts_updates_and_returns_every_written_row(db_ready: Backend) -> None:
    account = await Account.create(name="Acme", contact_limit=100)
    async with in_transaction():
        first = await upsert_rows(Contact, COLUMNS, [row(account.id, n) for n in range(3)], CONFLICT, UPDATES,
                                  returning=("email_key", "id"))
    async with in_transaction():
        again = await upsert_rows(Contact, COLUMNS, [row(account.id, 1, "Changed"), row(account.id, 3)], CONFLICT,
                                  UPDATES, returning=("email_key", "id"))
    ids = dict(first)
    assert sorted(ids) == ["p0@example.com", "p1@example.com", "p2@example.com"]
    assert dict(again)["p1@example.com"] == ids["p1@example.com"]  # updated in place: same id
    assert await Contact.filter(account_id=account.id).count() == 4
    assert (await Contact.get(id=ids["p1@example.com"])).first_name == "Changed"
    assert (await Contact.get(id=ids["p0@example.com"])).last_name == "Last"


async def test_rows_with_the_same_key_count_once_and_the_last_wins(db_ready: Backend) -> None:
    account = await Account.create(name="Acme", contact_limit=100)
    async with in_transaction():
        returned = await upsert_rows(Contact, COLUMNS, [row(account.id, 7, "Old"), row(account.id, 7, "New")],
                                     CONFLICT, UPDATES, returning=("email_key",))
    assert returned == [("p7@example.com",)]
    assert [c.first_name for c in await Contact.filter(account_id=account.id)] == ["New"]


async def test_more_rows_than_one_sqlite_statement_holds_are_all_returned(db_ready: Backend) -> None:
    account = await Account.create(name="Acme", contact_limit=10_000)
    count = SQLITE_MAX_PARAMETERS // len(COLUMNS) + 5
    async with in_transaction():
        returned = await upsert_rows(Contact, COLUMNS, [row(account.id, n) for n in range(count)], CONFLICT,
                                     UPDATES, returning=("id",))
    assert len(returned) == count == await Contact.filter(account_id=account.id).count()


async def test_select_in_reads_only_the_scoped_rows_asked_for(db_ready: Backend) -> None:
    acme, other = await Account.create(name="Acme", contact_limit=100), await Account.create(name="Other",
                                                                                              contact_limit=100)
    async with in_transaction():
        for account in (acme, other):
            await upsert_rows(Contact, COLUMNS, [row(account.id, n) for n in range(4)], CONFLICT, UPDATES)
    found = await select_in(Contact, ("email_key", "account_id"), {"account_id": acme.id}, "email_key",
                            ["p1@example.com", "p3@example.com", "p9@example.com"])
    assert sorted(found) == [("p1@example.com", acme.id), ("p3@example.com", acme.id)]
    assert await select_in(Contact, ("id",), {"account_id": acme.id}, "email_key", []) == []


@asynccontextmanager
async def sqlite_variables_limited_to(limit: int) -> AsyncIterator[None]:
    """SQLite as commonly built (32,766 variables per statement since 3.32; Debian's allows 250,000).
    The limit is set in aiosqlite's thread, where the connection lives."""
    connection = getattr(connections.get("default"), "_connection", None)
    raw = getattr(connection, "_conn", None)
    if connection is None or not isinstance(raw, sqlite3.Connection):
        yield
        return
    was = await connection._execute(raw.setlimit, sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    try:
        yield
    finally:
        await connection._execute(raw.setlimit, sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, was)


async def test_select_in_takes_more_values_than_one_sqlite_statement_holds(db_ready: Backend) -> None:
    account = await Account.create(name="Acme", contact_limit=100)
    async with in_transaction():
        await upsert_rows(Contact, COLUMNS, [row(account.id, n) for n in (0, 1)], CONFLICT, UPDATES)
    asked = [f"p{n}@example.com" for n in range(SQLITE_MAX_PARAMETERS + 10)]
    asked.append(asked.pop(1))  # p1 last: past the first statement's values on SQLite
    async with sqlite_variables_limited_to(SQLITE_MAX_PARAMETERS):
        found = await select_in(Contact, ("email_key",), {"account_id": account.id}, "email_key", asked)
    assert sorted(found) == [("p0@example.com",), ("p1@example.com",)]


async def test_a_value_too_long_fails_on_postgresql_instead_of_being_cut(db_ready: Backend) -> None:
    if not db_ready.database_url.startswith("postgres"):
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    account = await Account.create(name="Acme", contact_limit=100)
    too_long = (account.id, "x@example.com", "x@example.com", "F" * 201, "L", None, "ACTIVE", NOW, NOW)
    with pytest.raises((IntegrityError, OperationalError)):
        async with in_transaction():
            await upsert_rows(Contact, COLUMNS, [too_long], CONFLICT, UPDATES)
    assert await Contact.filter(account_id=account.id).count() == 0


async def test_datetimes_are_stored_as_the_orm_stores_them(db_ready: Backend) -> None:
    account = await Account.create(name="Acme", contact_limit=100)
    paris = timezone(timedelta(hours=1))
    moments = [NOW, NOW.astimezone(paris), datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)]
    for n, moment in enumerate(moments):  # the same instant in two zones, and another one
        await Contact.create(account_id=account.id, email=f"orm{n}@example.com", email_key=f"orm{n}@example.com",
                             status="ACTIVE", created_at=moment, updated_at=moment)
    async with in_transaction():
        await upsert_rows(Contact, COLUMNS, [(account.id, f"bulk{n}@example.com", f"bulk{n}@example.com", "F", "L",
                                              None, "ACTIVE", moment, moment) for n, moment in enumerate(moments)],
                          CONFLICT, UPDATES)
    conn = Contact._meta.db
    stored = dict(tuple(row) for row in (await conn.execute_query(
        'SELECT email_key, created_at FROM contact WHERE account_id = ' + str(account.id)))[1])
    for n in range(len(moments)):
        assert stored[f"bulk{n}@example.com"] == stored[f"orm{n}@example.com"]
    assert {c.email_key: c.created_at for c in await Contact.filter(account_id=account.id)}[
        "bulk1@example.com"] == NOW


async def test_values_the_same_in_every_row_are_written_to_each_row_and_updated(db_ready: Backend) -> None:
    acme, other = await Account.create(name="Acme", contact_limit=100), await Account.create(name="Other",
                                                                                              contact_limit=100)
    per_row = ("email", "email_key", "first_name", "last_name", "phone", "status")
    later = NOW + timedelta(hours=1)
    in_paris = NOW.astimezone(timezone(timedelta(hours=1)))  # the same instant as NOW

    def rows(*names: str) -> list[tuple[object, ...]]:
        return [(f"{name}@example.com", f"{name}@example.com", name.title(), "Last", None, "ACTIVE") for name in names]

    async with in_transaction():
        for account in (acme, other):  # the account is the same in every row, and part of the conflict key
            written = await upsert_rows(Contact, per_row, rows("ann", "bob", "ann"), CONFLICT, UPDATES,
                                        returning=("email_key",), same={"account_id": account.id,
                                                                        "created_at": in_paris, "updated_at": NOW})
            assert sorted(written) == [("ann@example.com",), ("bob@example.com",)]
    async with in_transaction():
        await upsert_rows(Contact, per_row, rows("bob"), CONFLICT, UPDATES,
                          same={"account_id": acme.id, "created_at": later, "updated_at": later})
    stored = {(c.account_id, c.email_key): (c.first_name, c.created_at, c.updated_at)
              for c in await Contact.all()}
    assert stored == {
        (acme.id, "ann@example.com"): ("Ann", NOW, NOW),
        (acme.id, "bob@example.com"): ("Bob", NOW, later),  # an updated column of `same` is updated; others kept
        (other.id, "ann@example.com"): ("Ann", NOW, NOW),
        (other.id, "bob@example.com"): ("Bob", NOW, NOW),
    }
    await Contact.create(account_id=acme.id, email="orm@example.com", email_key="orm@example.com", status="ACTIVE",
                         created_at=in_paris, updated_at=NOW)
    raw = dict(tuple(row) for row in (await Contact._meta.db.execute_query(
        f"SELECT email_key, created_at FROM contact WHERE account_id = {acme.id}"))[1])
    assert raw["ann@example.com"] == raw["orm@example.com"]  # stored as the ORM stores it


class RolledBack(Exception):
    """Raised to roll back a test's transaction, with the trigger it created."""


# A row trigger on `contact` that notes the plan cache setting it runs under. PostgreSQL checks
# foreign keys with row triggers of its own, fired at the same moment (the statement's end).
NOTE_PLAN_CACHE_MODE = """
CREATE TEMP TABLE noted_mode (mode text) ON COMMIT DROP;
CREATE FUNCTION note_plan_cache_mode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO noted_mode VALUES (current_setting('plan_cache_mode')); RETURN NULL; END $$;
CREATE TRIGGER note_plan_cache_mode AFTER INSERT ON contact FOR EACH ROW EXECUTE FUNCTION note_plan_cache_mode();
"""


async def test_on_postgresql_the_key_checks_of_many_rows_may_reuse_one_plan(db_ready: Backend) -> None:
    """The app forces a custom plan per execution (see `app.db`), which planned each row's key
    checks anew. A statement of many rows lets them reuse a generic plan; a statement of a few
    rows, and every statement after, runs under the connection's own setting."""
    if not db_ready.database_url.startswith("postgres"):
        pytest.skip("plan_cache_mode is PostgreSQL's")
    account = await Account.create(name="Acme", contact_limit=1_000)
    few, many = KEY_CHECKS_PLANNED_ONCE_FROM_ROWS - 1, KEY_CHECKS_PLANNED_ONCE_FROM_ROWS
    with pytest.raises(RolledBack):
        async with in_transaction() as transaction:
            await transaction.execute_script(NOTE_PLAN_CACHE_MODE)
            await upsert_rows(Contact, COLUMNS, [row(account.id, n) for n in range(few)], CONFLICT, UPDATES)
            await upsert_rows(Contact, COLUMNS, [row(account.id, n) for n in range(few, few + many)], CONFLICT,
                              UPDATES, returning=("id",))
            _, noted = await transaction.execute_query("SELECT mode, count(*) AS n FROM noted_mode GROUP BY mode")
            _, after = await transaction.execute_query("SHOW plan_cache_mode")
            raise RolledBack()
    assert {noted_row["mode"]: noted_row["n"] for noted_row in noted} == {"force_custom_plan": few, "auto": many}
    assert after[0]["plan_cache_mode"] == "force_custom_plan"
    # what the connections force by default (app.db); a SET LOCAL cannot outlive its transaction anyway
    _, outside = await connections.get("default").execute_query("SHOW plan_cache_mode")
    assert outside[0]["plan_cache_mode"] == "force_custom_plan"
    assert await Contact.filter(account_id=account.id).count() == 0
