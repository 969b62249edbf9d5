"""The page's bulk statements, in the form each database runs fastest, on the current connection.

The engine writes and reads a page's rows (up to `AUTOIMPORT_SYNC_PAGE_SIZE` per table: 500 by
default, at most 10,000) in a handful of statements. The ORM builds them term by term (a `__in`
of 500 values is 500 query-builder objects) and `executemany` on PostgreSQL is one bound
statement per row; here the statements are built once per shape and:
- on PostgreSQL a page is one statement whatever its size: rows travel as one array per column
  (`unnest`), a value the same in every row once, keys as one array (`= ANY`); the foreign-key
  checks of a write of many rows are planned once, not once per row;
- on SQLite (in process, one statement per row costs little) an upsert is one `executemany`, or
  one statement of many rows when it returns what it wrote.
Both run inside the caller's transaction (`Model._meta.db` is the connection of the current one).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any

from tortoise.models import Model

Row = tuple[Any, ...]


async def upsert_rows(model: type[Model], columns: tuple[str, ...], rows: Sequence[Row], conflict: tuple[str, ...],
                      updates: tuple[str, ...], returning: tuple[str, ...] = (),
                      same: Mapping[str, Any] | None = None) -> list[Row]:
    """`bulk_create(on_conflict=conflict, update_fields=updates)` without a model per row.

    Rows hold database values already (enum values, aware datetimes) in `columns` order; `same`
    gives the columns whose value is the same in every row (the page's account, import, moment),
    sent once instead of once per row. Rows with the same `conflict` values count once, the last
    one winning (as row-by-row upserts would); with no `updates`, a row already stored is left as
    it is (`ON CONFLICT DO NOTHING`). Returns the `returning` columns of every row inserted or
    updated ([] when none asked).
    """
    same = same or {}
    rows = _last_per_key(columns, rows, conflict)
    if not rows:
        return []
    if _is_postgres(model._meta.db):
        return await _postgres_upsert_rows(model, columns, rows, conflict, updates, returning, same)
    rows = _adapted_datetimes(rows)
    if same:  # appended to each row, adapted once
        (values,) = _adapted_datetimes([tuple(same.values())])
        columns, rows = (*columns, *same), [(*row, *values) for row in rows]
    return await _sqlite_upsert_rows(model, columns, rows, conflict, updates, returning)


async def _postgres_upsert_rows(model: type[Model], columns: tuple[str, ...], rows: Sequence[Row],
                                conflict: tuple[str, ...], updates: tuple[str, ...], returning: tuple[str, ...],
                                same: Mapping[str, Any]) -> list[Row]:
    db = model._meta.db
    statement = _postgres_upsert(model, columns, tuple(same), conflict, updates, returning)
    values = [*(list(column) for column in zip(*rows, strict=True)), *same.values()]
    async with _key_checks_planned_once(db, row_count=len(rows)):
        if not returning:  # the client runs an INSERT without fetching what it returns
            await db.execute_query(statement, values)
            return []
        return _tuples(await db.execute_query_dict(statement, values), returning)


# From this many rows, planning each row's foreign-key checks costs more than the two statements
# that let PostgreSQL plan them once (0.3 ms in all, against about 7 us per row and key). Measured
# with the server on the same machine: where a round trip takes longer, the break-even is higher.
KEY_CHECKS_PLANNED_ONCE_FROM_ROWS = 64


@asynccontextmanager
async def _key_checks_planned_once(db: Any, row_count: int) -> AsyncIterator[None]:
    """While a statement of many rows runs, the transaction lets PostgreSQL reuse a generic plan.

    PostgreSQL checks each inserted row's foreign keys with a query of its own, through a prepared
    plan that follows `plan_cache_mode`; the app's connections force a custom plan (see `app.db`),
    so each check was planned anew for every row: half of a page's writes (500 rows into
    `contact_source` and their two keys: 14.1 ms, 6.7 ms planned once). Only the checks gain: the
    statement itself reads no table (it inserts from arrays, its conflicts found by their unique
    index), so a generic plan cannot make it slower. `SET LOCAL` is the transaction's own: the
    connection's setting comes back after the statement, or with the rollback of a failure."""
    if row_count < KEY_CHECKS_PLANNED_ONCE_FROM_ROWS:
        yield
        return
    await db.execute_script("SET LOCAL plan_cache_mode = auto")
    yield
    # not in a `finally`: after a failed statement the transaction is aborted, and its rollback (or
    # a savepoint's) undoes the SET LOCAL; a statement sent then would replace the real error
    await db.execute_script("SET LOCAL plan_cache_mode TO DEFAULT")


