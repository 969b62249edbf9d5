"""Deciding what a page of source records does to an account's contacts, before anything is written.

The one classification both the sync engine (`apply.py` writes what it decides) and the import
preview (which only shows it) use, so a preview says exactly what a sync would do. It reads the
account's contacts (the stored ones the page names, and how many there are) and writes nothing.

The rules, in order: a record without an email, or with an invalid one, is skipped; an email
already stored on a contact matches that contact (case-insensitively, without validating it
again: it was valid when stored) and updates it, keeping an unsubscribed or bounced status; a
new email takes room under the contact limit in page order, and once the room is used up the
rest are deferred until the limit is raised. Within a page a later record with the same email
wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from app.autoimports.models import SkipReason
from app.connectors.base import SourceRecord
from app.contacts.models import Contact, ContactStatus
from app.sync.bulk_sql import select_in
from app.sync.emails import check_email, email_key


class StoredContact(NamedTuple):
    """The columns of a stored contact a page needs: a tuple, not a model (no per-row ORM cost)."""

    id: int
    email: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    status: ContactStatus


@dataclass
class AcceptedRecord:
    """A record with a usable email: `email` as it is stored, `key` the contact's match key."""

    record: SourceRecord
    email: str
    key: str


class RecordVerdict(str, Enum):
    """What applying a record does."""

    ADD = "ADD"
    UPDATE = "UPDATE"
    KEPT_UNSUBSCRIBED = "KEPT_UNSUBSCRIBED"
    NOT_ADDED_CONTACT_LIMIT = "NOT_ADDED_CONTACT_LIMIT"
    MISSING_EMAIL = "MISSING_EMAIL"
    INVALID_EMAIL = "INVALID_EMAIL"


@dataclass(frozen=True)
class ClassifiedRecord:
    record: SourceRecord
    verdict: RecordVerdict
    reason: str | None


@dataclass
class PageDecision:
    """What a page does: which records are written (`accepted`, by key, new ones within the
    limit's room and existing ones), which are deferred by the limit, which are skipped."""

    records: list[SourceRecord]
    keys: list[str | None]  # each record's match key, None when skipped
    existing: dict[str, StoredContact]
    accepted: dict[str, AcceptedRecord]
    deferred: list[AcceptedRecord] = field(default_factory=list)
    skipped: list[tuple[SourceRecord, SkipReason]] = field(default_factory=list)
    contact_limit: int = 0

    @property
    def new_keys(self) -> list[str]:
        return [key for key in self.accepted if key not in self.existing]

    def classified(self) -> list[ClassifiedRecord]:
        """One verdict per record, in page order, with the reason a person would want to read."""
        deferred = {item.key for item in self.deferred}
        skips = {id(record): reason for record, reason in self.skipped}
        winners = {item.key: item.record for item in [*self.accepted.values(), *self.deferred]}
        return [self._classify(record, key, deferred, skips, winners)
                for record, key in zip(self.records, self.keys, strict=False)]

    def _classify(self, record: SourceRecord, key: str | None, deferred: set[str],
                  skips: dict[int, SkipReason], winners: dict[str, SourceRecord]) -> ClassifiedRecord:
        if key is None:
            if skips.get(id(record)) is SkipReason.MISSING_EMAIL:
                return ClassifiedRecord(record, RecordVerdict.MISSING_EMAIL, "The record has no email address.")
            return ClassifiedRecord(record, RecordVerdict.INVALID_EMAIL, "The email address is not valid.")
        verdict, reason = self._verdict_of_key(record, key, deferred)
        if winners.get(key) is not record:
            reason = "A later record of the page has the same email address and is applied instead."
        return ClassifiedRecord(record, verdict, reason)

    def _verdict_of_key(self, record: SourceRecord, key: str, deferred: set[str]) -> tuple[RecordVerdict, str | None]:
        if key in deferred:
            waiting = (f"The account is at its contact limit ({self.contact_limit}); the contact is kept and "
                       "added once the limit is raised.")
            return RecordVerdict.NOT_ADDED_CONTACT_LIMIT, waiting
        stored = self.existing.get(key)
        if stored is None:
            return RecordVerdict.ADD, "Added as unsubscribed, as the source says." if record.unsubscribed else None
        if stored.status is not ContactStatus.ACTIVE:
            return (RecordVerdict.KEPT_UNSUBSCRIBED,
                    f"The contact is {stored.status.value.lower()}: its fields are updated, its status stays.")
        return RecordVerdict.UPDATE, "Unsubscribed, as the source says." if record.unsubscribed else None


async def decide_page(account_id: int, contact_limit: int, records: Sequence[SourceRecord]) -> PageDecision:
    """Classifies a page for an account; reads the account's contacts, writes nothing."""
    existing = await existing_contacts(account_id, records)
    decision = _accept_emails(records, existing)
    decision.contact_limit = contact_limit
    new_keys = decision.new_keys
    allowed = await _allowed_new(account_id, contact_limit, new_keys)
    decision.deferred = [decision.accepted.pop(key) for key in new_keys if key not in allowed]
    return decision


async def existing_contacts(account_id: int, records: Sequence[SourceRecord]) -> dict[str, StoredContact]:
    """The stored contacts the records' emails match, by match key."""
    keys = {email_key(r.email) for r in records if r.email and r.email.strip()}
    if not keys:
        return {}
    found = await select_in(Contact, ("email_key", "id", "email", "first_name", "last_name", "phone", "status"),
                            {"account_id": account_id}, "email_key", list(keys))
    return {row[0]: StoredContact(row[1], row[2], row[3], row[4], row[5], ContactStatus(row[6])) for row in found}


def _accept_emails(records: Sequence[SourceRecord], existing: dict[str, StoredContact]) -> PageDecision:
    """Valid records by email key; a later record with the same email wins.

    An email already stored on a contact was validated when it was stored: it is not validated
    again (validation is the largest cost of a sync).
    """
    decision = PageDecision(records=list(records), keys=[], existing=existing, accepted={})
    for record in records:
        key = email_key(record.email) if record.email else ""
        if key and key in existing:
            decision.accepted[key] = AcceptedRecord(record, existing[key].email, key)
            decision.keys.append(key)
            continue
        checked = check_email(record.email)
        if checked.problem is None and checked.key and checked.email:
            decision.accepted[checked.key] = AcceptedRecord(record, checked.email, checked.key)
            decision.keys.append(checked.key)
        else:
            reason = SkipReason.MISSING_EMAIL if checked.problem == SkipReason.MISSING_EMAIL.value \
                else SkipReason.INVALID_EMAIL
            decision.skipped.append((record, reason))
            decision.keys.append(None)
    return decision


async def _allowed_new(account_id: int, contact_limit: int, new_keys: list[str]) -> set[str]:
    """The new contacts the account's limit still has room for, in source order."""
    if not new_keys:
        return set()
    count = await Contact.filter(account_id=account_id).count()
    room = max(0, contact_limit - count)
    return set(new_keys[:room])
