"""Reads of an account's auto-imports and their sync state, scoped by construction.

`AutoImportRepository(account_id)`: each method is the readable statement of one model, already
filtered to the account (see `app.contacts.repository`). The sync engine (`app/sync/`) works on
one import it has leased and is the other place allowed to query these tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from pypika_tortoise import functions
from pypika_tortoise.queries import Table
from pypika_tortoise.terms import Parameter
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from app.autoimports.models import AutoImport, AutoImportList, DeferredContact, SkippedRecord, SyncRun
from app.contacts.models import ContactList
from app.db_values import flag, json_values, moment, required_moment

# The columns the API's list of imports, their status and troubleshooting read: not the source
# position (`cursor`, a JSON document), `state_version` or `updated_at`.
SHOWN_COLUMNS = (
    "id", "account_id", "connection_id", "external_account_id", "service_id", "name", "criteria", "tags", "paused",
    "disabled_reason", "skip_samples", "has_backlog", "backlog_estimate", "next_sync_at", "last_sync_at",
    "syncing_since", "failure_streak", "last_error", "rate_limited_until", "totals", "created_at",
)


@dataclass(slots=True)
class ShownImport:
    """An import as the API lists it: the `SHOWN_COLUMNS` of its row, each decoded once, in a
    plain object (a Tortoise model per row cost more than the statement). Read-only: it cannot be
    saved; `AutoImport` where an import is changed."""

    id: int
    account_id: int
    connection_id: int
    external_account_id: int
    service_id: str
    name: str
    criteria: dict[str, Any]
    tags: list[str]
    paused: bool
    disabled_reason: str | None
    skip_samples: list[dict[str, Any]]
    has_backlog: bool
    backlog_estimate: int | None
    next_sync_at: datetime | None
    last_sync_at: datetime | None
    syncing_since: datetime | None
    failure_streak: int
    last_error: str | None
    rate_limited_until: datetime | None
    totals: dict[str, int]
    created_at: datetime

    @classmethod
    def from_rows(cls, rows: Sequence[Any]) -> list[ShownImport]:
        """From rows of `SHOWN_COLUMNS` in that order, as the database driver answers them; each
        JSON column decoded for all rows at once (`json_values`)."""
        criteria, tags, skip_samples, totals = (json_values([row[position] for row in rows])
                                                for position in _JSON_POSITIONS)
        return [cls._from_row(*parts) for parts in zip(rows, criteria, tags, skip_samples, totals, strict=True)]

    @classmethod
    def _from_row(cls, row: Any, criteria: dict[str, Any], tags: list[str], skip_samples: list[dict[str, Any]],
                  totals: dict[str, int]) -> ShownImport:
        (id_, account_id, connection_id, external_account_id, service_id, name, _, _, paused, disabled_reason, _,
         has_backlog, backlog_estimate, next_sync_at, last_sync_at, syncing_since, failure_streak, last_error,
         rate_limited_until, _, created_at) = row
        return cls(id_, account_id, connection_id, external_account_id, service_id, name, criteria, tags,
                   flag(paused), disabled_reason, skip_samples, flag(has_backlog), backlog_estimate,
                   moment(next_sync_at), moment(last_sync_at), moment(syncing_since), failure_streak, last_error,
                   moment(rate_limited_until), totals, required_moment(created_at))


_JSON_POSITIONS = tuple(SHOWN_COLUMNS.index(name) for name in ("criteria", "tags", "skip_samples", "totals"))


# What status and troubleshooting read of an import: a model or a listed row, the same attributes.
ImportState = AutoImport | ShownImport


@lru_cache(maxsize=8)
def _shown_sql(dialect: str, by_service: bool) -> str:
    """`SHOWN_COLUMNS` of the account's imports (parameter 1), of one service (parameter 2) when
    `by_service`, by id, in the dialect of the connection."""
    query_class: Any = AutoImport._meta.db.query_class
    table = Table(AutoImport._meta.db_table)
    condition = table.account_id == Parameter(idx=1)
    if by_service:
        condition &= table.service_id == Parameter(idx=2)
    return str(query_class.from_(table).select(*SHOWN_COLUMNS).where(condition).orderby(table.id).get_sql())


@lru_cache(maxsize=64)
def _lists_sql(dialect: str, count: int) -> str:
    """(import id, list id, list name) of `count` imports of the account (parameter 1, the ids the
    next ones), by list id: the statement `list_links()` filtered on the ids sends (its joins)."""
    query_class: Any = AutoImportList._meta.db.query_class
    link, lists = Table(AutoImportList._meta.db_table), Table(ContactList._meta.db_table)
    imports = Table(AutoImport._meta.db_table)
    ids = [Parameter(idx=position) for position in range(2, count + 2)]
    query = (query_class.from_(link).left_join(lists).on(lists.id == link.list_id)
             .left_join(imports).on(imports.id == link.auto_import_id)
             .select(link.auto_import_id, link.list_id, lists.name)
             .where((imports.account_id == Parameter(idx=1)) & link.auto_import_id.isin(ids))
             .orderby(link.list_id))
    return str(query.get_sql())


@lru_cache(maxsize=128)
def _counts_by_import_sql(dialect: str, model: type[SkippedRecord] | type[DeferredContact], count: int,
                          by_reason: bool) -> str:
    """(import id[, reason], rows) of `model`'s rows of `count` imports of the account (parameter
    1, the ids the next ones), grouped by import (and reason): the statement `skipped()` or
    `deferred()` filtered on the ids, annotated with `Count("id")` and grouped, sends."""
    query_class: Any = model._meta.db.query_class
    rows, imports = Table(model._meta.db_table), Table(AutoImport._meta.db_table)
    keys = (rows.auto_import_id, rows.reason) if by_reason else (rows.auto_import_id,)
    ids = [Parameter(idx=position) for position in range(2, count + 2)]
    query = (query_class.from_(rows).left_join(imports).on(imports.id == rows.auto_import_id)
             .select(*keys, functions.Count(rows.id))
             .where((imports.account_id == Parameter(idx=1)) & rows.auto_import_id.isin(ids))
             .groupby(*keys))
    return str(query.get_sql())


@lru_cache(maxsize=8)
def _import_counts_sql(dialect: str) -> str:
    """(account id, service id, external account id, imports) of the account's imports (parameter
    1): what `imports()` annotated with `Count("id")` and grouped by those three sends."""
    query_class: Any = AutoImport._meta.db.query_class
    imports = Table(AutoImport._meta.db_table)
    keys = (imports.account_id, imports.service_id, imports.external_account_id)
    return str(query_class.from_(imports).select(*keys, functions.Count(imports.id))
               .where(imports.account_id == Parameter(idx=1)).groupby(*keys).get_sql())


class AutoImportRepository:
    def __init__(self, account_id: int) -> None:
        self.account_id = account_id

    def imports(self) -> QuerySet[AutoImport]:
        return AutoImport.filter(account_id=self.account_id)

    def list_links(self) -> QuerySet[AutoImportList]:
        return AutoImportList.filter(auto_import__account_id=self.account_id)

    def runs(self) -> QuerySet[SyncRun]:
        return SyncRun.filter(auto_import__account_id=self.account_id)

    def skipped(self) -> QuerySet[SkippedRecord]:
        return SkippedRecord.filter(auto_import__account_id=self.account_id)

    def deferred(self) -> QuerySet[DeferredContact]:
        return DeferredContact.filter(auto_import__account_id=self.account_id)

    async def shown_imports(self, service_id: str | None = None) -> list[ShownImport]:
        """The account's imports (of one service, when given), oldest first, as plain rows: the
        statement `imports().order_by("id").values_list(*SHOWN_COLUMNS)` would send, built once
        with the connection's public pypika-tortoise query class and decoded by `ShownImport`."""
        db = AutoImport._meta.db
        sql = _shown_sql(db.capabilities.dialect, bool(service_id))
        _, rows = await db.execute_query(sql, [self.account_id, service_id] if service_id else [self.account_id])
        return ShownImport.from_rows(rows)

    async def lists_of(self, auto_import_ids: list[int]) -> list[tuple[int, int, str]]:
        """(import id, list id, list name) of these imports' lists, by list id: what `list_links()`
        filtered on the ids answers, from a statement built once per number of ids (Tortoise
        built its filters per request, most of the read)."""
        if not auto_import_ids:
            return []
        db = AutoImportList._meta.db
        _, rows = await db.execute_query(_lists_sql(db.capabilities.dialect, len(auto_import_ids)),
                                         [self.account_id, *auto_import_ids])
        return [(row[0], row[1], row[2]) for row in rows]

    async def skipped_counts(self, auto_import_ids: list[int]) -> list[tuple[int, str, int]]:
        """(import id, reason, records) of these imports' skipped records: what `skipped()`
        filtered on the ids and counted per import and reason answers (the reason as text), from
        a statement built once per number of ids (Tortoise built it per request)."""
        rows = await self._counts_by_import(SkippedRecord, auto_import_ids, by_reason=True)
        return [(row[0], row[1], row[2]) for row in rows]

    async def deferred_counts(self, auto_import_ids: list[int]) -> dict[int, int]:
        """Contacts waiting for room per import among these that has any: what `deferred()`
        filtered on the ids and counted per import answers, from a statement built once per number
        of ids."""
        return {row[0]: row[1] for row in await self._counts_by_import(DeferredContact, auto_import_ids)}

    async def import_counts(self) -> list[tuple[int, str, int, int]]:
        """(account id, service id, external account id, imports) of the account's imports, from a
        statement built once."""
        db = AutoImport._meta.db
        _, rows = await db.execute_query(_import_counts_sql(db.capabilities.dialect), [self.account_id])
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def _counts_by_import(self, model: type[SkippedRecord] | type[DeferredContact], auto_import_ids: list[int],
                                by_reason: bool = False) -> list[Any]:
        if not auto_import_ids:
            return []
        db = model._meta.db
        sql = _counts_by_import_sql(db.capabilities.dialect, model, len(auto_import_ids), by_reason)
        _, rows = await db.execute_query(sql, [self.account_id, *auto_import_ids])
        return list(rows)


async def due_and_overdue_counts(now: datetime, overdue_after: timedelta) -> tuple[int, int]:
    """Across every account, for an operator's `/metrics`: how many active imports are due, and how
    many have been due for longer than `overdue_after`. Two counts in one aggregate query; no
    tenant's rows leave this function."""
    row = await (AutoImport.filter(paused=False, disabled_reason__isnull=True, next_sync_at__lte=now)
                 .annotate(due=Count("id"), overdue=Count("id", _filter=Q(next_sync_at__lt=now - overdue_after)))
                 .first().values("due", "overdue"))
    return int((row or {}).get("due") or 0), int((row or {}).get("overdue") or 0)