async def _sqlite_upsert_rows(model: type[Model], columns: tuple[str, ...], rows: Sequence[Row],
                              conflict: tuple[str, ...], updates: tuple[str, ...],
                              returning: tuple[str, ...]) -> list[Row]:
    db = model._meta.db
    shape = (model, columns, conflict, updates, returning)
    if not returning:
        await db.execute_many(_sqlite_upsert(*shape, 1), rows)  # type: ignore[arg-type]
        return []
    found: list[Row] = []
    per_statement = SQLITE_MAX_PARAMETERS // len(columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        statement = _sqlite_upsert(*shape, len(chunk))
        found += _tuples(await db.execute_query_dict(statement, [v for row in chunk for v in row]), returning)
    return found


async def select_in(model: type[Model], columns: tuple[str, ...], equal: Mapping[str, Any], in_column: str,
                    values: Sequence[Any]) -> list[Row]:
    """`SELECT columns FROM model WHERE <each of equal> AND in_column IN values`, as tuples."""
    if not values:
        return []
    db = model._meta.db
    if _is_postgres(db):
        _, found = await db.execute_query(_select_sql(model, columns, tuple(equal), in_column, 0, True),
                                          [*equal.values(), list(values)])
        return [tuple(row) for row in found]
    rows: list[Row] = []
    per_statement = SQLITE_MAX_PARAMETERS - len(equal)  # a longer IN list is refused: too many SQL variables
    for start in range(0, len(values), per_statement):
        chunk = values[start:start + per_statement]
        sql = _select_sql(model, columns, tuple(equal), in_column, len(chunk), False)
        _, found = await db.execute_query(sql, [*equal.values(), *chunk])
        rows += [tuple(row) for row in found]
    return rows


def _adapted_datetimes(rows: Sequence[Row]) -> Sequence[Row]:
    """Rows with their datetimes as the ORM stores them (in UTC, as the text of the adapter Tortoise
    registers with sqlite3, `isoformat(" ")`), made once per distinct value: a page's rows share a few moments,
    and the adapter called per value was an eighth of a page's time (1.4 us a call, 2,000 a page)."""
    adapt = sqlite3.adapters.get((datetime, sqlite3.PrepareProtocol))
    columns = [n for n, value in enumerate(rows[0]) if isinstance(value, datetime)]
    if adapt is None or not columns:
        return rows
    made: dict[int, Any] = {}  # by object: the rows keep each one alive, so no id is reused meanwhile
    adapted = []
    for row in rows:
        values = list(row)
        for n in columns:
            value = values[n]
            if isinstance(value, datetime):
                values[n] = made.get(id(value)) or made.setdefault(id(value), adapt(_as_orm_stores(value)))
        adapted.append(tuple(values))
    return adapted


def _as_orm_stores(value: datetime) -> datetime:
    """Tortoise (`use_tz`) stores an aware datetime in UTC."""
    return value.astimezone(timezone.utc) if value.tzinfo is not None else value


def _tuples(rows: Sequence[Mapping[str, Any]], columns: tuple[str, ...]) -> list[Row]:
    return [tuple(row[column] for column in columns) for row in rows]


SQLITE_MAX_PARAMETERS = 32_766  # SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32


