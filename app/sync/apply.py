"""Applying one page of source records to an account's contacts, in bulk.

Called inside the page's transaction. Idempotent: contacts are upserted by (account, email key),
tags, list memberships, fields and fingerprints by their unique keys, so applying a page twice
(at-least-once delivery) changes nothing the second time. Writes no contact event: imported
contacts fire no autoresponder, webhook or list notification.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from app.autoimports.models import DeferredContact, RecordFingerprint, SkippedRecord, SkipReason
from app.connectors.base import ServiceDescription, SourceRecord
from app.contacts.models import (
    Contact,
    ContactSource,
    ContactStatus,
    ContactTag,
    CustomField,
    FieldValue,
    ListMembership,
)
from app.sync.bulk_sql import select_in, upsert_rows
from app.sync.counts import SyncCounts
from app.sync.custom_fields import field_limit_samples, wanted_fields
from app.sync.decide import AcceptedRecord, PageDecision, StoredContact, decide_page

SAMPLES_KEPT = 5


@dataclass(frozen=True)
class ImportTarget:
    """Where and how an import writes: its account, service, lists and tags."""

    account_id: int
    contact_limit: int
    auto_import_id: int
    service: ServiceDescription
    list_ids: tuple[int, ...]
    tags: tuple[str, ...]
    max_custom_fields: int = 200  # per service per account (`AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE`)


@dataclass
class PageResult:
    counts: SyncCounts = field(default_factory=SyncCounts)
    skipped_samples: list[dict[str, str | None]] = field(default_factory=list)
    accepted_ids: set[str] = field(default_factory=set)  # records imported now, no longer skipped


def record_to_json(record: SourceRecord) -> dict[str, object]:
    return asdict(record)


def record_from_json(data: dict[str, object]) -> SourceRecord:
    return SourceRecord(**data)  # type: ignore[arg-type]


async def apply_records(
    target: ImportTarget, records: Sequence[SourceRecord], now: datetime, *, skip_unchanged: bool = True
) -> PageResult:
    """Applies records to the account; returns the counts of each outcome.

    Records whose fingerprint equals the stored one are counted unchanged and cost no write (and
    no email validation). What the others do is decided by `decide_page` (shared with the
    preview) and then written here. New contacts beyond the account's contact limit are kept as
    deferred, not dropped. Each contact written gets its provenance row (`ContactSource`).
    """
    result = PageResult()
    result.counts.fetched = len(records)
    fingerprinted = [(record, record.fingerprint()) for record in records]  # each hash computed once
    if skip_unchanged:
        fingerprinted = await _drop_unchanged(target, fingerprinted, result.counts)
    decision = await decide_page(target.account_id, target.contact_limit, [record for record, _ in fingerprinted])
    await _write_decision(target, decision, now, result)
    await _store_fingerprints(target, fingerprinted)
    return result


async def _write_decision(target: ImportTarget, decision: PageDecision, now: datetime, result: PageResult) -> None:
    accepted, existing = decision.accepted, decision.existing
    await _record_skips(target, decision, result, now)
    await _defer(target, decision.deferred, result.counts)
    contact_ids, changed = await _upsert_contacts(target, accepted, existing, now, result.counts)
    changed |= await _write_field_values(target, accepted, contact_ids, result)
    changed |= await _add_tags_and_lists(target, contact_ids)
    await _record_sources(target, accepted, contact_ids, now)
    await _forget_deferred(target, accepted)
    _count_updates(accepted, existing, changed, result.counts)


async def _drop_unchanged(
    target: ImportTarget, fingerprinted: list[tuple[SourceRecord, str]], counts: SyncCounts
) -> list[tuple[SourceRecord, str]]:
    stored: dict[str, str] = dict(await select_in(
        RecordFingerprint, ("external_id", "fingerprint"), {"auto_import_id": target.auto_import_id},
        "external_id", [r.external_id for r, _ in fingerprinted]))
    fresh = [(r, fp) for r, fp in fingerprinted if stored.get(r.external_id) != fp]
    counts.unchanged += len(fingerprinted) - len(fresh)
    return fresh


async def _record_skips(target: ImportTarget, decision: PageDecision, result: PageResult, now: datetime) -> None:
    """Keeps one row per currently skipped record; a record that became valid leaves the list."""
    accepted_ids = {item.record.external_id for item in [*decision.accepted.values(), *decision.deferred]}
    skipped = [(record.external_id, (record.email or None) and record.email[:500], reason.value)
               for record, reason in decision.skipped]  # SKIP_COLUMNS
    reasons = Counter(reason for *_, reason in skipped)
    result.counts.skipped_missing_email += reasons[SkipReason.MISSING_EMAIL.value]
    result.counts.skipped_invalid_email += reasons[SkipReason.INVALID_EMAIL.value]
    skips = SkippedRecord.filter(auto_import_id=target.auto_import_id)
    if await skips.exists():  # most imports have none: no 500-id DELETE per page then
        await skips.filter(external_id__in=list(accepted_ids)).delete()
    await upsert_skips(target.auto_import_id, skipped, now)
    result.accepted_ids = accepted_ids
    result.skipped_samples = [{"externalId": external_id, "email": email, "reason": reason, "code": reason}
                              for external_id, email, reason in skipped[-SAMPLES_KEPT:]]


SKIP_COLUMNS = ("external_id", "email", "reason")


async def upsert_skips(auto_import_id: int, rows: Sequence[tuple[str, str | None, str]], now: datetime) -> None:
    """One row per skipped record of the import (`SKIP_COLUMNS`, the reason as its value), seen `now`."""
    await upsert_rows(SkippedRecord, SKIP_COLUMNS, rows, conflict=("auto_import_id", "external_id"),
                      updates=("email", "reason", "seen_at"), same={"auto_import_id": auto_import_id, "seen_at": now})


async def _defer(target: ImportTarget, deferred: list[AcceptedRecord], counts: SyncCounts) -> None:
    counts.not_added_contact_limit += len(deferred)
    if deferred:
        await DeferredContact.bulk_create(
            [
                DeferredContact(auto_import_id=target.auto_import_id, email_key=d.key, record=record_to_json(d.record))
                for d in deferred
            ],
            on_conflict=["auto_import_id", "email_key"],
            update_fields=["record"],
        )


def _merged(value: str | None, stored: str | None) -> str | None:
    """An empty source value never erases a stored one."""
    value = value.strip() if value else None
    return value or stored


CONTACT_COLUMNS = ("email", "email_key", "first_name", "last_name", "phone", "status")


async def _upsert_contacts(
    target: ImportTarget,
    accepted: dict[str, AcceptedRecord],
    existing: dict[str, StoredContact],
    now: datetime,
    counts: SyncCounts,
) -> tuple[dict[str, int], set[str]]:
    rows, changed = [], set()
    for key, item in accepted.items():
        stored = existing.get(key)
        row = _contact_row(item, stored)
        if stored is None or row[2:] != (stored.first_name, stored.last_name, stored.phone, stored.status.value):
            rows.append(row)
            changed.add(key)
    # `status` is not among the updated columns: a concurrent unsubscribe is never undone. What
    # it returns gives the new contacts' ids, for provenance, field values, tags and lists.
    # `created_at` is written only by an insert: the upsert leaves a stored one alone.
    same = {"account_id": target.account_id, "created_at": now, "updated_at": now}
    written = await upsert_rows(Contact, CONTACT_COLUMNS, rows, conflict=("account_id", "email_key"),
                                updates=("first_name", "last_name", "phone", "updated_at"),
                                returning=("email_key", "id"), same=same)
    unsubscribed = [key for key, item in accepted.items() if item.record.unsubscribed]
    if unsubscribed:  # the source's unsubscribe is kept; never the reverse
        await Contact.filter(
            account_id=target.account_id, email_key__in=unsubscribed, status=ContactStatus.ACTIVE
        ).update(status=ContactStatus.UNSUBSCRIBED, updated_at=now)
    new_keys = [key for key in accepted if key not in existing]
    ids = {key: existing[key].id for key in accepted if key in existing}  # an upsert keeps a contact's id
    ids |= {key: contact_id for key, contact_id in written if key not in ids}
    counts.added += len(new_keys)
    return ids, changed & set(existing)


def _contact_row(item: AcceptedRecord, stored: StoredContact | None) -> tuple[Any, ...]:
    """A row of CONTACT_COLUMNS, with the values as the database takes them."""
    record = item.record
    status = stored.status if stored else ContactStatus.ACTIVE
    if record.unsubscribed and status is ContactStatus.ACTIVE:
        status = ContactStatus.UNSUBSCRIBED
    return (
        item.email,
        item.key,
        _merged(record.first_name, stored.first_name if stored else None),
        _merged(record.last_name, stored.last_name if stored else None),
        _merged(record.phone, stored.phone if stored else None),
        status.value,
    )


async def _ensure_custom_fields(target: ImportTarget, accepted: Iterable[AcceptedRecord],
                                result: PageResult) -> dict[str, int]:
    """The custom field id of each field key, creating each service field once per account, at
    most `target.max_custom_fields` per service: the keys beyond get no id (their values are not
    stored) and are reported in the result's samples."""
    labels = wanted_fields(target.service, (item.record for item in accepted))
    if not labels:
        return {}
    perstags = {key: target.service.perstag(key) for key in labels}
    existing = dict(await CustomField.filter(account_id=target.account_id, service_id=target.service.id)
                    .values_list("perstag", "id"))
    room = max(target.max_custom_fields - len(existing), 0)
    new = [key for key in labels if perstags[key] not in existing]
    created, refused = new[:room], new[room:]
    existing |= await _create_fields(target, {key: labels[key] for key in created}, perstags)
    result.skipped_samples += field_limit_samples(target.service, [labels[key] for key in refused],
                                                  target.max_custom_fields)
    return {key: existing[tag] for key, tag in perstags.items() if tag in existing}


