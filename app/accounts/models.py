from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Account(Model):
    """A customer of the platform: every other object belongs to exactly one account."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    contact_limit = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "account"


class ApiToken(Model):
    """An API token, stored as its SHA-256: the token itself is shown once, at creation."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_token"
