from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from app.autoimports.models import RecordFingerprint
from app.connectors.base import SourceRecord
from app.sync.source_text import clean_record
from app.text import clean_text

_LOAD_ALL_ABOVE = 2000


class StoredFingerprints:
    """The engine's answer to a connector asking which records it already imported unchanged."""

    def __init__(self, auto_import_id: int) -> None:
        self.auto_import_id = auto_import_id

    async def unchanged_ids(self, records: Sequence[SourceRecord]) -> set[str]:
        """The ids (as given) of records stored with this content. Compared as the engine stores
        them, cleaned (`source_text`), so a record with a NUL is not re-applied on every sync."""
        cleaned = {record.external_id: clean_record(record) for record in records}
        query = RecordFingerprint.filter(auto_import_id=self.auto_import_id)
        if len(records) <= _LOAD_ALL_ABOVE:
            query = query.filter(external_id__in=[c.external_id for c in cleaned.values()])
        stored = dict(await query.values_list("external_id", "fingerprint"))
        return {given for given, c in cleaned.items() if stored.get(c.external_id) == c.fingerprint()}

    async def known_ids(self, external_ids: Sequence[str]) -> set[str]:
        if not external_ids:
            return set()
        cleaned = {given: clean_text(given) for given in external_ids}
        known = set(cast("list[str]", await RecordFingerprint.filter(
            auto_import_id=self.auto_import_id, external_id__in=list(set(cleaned.values()))
        ).values_list("external_id", flat=True)))
        return {given for given, c in cleaned.items() if c in known}
