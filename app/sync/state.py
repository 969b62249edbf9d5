from __future__ import annotations

from typing import Any, cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.autoimports.models import AutoImport, DeferredContact, RecordFingerprint, SkippedRecord


async def restart_retrieval(auto_import_id: int) -> tuple[dict[str, Any], int]:
    """Forgets an import's position so its next sync is a new first retrieval.

    Contacts it brought stay; its cursor, fingerprints, skipped and deferred records go, and its
    state version moves on so a sync already under way cannot commit over the new state.
    Returns the new (empty) cursor and state version.
    """
    async with in_transaction():
        await RecordFingerprint.filter(auto_import_id=auto_import_id).delete()
        await SkippedRecord.filter(auto_import_id=auto_import_id).delete()
        await DeferredContact.filter(auto_import_id=auto_import_id).delete()
        await AutoImport.filter(id=auto_import_id).update(
            cursor={}, state_version=F("state_version") + 1, has_backlog=False, backlog_estimate=None, skip_samples=[]
        )
        version = await AutoImport.filter(id=auto_import_id).first().values_list("state_version", flat=True)
    return {}, int(cast("int | None", version) or 0)
