"""The floor: what the hardware allows on this stack for applying contacts.

email-validator on each email, then one `executemany` upsert per 500 rows straight through the
database driver (aiosqlite or asyncpg), one transaction per batch: no ORM, no fingerprints, no
lists or tags. Our engine does more (skips, limits, fingerprints, cursor); the ratio shows what
that costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.connectors.base import SourceRecord
from bench.support import Backend

BATCH = 500
COLUMNS = ("account_id", "email", "email_key", "first_name", "last_name", "phone", "status", "created_at",
           "updated_at")
UPDATED = ("first_name", "last_name", "phone", "updated_at")


def _upsert_sql(parameter_markers: Sequence[str]) -> str:
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in UPDATED)
    return (f'INSERT INTO "contact" ({columns}) VALUES ({", ".join(parameter_markers)}) '
            f'ON CONFLICT ("account_id", "email_key") DO UPDATE SET {updates}')


def valid_rows(account_id: int, records: Sequence[SourceRecord], now: Any) -> list[tuple[Any, ...]]:
    rows = []
    for record in records:
        try:
            email = validate_email((record.email or "").strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        rows.append((account_id, email, email.lower(), record.first_name, record.last_name, record.phone, "ACTIVE",
                     now, now))
    return rows


class Floor:
    """A raw driver connection to the benchmark's database. `async with Floor(backend) as floor`."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.conn: Any = None

    async def __aenter__(self) -> Floor:
        if self.backend.is_sqlite:
            import aiosqlite

            from app.db import SQLITE_SYNCHRONOUS

            self.conn = await aiosqlite.connect(self.backend.sqlite_path)
            await self.conn.execute("PRAGMA journal_mode=WAL")  # as the app opens it (app/db.py)
            await self.conn.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        else:
            import asyncpg

            self.conn = await asyncpg.connect(self.backend.asyncpg_dsn)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.conn.close()

    async def upsert(self, account_id: int, records: Sequence[SourceRecord]) -> None:
        """Validates and upserts `records` in batches of 500, one transaction each."""
        for start in range(0, len(records), BATCH):
            await self._batch(account_id, records[start:start + BATCH])

    async def _batch(self, account_id: int, records: Sequence[SourceRecord]) -> None:
        now = datetime.now(timezone.utc)
        if self.backend.is_sqlite:
            await self.conn.executemany(_upsert_sql(["?"] * len(COLUMNS)), valid_rows(account_id, records,
                                                                                       now.isoformat()))
            await self.conn.commit()
        else:
            sql = _upsert_sql([f"${i + 1}" for i in range(len(COLUMNS))])
            async with self.conn.transaction():
                await self.conn.executemany(sql, valid_rows(account_id, records, now))
