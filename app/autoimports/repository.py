"""Reads of an account's auto-imports and their sync state, scoped by construction.

`AutoImportRepository(account_id)`: each method is the readable statement of one model, already
filtered to the account (see `app.contacts.repository`). The sync engine (`app/sync/`) works on
one import it has leased and is the other place allowed to query these tables.
"""

from __future__ import annotations

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
