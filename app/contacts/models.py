from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from app.accounts.models import Account
    from app.autoimports.models import AutoImport


class ContactStatus(str, Enum):
    ACTIVE = "ACTIVE"
    UNSUBSCRIBED = "UNSUBSCRIBED"
    BOUNCED = "BOUNCED"


class ContactList(Model):
    id = fields.IntField(primary_key=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="lists", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_list"
        unique_together = (("account", "name"),)


class Contact(Model):
    """A contact, unique per account by `email_key` (the normalised email, lower-cased)."""

    id = fields.IntField(primary_key=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="contacts", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=320)
    email_key = fields.CharField(max_length=320)
    first_name = fields.CharField(max_length=200, null=True)
    last_name = fields.CharField(max_length=200, null=True)
    phone = fields.CharField(max_length=100, null=True)
    status = fields.CharEnumField(ContactStatus, max_length=20, default=ContactStatus.ACTIVE)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "contact"
        unique_together = (("account", "email_key"),)
        # Pages of contacts in creation order (`contacts(first:, after:)`): without it the database
        # read every contact of the account through the email index and sorted them for each page.
        indexes = (Index(fields=("account_id", "id"), name="contact_account_id_id"),)


class ListMembership(Model):
    id = fields.IntField(primary_key=True)
    contact_id: int
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="memberships", on_delete=fields.CASCADE
    )
    list_id: int
    list: fields.ForeignKeyRelation[ContactList] = fields.ForeignKeyField(
        "models.ContactList", related_name="memberships", on_delete=fields.CASCADE
    )

    class Meta:
        table = "list_membership"
        unique_together = (("contact", "list"),)


class ContactTag(Model):
    id = fields.IntField(primary_key=True)
    contact_id: int
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="tags", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)

    class Meta:
        table = "contact_tag"
        unique_together = (("contact", "name"),)


class CustomField(Model):
    """A custom field titled after its service, with its personalization tag, one per perstag."""

    id = fields.IntField(primary_key=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="custom_fields", on_delete=fields.CASCADE
    )
    service_id = fields.CharField(max_length=50, null=True)
    title = fields.CharField(max_length=300)
    perstag = fields.CharField(max_length=300)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "custom_field"
        unique_together = (("account", "perstag"),)


class FieldValue(Model):
    id = fields.IntField(primary_key=True)
    contact_id: int
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="field_values", on_delete=fields.CASCADE
    )
    field_id: int
    field: fields.ForeignKeyRelation[CustomField] = fields.ForeignKeyField(
        "models.CustomField", related_name="values", on_delete=fields.CASCADE
    )
    value = fields.TextField()

    class Meta:
        table = "field_value"
        unique_together = (("contact", "field"),)


class ContactEvent(Model):
    """The outbox of contact events (autoresponders, webhooks, list notifications read it).

    Only the platform's own contact paths write here, imported writes never do.
    """

    id = fields.BigIntField(primary_key=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="contact_events", on_delete=fields.CASCADE
    )
    contact_id: int
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="events", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=50)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_event"


class ContactSource(Model):
    """Provenance: an import that brought or updated a contact, with the record it came from.

    One row per (contact, import), written by the sync engine in the page's transaction. When the
    import is deleted the row stays, with its service and external id, and `auto_import` becomes
    null: the contact keeps its history.
    """

    id = fields.IntField(primary_key=True)
    contact_id: int
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="sources", on_delete=fields.CASCADE
    )
    auto_import_id: int | None
    auto_import: fields.ForeignKeyNullableRelation[AutoImport] = fields.ForeignKeyField(
        "models.AutoImport", related_name="contact_sources", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    service_id = fields.CharField(max_length=50)
    external_id = fields.CharField(max_length=500)
    first_seen_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()

    class Meta:
        table = "contact_source"
        unique_together = (("contact", "auto_import"),)
