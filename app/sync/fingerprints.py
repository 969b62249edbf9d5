from __future__ import annotations

from collections.abc import Sequence

from app.autoimports.models import RecordFingerprint
from app.connectors.base import SourceRecord

_LOAD_ALL_ABOVE = 2000


class StoredFingerprints:
    """The engine's answer to a connector asking which records it already imported unchanged."""

    def __init__(self, auto_import_id: int) -> None:
        self.auto_import_id = auto_import_id

    async def unchanged_ids(self, records: Sequence[SourceRecord]) -> set[str]:
        query = RecordFingerprint.filter(auto_import_id=self.auto_import_id)
        if len(records) <= _LOAD_ALL_ABOVE:
            query = query.filter(external_id__in=[r.external_id for r in records])
        stored = dict(await query.values_list("external_id", "fingerprint"))
        return {r.external_id for r in records if stored.get(r.external_id) == r.fingerprint()}

    async def known_ids(self, external_ids: Sequence[str]) -> set[str]:
        if not external_ids:
            return set()
        known = await RecordFingerprint.filter(
            auto_import_id=self.auto_import_id, external_id__in=list(external_ids)
        ).values_list("external_id", flat=True)
        return set(known)
