"""Applying one page of source records to an account's contacts, in bulk.

Called inside the page's transaction. Idempotent: contacts are upserted by (account, email key),
tags, list memberships, fields and fingerprints by their unique keys, so applying a page twice
(at-least-once delivery) changes nothing the second time. Writes no contact event: imported
contacts fire no autoresponder, webhook or list notification.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from app.autoimports.models import DeferredContact, RecordFingerprint, SkippedRecord, SkipReason
from app.connectors.base import ServiceDescription, SourceRecord
from app.contacts.models import Contact, ContactStatus, ContactTag, CustomField, FieldValue, ListMembership
from app.sync.counts import SyncCounts
from app.sync.emails import check_email, email_key

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


@dataclass
class _Accepted:
    record: SourceRecord
    email: str
    key: str


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

    Records whose fingerprint equals the stored one are counted unchanged and cost no write.
    New contacts beyond the account's contact limit are kept as deferred, not dropped.
    """
    result = PageResult()
    result.counts.fetched = len(records)
    if skip_unchanged:
        records = await _drop_unchanged(target, records, result.counts)
    existing = await _existing_contacts(target, records)
    accepted = _accept_emails(records, existing, result)
    await _record_skips(target, records, accepted, result, now)
    new_keys = [key for key in accepted if key not in existing]
    allowed = await _allowed_new(target, new_keys)
    deferred = [accepted.pop(key) for key in new_keys if key not in allowed]
    await _defer(target, deferred, result.counts)
    contact_ids, changed = await _upsert_contacts(target, accepted, existing, now, result.counts)
    changed |= await _write_field_values(target, accepted, contact_ids)
    changed |= await _add_tags_and_lists(target, contact_ids)
    await DeferredContact.filter(auto_import_id=target.auto_import_id, email_key__in=list(accepted)).delete()
    _count_updates(accepted, existing, changed, result.counts)
    await _store_fingerprints(target, records)
    return result


async def _drop_unchanged(
    target: ImportTarget, records: Sequence[SourceRecord], counts: SyncCounts
) -> list[SourceRecord]:
    stored = dict(
        await RecordFingerprint.filter(
            auto_import_id=target.auto_import_id, external_id__in=[r.external_id for r in records]
        ).values_list("external_id", "fingerprint")
    )
    fresh = [r for r in records if stored.get(r.external_id) != r.fingerprint()]
    counts.unchanged += len(records) - len(fresh)
    return fresh


async def _existing_contacts(target: ImportTarget, records: Sequence[SourceRecord]) -> dict[str, Contact]:
    keys = {email_key(r.email) for r in records if r.email and r.email.strip()}
    if not keys:
        return {}
    found = await Contact.filter(account_id=target.account_id, email_key__in=list(keys))
    return {contact.email_key: contact for contact in found}


def _accept_emails(
    records: Sequence[SourceRecord], existing: dict[str, Contact], result: PageResult
) -> dict[str, _Accepted]:
    """Valid records by email key; a later record with the same email wins.

    An email already stored on a contact was validated when it was stored: it is not validated
    again (validation is the largest cost of a sync).
    """
    accepted: dict[str, _Accepted] = {}
    for record in records:
        key = email_key(record.email) if record.email else ""
        if key and key in existing:
            accepted[key] = _Accepted(record, existing[key].email, key)
            continue
        checked = check_email(record.email)
        if checked.problem is None and checked.key and checked.email:
            accepted[checked.key] = _Accepted(record, checked.email, checked.key)
        elif checked.problem == SkipReason.MISSING_EMAIL.value:
            result.counts.skipped_missing_email += 1
        else:
            result.counts.skipped_invalid_email += 1
    return accepted


async def _record_skips(
    target: ImportTarget,
    records: Sequence[SourceRecord],
    accepted: dict[str, _Accepted],
    result: PageResult,
    now: datetime,
) -> None:
    """Keeps one row per currently skipped record; a record that became valid leaves the list."""
    accepted_ids = {item.record.external_id for item in accepted.values()}
    skipped = [
        SkippedRecord(
            auto_import_id=target.auto_import_id,
            external_id=r.external_id,
            email=(r.email or None) and r.email[:500],
            reason=SkipReason.MISSING_EMAIL if not (r.email or "").strip() else SkipReason.INVALID_EMAIL,
            seen_at=now,
        )
        for r in records
        if r.external_id not in accepted_ids
    ]
    await SkippedRecord.filter(auto_import_id=target.auto_import_id, external_id__in=list(accepted_ids)).delete()
    if skipped:
        await SkippedRecord.bulk_create(
            skipped, on_conflict=["auto_import_id", "external_id"], update_fields=["email", "reason", "seen_at"]
        )
    result.accepted_ids = accepted_ids
    result.skipped_samples = [
        {"externalId": s.external_id, "email": s.email, "reason": s.reason.value, "code": s.reason.value}
        for s in skipped[-SAMPLES_KEPT:]
    ]


async def _allowed_new(target: ImportTarget, new_keys: list[str]) -> set[str]:
    """The new contacts the account's limit still has room for, in source order."""
    if not new_keys:
        return set()
    count = await Contact.filter(account_id=target.account_id).count()
    room = max(0, target.contact_limit - count)
    return set(new_keys[:room])


async def _defer(target: ImportTarget, deferred: list[_Accepted], counts: SyncCounts) -> None:
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


