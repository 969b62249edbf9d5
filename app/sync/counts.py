from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class SyncCounts:
    """How many records of a sync (or of all syncs) ended in each outcome."""

    fetched: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_missing_email: int = 0
    skipped_invalid_email: int = 0
    skipped_malformed: int = 0
    not_added_contact_limit: int = 0
    kept_unsubscribed: int = 0

    def __iadd__(self, other: SyncCounts) -> SyncCounts:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))
        return self

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SyncCounts:
        known = {item.name for item in fields(cls)}
        return cls(**{key: int(value) for key, value in (data or {}).items() if key in known})
