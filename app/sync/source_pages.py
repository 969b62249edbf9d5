"""What the engine takes from a connector's page: at most what it asked for."""

from __future__ import annotations

import logging

from app.connectors.base import Page
from app.errors import SourceRejected

log = logging.getLogger(__name__)


def refuse_more_than_asked(page: Page, limit: int) -> None:
    """A connector returns at most `limit` records (its contract). A page over it is refused whole:
    cut to the budget it would move the cursor past the records cut off, which no later sync would
    read again; applied whole it would break the budget and the page size that bounds each statement."""
    if len(page.records) > limit:
        log.error("The connector returned %s records where at most %s were asked; the page was refused",
                  len(page.records), limit)
        raise SourceRejected(
            f"The source sent {len(page.records):,} records where at most {limit:,} were asked. None of them was "
            "imported, so that none is skipped: this is a fault of the connector, and the team has the details "
            "in the logs.")