def _last_per_key(columns: tuple[str, ...], rows: Sequence[Row], conflict: tuple[str, ...]) -> Sequence[Row]:
    """The conflict columns among `columns` tell rows apart (the others are the same in every row)."""
    positions = [columns.index(column) for column in conflict if column in columns]
    if not positions:
        return rows[-1:]
    key = itemgetter(*positions)  # a value, or a tuple of them
    unique = {key(row): row for row in rows}
    return rows if len(unique) == len(rows) else list(unique.values())


def _is_postgres(db: Any) -> bool:
    return bool(db.capabilities.dialect == "postgres")


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _on_conflict(conflict: tuple[str, ...], updates: tuple[str, ...], returning: tuple[str, ...]) -> str:
    sets = ", ".join(f'"{column}" = excluded."{column}"' for column in updates)
    action = f"DO UPDATE SET {sets}" if updates else "DO NOTHING"
    tail = f" RETURNING {_quoted(returning)}" if returning else ""
    return f"ON CONFLICT ({_quoted(conflict)}) {action}{tail}"


@lru_cache(maxsize=32)
def _postgres_upsert(model: type[Model], columns: tuple[str, ...], same: tuple[str, ...], conflict: tuple[str, ...],
                     updates: tuple[str, ...], returning: tuple[str, ...]) -> str:
    """Rows as one array per column of `columns` (`unnest`), then one value per column of `same`."""
    arrays = ", ".join(f"${n}::{_column_type(model, column)}[]" for n, column in enumerate(columns, start=1))
    values = "".join(f", ${n}::{_column_type(model, column)}" for n, column in enumerate(same, len(columns) + 1))
    return (f'INSERT INTO "{model._meta.db_table}" ({_quoted((*columns, *same))}) '
            f'SELECT page.*{values} FROM unnest({arrays}) AS page '
            + _on_conflict(conflict, updates, returning))


@lru_cache(maxsize=64)
def _sqlite_upsert(model: type[Model], columns: tuple[str, ...], conflict: tuple[str, ...],
                   updates: tuple[str, ...], returning: tuple[str, ...], row_count: int) -> str:
    """One row's statement for `executemany`, or `row_count` rows' with RETURNING."""
    row = f"({', '.join('?' * len(columns))})"
    return (f'INSERT INTO "{model._meta.db_table}" ({_quoted(columns)}) VALUES {", ".join([row] * row_count)} '
            + _on_conflict(conflict, updates, returning))


@lru_cache(maxsize=64)
def _select_sql(model: type[Model], columns: tuple[str, ...], equal: tuple[str, ...], in_column: str,
                count: int, postgres: bool) -> str:
    """`count` parameter markers (`?`) for the IN list on SQLite (one statement per page size, cached);
    one array parameter on PostgreSQL."""
    if postgres:
        conditions = [f'"{name}" = ${n}' for n, name in enumerate(equal, start=1)]
        conditions.append(f'"{in_column}" = ANY(${len(equal) + 1}::{_column_type(model, in_column)}[])')
    else:
        conditions = [f'"{name}" = ?' for name in equal]
        conditions.append(f'"{in_column}" IN ({", ".join("?" * count)})')
    return f'SELECT {_quoted(columns)} FROM "{model._meta.db_table}" WHERE {" AND ".join(conditions)}'


def _column_type(model: type[Model], column: str) -> str:
    """The PostgreSQL type of a column for a cast: varchar(n) as text, so that a value too long
    fails as it does in a plain INSERT instead of being cut by the cast."""
    field = model._meta.fields_map.get(column) or model._meta.fields_map[
        model._meta.fields_db_projection_reverse[column]]
    sql_type = field.get_for_dialect("postgres", "SQL_TYPE")
    if not sql_type:
        raise ValueError(f"no PostgreSQL type for {model.__name__}.{column}")
    return re.sub(r"^VARCHAR\(\d+\)$", "TEXT", str(sql_type))
