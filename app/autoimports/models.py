from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.accounts.models import Account
    from app.connections.models import Connection, ExternalAccount
    from app.contacts.models import ContactList


class SyncOutcome(str, Enum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"
    RATE_LIMITED = "RATE_LIMITED"  # the service asked us to wait: not a failure, resumes at next_sync_at


class SkipReason(str, Enum):
    MISSING_EMAIL = "MISSING_EMAIL"
    INVALID_EMAIL = "INVALID_EMAIL"
    MALFORMED_RECORD = "MALFORMED_RECORD"


class AutoImport(Model):
    """An import from one connection into the account, with its schedule and cursor state."""

    id = fields.IntField(primary_key=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="auto_imports", on_delete=fields.CASCADE
    )
    connection_id: int
    connection: fields.ForeignKeyRelation[Connection] = fields.ForeignKeyField(
        "models.Connection", related_name="auto_imports", on_delete=fields.CASCADE
    )
    external_account_id: int
    external_account: fields.ForeignKeyRelation[ExternalAccount] = fields.ForeignKeyField(
        "models.ExternalAccount", related_name="auto_imports", on_delete=fields.CASCADE
    )
    service_id = fields.CharField(max_length=50)
    name = fields.CharField(max_length=200)
    criteria: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    tags: fields.JSONField[list[str]] = fields.JSONField(default=list)
    paused = fields.BooleanField(default=False)
    disabled_reason = fields.TextField(null=True)
    cursor: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Bumped whenever the retrieval restarts (criteria, lists or tags edited): a sync that began
    # before the edit cannot commit its pages over the new state.
    state_version = fields.IntField(default=0)
    skip_samples: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    has_backlog = fields.BooleanField(default=False)
    backlog_estimate = fields.IntField(null=True)
    next_sync_at = fields.DatetimeField(null=True)
    last_sync_at = fields.DatetimeField(null=True)
    syncing_since = fields.DatetimeField(null=True)
    failure_streak = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    rate_limited_until = fields.DatetimeField(null=True)
    totals: fields.JSONField[dict[str, int]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "auto_import"


class AutoImportList(Model):
    id = fields.IntField(primary_key=True)
    auto_import_id: int
    auto_import: fields.ForeignKeyRelation[AutoImport] = fields.ForeignKeyField(
        "models.AutoImport", related_name="list_links", on_delete=fields.CASCADE
    )
    list_id: int
    list: fields.ForeignKeyRelation[ContactList] = fields.ForeignKeyField(
        "models.ContactList", related_name="auto_import_links", on_delete=fields.CASCADE
    )

    class Meta:
        table = "auto_import_list"
        unique_together = (("auto_import", "list"),)


class SyncRun(Model):
    id = fields.IntField(primary_key=True)
    auto_import_id: int
    auto_import: fields.ForeignKeyRelation[AutoImport] = fields.ForeignKeyField(
        "models.AutoImport", related_name="sync_runs", on_delete=fields.CASCADE
    )
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    outcome = fields.CharEnumField(SyncOutcome, max_length=20, default=SyncOutcome.RUNNING)
    counts: fields.JSONField[dict[str, int]] = fields.JSONField(default=dict)
    backlog_estimate = fields.IntField(null=True)
    error = fields.TextField(null=True)

    class Meta:
        table = "sync_run"


class SkippedRecord(Model):
    """A source record currently skipped, one row per record (so counts are of distinct records)."""

    id = fields.IntField(primary_key=True)
    auto_import_id: int
    auto_import: fields.ForeignKeyRelation[AutoImport] = fields.ForeignKeyField(
        "models.AutoImport", related_name="skipped", on_delete=fields.CASCADE
    )
    external_id = fields.CharField(max_length=500)
    email = fields.CharField(max_length=500, null=True)
    reason = fields.CharEnumField(SkipReason, max_length=30)
    seen_at = fields.DatetimeField()

    class Meta:
        table = "skipped_record"
        unique_together = (("auto_import", "external_id"),)


class DeferredContact(Model):
    """A new contact not added because the account was at its contact limit, added once it is raised."""

    id = fields.IntField(primary_key=True)
    auto_import_id: int
    auto_import: fields.ForeignKeyRelation[AutoImport] = fields.ForeignKeyField(
        "models.AutoImport", related_name="deferred", on_delete=fields.CASCADE
    )
    email_key = fields.CharField(max_length=320)
    record: fields.JSONField[dict[str, Any]] = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deferred_contact"
        unique_together = (("auto_import", "email_key"),)


class RecordFingerprint(Model):
    """The content hash of each source record an import has applied, so unchanged ones cost nothing."""

    id = fields.IntField(primary_key=True)
    auto_import_id: int
    auto_import: fields.ForeignKeyRelation[AutoImport] = fields.ForeignKeyField(
        "models.AutoImport", related_name="fingerprints", on_delete=fields.CASCADE
    )
    external_id = fields.CharField(max_length=500)
    fingerprint = fields.CharField(max_length=64)

    class Meta:
        table = "record_fingerprint"
        unique_together = (("auto_import", "external_id"),)
