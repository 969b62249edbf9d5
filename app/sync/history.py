"""An import's sync history: runs closed when their worker stopped, and kept bounded."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Subquery

from app.autoimports.models import AutoImport, SyncOutcome, SyncRun

INTERRUPTED = "Interrupted: the worker stopped during this sync. The next sync resumes from the last saved page."

RUNS_KEPT = 100
RATE_LIMITED_RUNS_KEPT = 10


async def prune_sync_history(auto_import_id: int) -> None:
    """Keeps the newest `RUNS_KEPT` runs of an import, and of them at most `RATE_LIMITED_RUNS_KEPT`
    rate-limited ones: history stays bounded, and a long rate-limit storm (a run every few
    seconds) cannot push the real syncs, with their counts and errors, out of it."""
    runs = SyncRun.filter(auto_import_id=auto_import_id)
    limited = await runs.filter(outcome=SyncOutcome.RATE_LIMITED).order_by("-id").offset(
        RATE_LIMITED_RUNS_KEPT).values_list("id", flat=True)
    if limited:
        await SyncRun.filter(id__in=list(limited)).delete()
    old = await runs.order_by("-id").offset(RUNS_KEPT).values_list("id", flat=True)
    if old:
        await SyncRun.filter(id__in=list(old)).delete()


async def fail_interrupted_runs(external_account_id: int, now: datetime) -> None:
    """Runs left RUNNING by a killed worker: the caller holds the lease now, so none is really running."""
    imports = AutoImport.filter(external_account_id=external_account_id)
    await SyncRun.filter(auto_import_id__in=Subquery(imports.values("id")), outcome=SyncOutcome.RUNNING).update(
        outcome=SyncOutcome.FAILED,
        finished_at=now,
        error=INTERRUPTED,
    )
    # only the marked ones: an UPDATE of unchanged rows still writes them (and flushes the log)
    await imports.filter(syncing_since__isnull=False).update(syncing_since=None)


async def mark_interrupted(sync_run_id: int, auto_import_id: int, now: datetime) -> bool:
    """The run's worker is stopping: the run says so at once, and the import is no longer syncing.
    False when the run had ended already (its end is kept)."""
    marked = await SyncRun.filter(id=sync_run_id, outcome=SyncOutcome.RUNNING).update(
        outcome=SyncOutcome.FAILED, finished_at=now, error=INTERRUPTED)
    await AutoImport.filter(id=auto_import_id).update(syncing_since=None)
    return marked == 1
