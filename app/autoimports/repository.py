"""Reads of an account's auto-imports and their sync state, scoped by construction.

`AutoImportRepository(account_id)`: each method is the readable statement of one model, already
filtered to the account (see `app.contacts.repository`). The sync engine (`app/sync/`) works on
one import it has leased and is the other place allowed to query these tables.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from app.autoimports.models import AutoImport, AutoImportList, DeferredContact, SkippedRecord, SyncRun


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


async def due_and_overdue_counts(now: datetime, overdue_after: timedelta) -> tuple[int, int]:
    """Across every account, for an operator's `/metrics`: how many active imports are due, and how
    many have been due for longer than `overdue_after`. Two counts in one aggregate query; no
    tenant's rows leave this function."""
    row = await (AutoImport.filter(paused=False, disabled_reason__isnull=True, next_sync_at__lte=now)
                 .annotate(due=Count("id"), overdue=Count("id", _filter=Q(next_sync_at__lt=now - overdue_after)))
                 .first().values("due", "overdue"))
    return int((row or {}).get("due") or 0), int((row or {}).get("overdue") or 0)
