"""Records a sync skips: kept per import while the source still has them, sampled for troubleshooting."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from app.autoimports.models import SkippedRecord, SkipReason
from app.connectors.base import Page
from app.sync.apply import SAMPLES_KEPT, PageResult, upsert_skips


async def record_malformed(auto_import_id: int, page: Page, result: PageResult, now: datetime) -> None:
    """Keeps a row for each record the source sent in a shape it could not read."""
    result.counts.skipped_malformed += page.malformed_count
    if not page.malformed:
        return
    await upsert_skips(auto_import_id, [(item.external_id, None, SkipReason.MALFORMED_RECORD.value)
                                        for item in page.malformed], now)
    # `reason` says what is wrong with the row; `code` is what troubleshooting groups samples by
    result.skipped_samples += [
        {"externalId": item.external_id, "email": None, "reason": item.reason,
         "code": SkipReason.MALFORMED_RECORD.value}
        for item in page.malformed[-SAMPLES_KEPT:]
    ]


async def forget_skips_gone_from_source(auto_import_id: int, page: Page) -> set[str]:
    """Skipped records the source no longer has (deleted, or fixed under a new id), when the page
    says which records the source has."""
    if page.present_ids is None:
        return set()
    skipped = await SkippedRecord.filter(auto_import_id=auto_import_id).values_list("external_id", flat=True)
    gone = set(cast("list[str]", skipped)) - page.present_ids
    if gone:
        await SkippedRecord.filter(auto_import_id=auto_import_id, external_id__in=list(gone)).delete()
    return gone


def latest_samples(samples: list[dict[str, Any]], resolved: set[str], per_code: int = 5) -> list[dict[str, Any]]:
    """The newest few samples of each skip reason, leaving out records no longer skipped."""
    kept: dict[str, list[dict[str, Any]]] = {}
    for sample in samples:
        if sample.get("externalId") not in resolved:
            kept.setdefault(str(sample.get("code") or sample.get("reason")), []).append(sample)
    return [sample for group in kept.values() for sample in group[-per_code:]]
