"""An in-process connector serving prepared records, so a benchmark measures only our code.

Registered at run time, in the benchmark's own process, under a service id no user can pick
(`bench_prepared`). It pages by offset; after the last page its cursor goes back to the start,
so every later sync reads the whole source again, as the CSV feed does: records already applied
unchanged are then the engine's to skip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.connectors.base import (
    AuthKind,
    ConnectedAccount,
    FetchRequest,
    FieldSpec,
    Page,
    ServiceDescription,
    SourceContext,
    SourceRecord,
)
from app.connectors.registry import CONNECTORS

SERVICE_ID = "bench_prepared"
DESCRIPTION = ServiceDescription(
    id=SERVICE_ID,
    name="Bench Source",
    auth=AuthKind.NONE,
    fields=(FieldSpec("email", "Email", True), FieldSpec("first_name", "First name", True),
            FieldSpec("last_name", "Last name", True), FieldSpec("phone", "Phone", True)),
)


@dataclass
class PreparedFeed:
    """`size` records; `record_at(i)` gives the i-th (a prepared list's item, or one made on demand)."""

    size: int
    record_at: Callable[[int], SourceRecord]

    @classmethod
    def of(cls, records: list[SourceRecord]) -> PreparedFeed:
        return cls(len(records), records.__getitem__)


class PreparedSource:
    """The connector. `feeds` maps a connection's `feed` setting to what it serves."""

    description = DESCRIPTION

    def __init__(self) -> None:
        self.feeds: dict[str, PreparedFeed] = {}

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return {}

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        return ConnectedAccount(external_account=str(settings["feed"]), settings=settings)

    async def fetch_page(self, request: FetchRequest) -> Page:
        feed = self.feeds[request.settings["feed"]]
        start = int(request.cursor.get("offset", 0))
        end = min(start + max(request.limit, 0), feed.size)
        records = [feed.record_at(i) for i in range(start, end)]
        has_more = end < feed.size
        return Page(records=records, cursor={"offset": end if has_more else 0}, has_more=has_more,
                    backlog_estimate=feed.size - end)


def register() -> PreparedSource:
    """Registers a fresh source in the connector registry of this process and returns it."""
    source = PreparedSource()
    CONNECTORS[SERVICE_ID] = source  # type: ignore[assignment]
    return source


def contact_record(n: int, prefix: str = "person", version: int = 0) -> SourceRecord:
    """The n-th contact; a higher `version` changes its last name (a source-side edit)."""
    suffix = f" v{version}" if version else ""
    return SourceRecord(external_id=f"{prefix}-{n}", email=f"{prefix}{n}@example.com", first_name=f"First{n}",
                        last_name=f"Last{n}{suffix}", phone=f"+1555{n:07d}")