async def _create_fields(target: ImportTarget, labels: dict[str, str], perstags: dict[str, str]) -> dict[str, int]:
    """Creates the fields of `labels` (keeping those a concurrent sync created first); their ids by
    personalization tag. Only these are looked up: a feed may have more columns than one statement
    may bind values, and the cap bounds how many are created."""
    if not labels:
        return {}
    await CustomField.bulk_create(
        [CustomField(account_id=target.account_id, service_id=target.service.id,
                     title=target.service.custom_field_title(label), perstag=perstags[key])
         for key, label in labels.items()],
        ignore_conflicts=True,
    )
    return dict(await CustomField.filter(account_id=target.account_id, perstag__in=[perstags[key] for key in labels])
                .values_list("perstag", "id"))


async def _write_field_values(
    target: ImportTarget, accepted: dict[str, AcceptedRecord], contact_ids: dict[str, int], result: PageResult
) -> set[str]:
    field_ids = await _ensure_custom_fields(target, accepted.values(), result)
    if not field_ids:
        return set()
    stored = {
        (contact_id, field_id): value
        for contact_id, field_id, value in await FieldValue.filter(
            contact_id__in=list(contact_ids.values()), field_id__in=list(field_ids.values())
        ).values_list("contact_id", "field_id", "value")
    }
    rows, changed = [], set()
    for key, item in accepted.items():
        for field_key_, value in item.record.fields.items():
            value = (value or "").strip()
            cell = (contact_ids[key], field_ids.get(field_key_))
            if value and cell[1] is not None and stored.get(cell) != value:
                rows.append((*cell, value))
                changed.add(key)
    await upsert_rows(FieldValue, ("contact_id", "field_id", "value"), rows, conflict=("contact_id", "field_id"),
                      updates=("value",))
    return changed


