"""Database set-up details that matter for speed."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import asyncpg
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from app.db import SQLITE_BUSY_TIMEOUT_MS, SQLITE_SYNCHRONOUS, tortoise_config
from tests.conftest import Backend


def test_postgres_connections_always_plan_their_queries_for_the_values_given() -> None:
    config = tortoise_config("postgres://postgres@127.0.0.1:5432/autoimport")["connections"]["default"]
    assert config["credentials"]["server_settings"] == {"plan_cache_mode": "force_custom_plan"}
    assert "server_settings" not in tortoise_config("sqlite://var/a.sqlite3")["connections"]["default"]["credentials"]


def test_sqlite_zeroes_what_it_frees_so_deleted_credentials_do_not_linger() -> None:
    config = tortoise_config("sqlite://var/a.sqlite3")["connections"]["default"]
    assert config["credentials"]["secure_delete"] == "ON" and config["credentials"]["file_path"] == "var/a.sqlite3"


def test_sqlite_transactions_take_the_write_lock_at_begin_and_wait_for_it() -> None:
    config = tortoise_config("sqlite://var/a.sqlite3")["connections"]["default"]
    assert config["engine"] == "app.sqlite_engine" and config["credentials"]["busy_timeout"] == SQLITE_BUSY_TIMEOUT_MS
    assert tortoise_config("postgres://postgres@127.0.0.1:5432/a")["connections"]["default"]["engine"] == (
        "app.postgres_engine")  # tests/test_db_cancellation.py says why


async def test_the_live_sqlite_connection_waits_for_the_write_lock(db_ready: Backend) -> None:
    if not db_ready.database_url.startswith("sqlite"):
        pytest.skip("busy_timeout is SQLite's")
    _, rows = await connections.get("default").execute_query("PRAGMA busy_timeout")
    assert rows[0][0] == SQLITE_BUSY_TIMEOUT_MS


async def test_the_live_sqlite_connection_has_secure_delete_on(db_ready: Backend) -> None:
    if not db_ready.database_url.startswith("sqlite"):
        pytest.skip("secure_delete is SQLite's")
    _, rows = await connections.get("default").execute_query("PRAGMA secure_delete")
    assert rows[0][0] == 1


async def test_the_live_sqlite_connection_syncs_its_log_at_checkpoints_not_at_each_commit(db_ready: Backend) -> None:
    if not db_ready.database_url.startswith("sqlite"):
        pytest.skip("synchronous is SQLite's")
    _, journal = await connections.get("default").execute_query("PRAGMA journal_mode")
    _, synchronous = await connections.get("default").execute_query("PRAGMA synchronous")
    assert SQLITE_SYNCHRONOUS == "NORMAL"
    assert (journal[0][0], synchronous[0][0]) == ("wal", 1)  # NORMAL is safe from corruption only in WAL mode


async def test_the_live_postgres_connection_uses_custom_plans(db_ready: Backend) -> None:
    if db_ready.database_url.startswith("sqlite"):
        pytest.skip("SQLite has no plan cache to configure")
    _, rows = await connections.get("default").execute_query("SHOW plan_cache_mode")
    assert rows[0]["plan_cache_mode"] == "force_custom_plan"


# SQL that leaves state on a PostgreSQL session, which asyncpg's reset query would undo at release
# (the app writes SQL keywords in capitals)
SESSION_STATE = re.compile(r"""["']\s*(SET\s+(?!LOCAL\b)|RESET\b|LISTEN\b|DECLARE\b)|pg_(try_)?advisory_lock""")


def test_the_apps_sql_leaves_no_session_state_for_the_pool_to_reset() -> None:
    """app.postgres_engine's pool skips asyncpg's reset query at each release: no statement of the
    app may set a session setting, listen, declare a cursor or take a session advisory lock."""
    root = Path(__file__).resolve().parent.parent
    found = [f"{path.relative_to(root)}:{n}: {line.strip()}"
             for path in sorted([*(root / "app").rglob("*.py"), *(root / "workers").rglob("*.py")])
             if path.name != "postgres_engine.py"
             for n, line in enumerate(path.read_text().splitlines(), start=1) if SESSION_STATE.search(line)]
    assert found == []
    assert SESSION_STATE.search('await db.execute_query("SET statement_timeout = 1000")')
    assert not SESSION_STATE.search('"SET LOCAL statement_timeout = 1000"')
    assert not SESSION_STATE.search('f\'ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name"\'')


async def test_a_released_postgres_connection_is_rolled_back_without_a_reset_query(db_ready: Backend) -> None:
    if db_ready.database_url.startswith("sqlite"):
        pytest.skip("asyncpg's pool is PostgreSQL's")
    pool = connections.get("default")._pool
    async with pool.acquire() as connection:
        assert connection.get_reset_query()  # what asyncpg would send
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("CREATE TEMPORARY TABLE released_mid_transaction (n int) ON COMMIT DROP")
        sent: list[str] = []
        connection.add_query_logger(lambda record: sent.append(record.query))
    # back in the pool: asyncpg rolled the open transaction back, and sent nothing else
    assert sent == ["ROLLBACK"]


def _postgres_only(db_ready: Backend) -> None:
    if db_ready.database_url.startswith("sqlite"):
        pytest.skip("asyncpg's pool is PostgreSQL's")


async def test_a_statement_sends_no_reset_query_and_a_failed_one_the_full_reset(db_ready: Backend) -> None:
    _postgres_only(db_ready)
    for fails in (False, True):
        sent: list[str] = []

        def log(record: asyncpg.connection.LoggedQuery, sent: list[str] = sent) -> None:
            sent.append(record.query)

        with contextlib.suppress(asyncpg.DivisionByZeroError):
            async with connections.get("default").acquire_connection() as connection:
                raw, reset_query = connection._con, connection.get_reset_query()
                raw.add_query_logger(log)
                await connection.execute("SELECT 1 / 0" if fails else "SELECT 1")
        raw.remove_query_logger(log)
        assert (reset_query in sent) is fails, sent


async def test_a_failed_transaction_is_rolled_back_then_reset_in_full(db_ready: Backend) -> None:
    _postgres_only(db_ready)
    sent: list[str] = []

    def log(record: asyncpg.connection.LoggedQuery) -> None:
        sent.append(record.query)

    with contextlib.suppress(ZeroDivisionError):
        async with in_transaction() as transaction:
            raw = transaction._connection._con
            reset_query = raw.get_reset_query()
            raw.add_query_logger(log)
            raise ZeroDivisionError
    raw.remove_query_logger(log)
    assert [query.rstrip(";") for query in sent] == ["ROLLBACK", reset_query.rstrip(";")], sent
