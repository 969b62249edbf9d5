"""Where a Google Contacts listing stands: the cursor saved with each page (see
`app.connectors.google_contacts` for what it guarantees)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.errors import CursorExpired

PERSON_FIELDS = ("names,emailAddresses,phoneNumbers,memberships,birthdays,organizations,userDefined,"
                 "metadata,addresses,biographies")
API_PAGE_MAX = 1000
# One page size for every call of a listing and of the incremental listings that descend from it:
# Google's default, and a divisor of the default sync budget, so an unfiltered sync of 500 ends on
# a page boundary.
PAGE_SIZE = 100

Taken = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class ListingCursor:
    """Where a listing stands: see the module docstring. `listed` counts the people of the
    current listing read before the current page, for the backlog estimate."""

    sync_token: str | None = None
    page_token: str | None = None
    listed: int = 0
    page_size: int = PAGE_SIZE
    taken: Taken = frozenset()

    @classmethod
    def load(cls, cursor: Mapping[str, Any]) -> ListingCursor:
        sync_token, page_token, listed = (cursor.get(k) for k in ("sync_token", "page_token", "listed"))
        if not all(token is None or (isinstance(token, str) and token) for token in (sync_token, page_token)):
            raise CursorExpired("The saved Google Contacts position is unreadable; starting over.")
        if not cursor:
            return cls()
        page_size, taken = cursor.get("page_size"), _load_taken(cursor.get("taken", []))
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= API_PAGE_MAX \
                or taken is None:
            raise CursorExpired("The saved Google Contacts position was written by an earlier version (its page "
                                "sizes varied within a listing); starting over.")
        return cls(sync_token, page_token, listed if isinstance(listed, int) and listed >= 0 else 0, page_size, taken)

    def params(self) -> dict[str, str]:
        params = {"personFields": PERSON_FIELDS, "pageSize": str(self.page_size), "requestSyncToken": "true"}
        if self.sync_token:
            params["syncToken"] = self.sync_token
        if self.page_token:
            params["pageToken"] = self.page_token
        return params

    def unread(self, people: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """The people of the current page not consumed yet."""
        return [p for p in people if _identity(p) not in self.taken]

    def partway(self, consumed: Sequence[Mapping[str, Any]]) -> ListingCursor:
        """The position inside the current page, after `consumed` more of its people."""
        more = {_identity(p) for p in consumed if p.get("resourceName")}
        return ListingCursor(self.sync_token, self.page_token, self.listed, self.page_size, self.taken | more)

    def after(self, body: Mapping[str, Any], people: int) -> ListingCursor:
        """The position after a fully read API page of `people` people."""
        next_page = body.get("nextPageToken")
        if isinstance(next_page, str) and next_page:
            return ListingCursor(self.sync_token, next_page, self.listed + people, self.page_size)
        next_sync = body.get("nextSyncToken")
        if isinstance(next_sync, str) and next_sync:
            # The incremental listings on this token repeat this listing's parameters, page size included.
            return ListingCursor(next_sync, None, 0, self.page_size)
        # Without a sync token (never seen, but not promised) the next sync lists everything
        # again: fingerprints make the repeat cost no writes.
        return ListingCursor()

    @property
    def in_listing(self) -> bool:
        return self.page_token is not None or bool(self.taken)

    def to_json(self) -> dict[str, Any]:
        if not self.in_listing:
            return {"sync_token": self.sync_token, "page_size": self.page_size} if self.sync_token else {}
        return {"page_token": self.page_token, "sync_token": self.sync_token, "listed": self.listed,
                "page_size": self.page_size, "taken": sorted([list(pair) for pair in self.taken])}


def _identity(person: Mapping[str, Any]) -> tuple[str, str]:
    return str(person.get("resourceName") or ""), str(person.get("etag") or "")


def _load_taken(value: object) -> Taken | None:
    if not isinstance(value, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
            for pair in value):
        return None
    return frozenset((name, etag) for name, etag in value)
