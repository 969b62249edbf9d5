"""An import's sync history, kept bounded by the engine after each sync."""

from __future__ import annotations

from app.autoimports.models import SyncOutcome, SyncRun

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
