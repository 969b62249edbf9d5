"""Previewing an auto-import before creating it: one page from the start of the source, each
record classified exactly as a sync would (the engine's own `decide_page`), nothing written.

What a preview does not do:
- It writes nothing: no contact, no skip, no fingerprint, no cursor, no run, and no status on
  the connection (credentials the service refuses are reported, the connection is not marked).
- It knows no fingerprints (a fresh import has none), so the source answers from its start.

The one write it may cause: an OAuth connector that refreshes an expired access token during the
fetch stores the new token set on the connection at once (`save_connection_settings`), as a sync
does. Services such as HubSpot rotate the refresh token on use and invalidate the old one: a
preview that dropped the new one would leave the connection unable to sync, so keeping it is the
lesser evil and the only exception to "writes nothing".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from app.accounts.models import Account
from app.autoimports.service import clean_criteria
from app.connections.models import Connection, ConnectionStatus
from app.connections.service import decrypt_connection_settings, get_connection, save_connection_settings
from app.connectors.base import Connector, FetchRequest, Page, SourceContext, SourceRecord
from app.connectors.registry import get_connector
from app.errors import (
    Invalid,
    NeedsReauth,
    RateLimited,
    SourceError,
    SourceFailed,
    SourceNeedsReauth,
    SourceRateLimitedNow,
)
from app.security import SettingsCipher
from app.sync.decide import RecordVerdict, decide_page

PREVIEW_PAGE_SIZE = 50


class PreviewVerdict(str, Enum):
    WOULD_ADD = "WOULD_ADD"
    WOULD_UPDATE = "WOULD_UPDATE"
    KEPT_UNSUBSCRIBED = "KEPT_UNSUBSCRIBED"
    NOT_ADDED_CONTACT_LIMIT = "NOT_ADDED_CONTACT_LIMIT"
    MISSING_EMAIL = "MISSING_EMAIL"
    INVALID_EMAIL = "INVALID_EMAIL"
    MALFORMED = "MALFORMED"


VERDICTS = {
    RecordVerdict.ADD: PreviewVerdict.WOULD_ADD,
    RecordVerdict.UPDATE: PreviewVerdict.WOULD_UPDATE,
    RecordVerdict.KEPT_UNSUBSCRIBED: PreviewVerdict.KEPT_UNSUBSCRIBED,
    RecordVerdict.NOT_ADDED_CONTACT_LIMIT: PreviewVerdict.NOT_ADDED_CONTACT_LIMIT,
    RecordVerdict.MISSING_EMAIL: PreviewVerdict.MISSING_EMAIL,
    RecordVerdict.INVALID_EMAIL: PreviewVerdict.INVALID_EMAIL,
}


@dataclass(frozen=True)
class PreviewedRecord:
    external_id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    verdict: PreviewVerdict
    reason: str | None


@dataclass(frozen=True)
class Preview:
    records: list[PreviewedRecord]
    matched_estimate: int | None


class NoFingerprints:
    """The fingerprint lookup of an import that does not exist yet: it has imported nothing."""

    async def unchanged_ids(self, records: Sequence[SourceRecord]) -> set[str]:
        return set()

    async def known_ids(self, external_ids: Sequence[str]) -> set[str]:
        return set()


async def preview_auto_import(
    account: Account,
    service_id: str,
    connection_id: int,
    criteria: Any,
    cipher: SettingsCipher,
    source: SourceContext,
    page_size: int = PREVIEW_PAGE_SIZE,
) -> Preview:
    """What an import with these criteria would do with the first page of the source.

    Validates like `create_auto_import` (`NotFound` for an unknown service or a connection that
    is not the account's, `Invalid` for a connection to another service or wrong criteria). A
    failure of the source is a `SourceFailed` (`SourceRateLimitedNow`, `SourceNeedsReauth`) with
    a message for the user, never an unexpected error.
    """
    connector = get_connector(service_id)
    connection = await get_connection(account.id, connection_id)
    if connection.service_id != service_id:
        raise Invalid(f"That connection is to {connection.service_id}, not {service_id}.", ["connectionId"])
    criteria = clean_criteria(service_id, criteria)
    if connection.status is ConnectionStatus.NEEDS_REAUTH:
        raise SourceNeedsReauth("The connection needs to be re-authorised before it can be read.", ["connectionId"])
    page = await _first_page(connector, connection, criteria, cipher, source, page_size)
    decision = await decide_page(account.id, account.contact_limit, page.records)
    records = [_previewed(c.record, VERDICTS[c.verdict], c.reason) for c in decision.classified()]
    records += [PreviewedRecord(item.external_id, None, None, None, PreviewVerdict.MALFORMED, item.reason)
                for item in page.malformed]
    return Preview(records=records, matched_estimate=_matched_estimate(page))


async def _first_page(connector: Connector, connection: Connection, criteria: dict[str, Any],
                      cipher: SettingsCipher, source: SourceContext, page_size: int) -> Page:
    async def keep_refreshed_tokens(settings: dict[str, Any]) -> None:
        await save_connection_settings(connection, cipher, settings)

    request = FetchRequest(settings=decrypt_connection_settings(connection, cipher), criteria=criteria, cursor={},
                           limit=page_size, fingerprints=NoFingerprints(), context=source,
                           save_settings=keep_refreshed_tokens)
    name = connector.description.name
    try:
        page = await connector.fetch_page(request)
    except RateLimited as exc:
        raise SourceRateLimitedNow(f"{name} asked us to wait about {max(1, round(exc.retry_after))} s before "
                                   f"reading again ({exc}). Try the preview again then.", ["connectionId"]) from exc
    except NeedsReauth as exc:
        raise SourceNeedsReauth(f"{name} refused the connection's credentials ({exc}). Reconnect the account, "
                                "then preview again.", ["connectionId"]) from exc
    except SourceError as exc:
        raise SourceFailed(f"{name} could not be read: {exc}", ["connectionId"]) from exc
    page.records = page.records[:page_size]
    return page


def _previewed(record: SourceRecord, verdict: PreviewVerdict, reason: str | None) -> PreviewedRecord:
    return PreviewedRecord(record.external_id, record.email, record.first_name, record.last_name, verdict, reason)


def _matched_estimate(page: Page) -> int | None:
    """How many records match the criteria: the page plus what the source says is left, when it says."""
    if not page.has_more:
        return len(page.records)
    if page.backlog_estimate is None:
        return None
    return len(page.records) + page.backlog_estimate