async def _upsert_contacts(
    target: ImportTarget,
    accepted: dict[str, _Accepted],
    existing: dict[str, Contact],
    now: datetime,
    counts: SyncCounts,
) -> tuple[dict[str, int], set[str]]:
    rows, changed = [], set()
    for key, item in accepted.items():
        row = _contact_row(target, item, existing.get(key), now)
        if key not in existing or _core_differs(row, existing[key]):
            rows.append(row)
            changed.add(key)
    if rows:
        # `status` is not among the updated columns: a concurrent unsubscribe is never undone.
        await Contact.bulk_create(
            rows, on_conflict=["account_id", "email_key"], update_fields=["first_name", "last_name", "phone", "updated_at"]
        )
    unsubscribed = [key for key, item in accepted.items() if item.record.unsubscribed]
    if unsubscribed:  # the source's unsubscribe is kept; never the reverse
        await Contact.filter(
            account_id=target.account_id, email_key__in=unsubscribed, status=ContactStatus.ACTIVE
        ).update(status=ContactStatus.UNSUBSCRIBED, updated_at=now)
    ids = await Contact.filter(account_id=target.account_id, email_key__in=list(accepted)).values_list(
        "email_key", "id"
    )
    counts.added += sum(1 for key in accepted if key not in existing)
    return dict(ids), changed & set(existing)


def _contact_row(target: ImportTarget, item: _Accepted, stored: Contact | None, now: datetime) -> Contact:
    record = item.record
    status = stored.status if stored else ContactStatus.ACTIVE
    if record.unsubscribed and status is ContactStatus.ACTIVE:
        status = ContactStatus.UNSUBSCRIBED
    return Contact(
        account_id=target.account_id,
        email=item.email,
        email_key=item.key,
        first_name=_merged(record.first_name, stored.first_name if stored else None),
        last_name=_merged(record.last_name, stored.last_name if stored else None),
        phone=_merged(record.phone, stored.phone if stored else None),
        status=status,
        created_at=stored.created_at if stored else now,
        updated_at=now,
    )


def _core_differs(row: Contact, stored: Contact) -> bool:
    return (row.first_name, row.last_name, row.phone, row.status) != (
        stored.first_name,
        stored.last_name,
        stored.phone,
        stored.status,
    )


async def _ensure_custom_fields(target: ImportTarget, accepted: Iterable[_Accepted]) -> dict[str, int]:
    """The custom field id of each field key, creating each service field once per account."""
    labels: dict[str, str] = {}
    known_labels = {spec.key: spec.label for spec in target.service.fields}
    for item in accepted:
        for key, value in item.record.fields.items():
            if value and value.strip():
                labels.setdefault(key, item.record.field_labels.get(key) or known_labels.get(key) or key)
    if not labels:
        return {}
    perstags = {key: target.service.perstag(key) for key in labels}
    await CustomField.bulk_create(
        [
            CustomField(
                account_id=target.account_id,
                service_id=target.service.id,
                title=target.service.custom_field_title(label),
                perstag=perstags[key],
            )
            for key, label in labels.items()
        ],
        ignore_conflicts=True,
    )
    found = dict(
        await CustomField.filter(account_id=target.account_id, perstag__in=list(perstags.values())).values_list(
            "perstag", "id"
        )
    )
    return {key: found[tag] for key, tag in perstags.items()}


async def _write_field_values(
    target: ImportTarget, accepted: dict[str, _Accepted], contact_ids: dict[str, int]
) -> set[str]:
    field_ids = await _ensure_custom_fields(target, accepted.values())
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
                rows.append(FieldValue(contact_id=cell[0], field_id=cell[1], value=value))
                changed.add(key)
    if rows:
        await FieldValue.bulk_create(rows, on_conflict=["contact_id", "field_id"], update_fields=["value"])
    return changed


async def _add_tags_and_lists(target: ImportTarget, contact_ids: dict[str, int]) -> set[str]:
    ids = list(contact_ids.values())
    if not ids or not (target.tags or target.list_ids):
        return set()
    have_tags = set(await ContactTag.filter(contact_id__in=ids).values_list("contact_id", "name"))
    have_lists = set(await ListMembership.filter(contact_id__in=ids).values_list("contact_id", "list_id"))
    tags = [ContactTag(contact_id=c, name=t) for c in ids for t in target.tags if (c, t) not in have_tags]
    lists = [ListMembership(contact_id=c, list_id=l) for c in ids for l in target.list_ids if (c, l) not in have_lists]
    if tags:
        await ContactTag.bulk_create(tags, ignore_conflicts=True)
    if lists:
        await ListMembership.bulk_create(lists, ignore_conflicts=True)
    touched = {row.contact_id for row in tags} | {row.contact_id for row in lists}
    return {key for key, contact_id in contact_ids.items() if contact_id in touched}


def _count_updates(
    accepted: dict[str, _Accepted], existing: dict[str, Contact], changed: set[str], counts: SyncCounts
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


async def _store_fingerprints(target: ImportTarget, records: Sequence[SourceRecord]) -> None:
    if records:
        latest = {r.external_id: r.fingerprint() for r in records}
        await RecordFingerprint.bulk_create(
            [
                RecordFingerprint(auto_import_id=target.auto_import_id, external_id=external_id, fingerprint=value)
                for external_id, value in latest.items()
            ],
            on_conflict=["auto_import_id", "external_id"],
            update_fields=["fingerprint"],
        )