async def _add_tags_and_lists(target: ImportTarget, contact_ids: dict[str, int]) -> set[str]:
    ids = list(contact_ids.values())
    if not ids or not (target.tags or target.list_ids):
        return set()
    have_tags = set(await ContactTag.filter(contact_id__in=ids).values_list("contact_id", "name"))
    have_lists = set(await ListMembership.filter(contact_id__in=ids).values_list("contact_id", "list_id"))
    tags = [(c, t) for c in ids for t in target.tags if (c, t) not in have_tags]
    lists = [(c, li) for c in ids for li in target.list_ids if (c, li) not in have_lists]
    # one statement each (not a model and a statement per row); a row added meanwhile is kept as it is
    await upsert_rows(ContactTag, ("contact_id", "name"), tags, conflict=("contact_id", "name"), updates=())
    await upsert_rows(ListMembership, ("contact_id", "list_id"), lists, conflict=("contact_id", "list_id"), updates=())
    touched = {contact_id for contact_id, _ in tags} | {contact_id for contact_id, _ in lists}
    return {key for key, contact_id in contact_ids.items() if contact_id in touched}


SOURCE_COLUMNS = ("contact_id", "external_id")


async def _record_sources(
    target: ImportTarget, accepted: dict[str, AcceptedRecord], contact_ids: dict[str, int], now: datetime
) -> None:
    """Provenance of every contact the page added or updated (or found unchanged under a new
    version of its record): one upsert, `first_seen_at` kept from the first time."""
    rows = [(contact_ids[key], item.record.external_id[:500]) for key, item in accepted.items() if key in contact_ids]
    same = {"auto_import_id": target.auto_import_id, "service_id": target.service.id, "first_seen_at": now,
            "last_seen_at": now}
    await upsert_rows(ContactSource, SOURCE_COLUMNS, rows, conflict=("contact_id", "auto_import_id"),
                      updates=("service_id", "external_id", "last_seen_at"), same=same)


async def _forget_deferred(target: ImportTarget, accepted: dict[str, AcceptedRecord]) -> None:
    deferred = DeferredContact.filter(auto_import_id=target.auto_import_id)
    if await deferred.exists():  # most imports have none: no 500-key DELETE per page then
        await deferred.filter(email_key__in=list(accepted)).delete()


def _count_updates(
    accepted: dict[str, AcceptedRecord], existing: dict[str, StoredContact], changed: set[str], counts: SyncCounts
) -> None:
    for key in accepted:
        if key not in existing:
            continue
        if key in changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
        if existing[key].status is not ContactStatus.ACTIVE:
            counts.kept_unsubscribed += 1


async def _store_fingerprints(target: ImportTarget, fingerprinted: list[tuple[SourceRecord, str]]) -> None:
    latest = {record.external_id: value for record, value in fingerprinted}
    await upsert_rows(RecordFingerprint, ("external_id", "fingerprint"), list(latest.items()),
                      conflict=("auto_import_id", "external_id"), updates=("fingerprint",),
                      same={"auto_import_id": target.auto_import_id})
