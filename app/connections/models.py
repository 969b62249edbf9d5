from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.accounts.models import Account


class ConnectionStatus(str, Enum):
    ACTIVE = "ACTIVE"
    NEEDS_REAUTH = "NEEDS_REAUTH"


class ExternalAccount(Model):
    """One account at an external service (a shop, a feed) as seen by one of our accounts.

    It is the unit of a sync: its importers share one budget per sync, and its lease makes sure
    only one worker syncs it at a time.
    """

    id = fields.IntField(primary_key=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="external_accounts", on_delete=fields.CASCADE
    )
    service_id = fields.CharField(max_length=50)
    name = fields.CharField(max_length=500)
    lease_owner = fields.CharField(max_length=100, null=True)
    lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "external_account"
        unique_together = (("account", "service_id", "name"),)


class Connection(Model):
    id = fields.IntField(primary_key=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="connections", on_delete=fields.CASCADE
    )
    external_account_id: int
    external_account: fields.ForeignKeyRelation[ExternalAccount] = fields.ForeignKeyField(
        "models.ExternalAccount", related_name="connections", on_delete=fields.CASCADE
    )
    service_id = fields.CharField(max_length=50)
    name = fields.CharField(max_length=200)
    settings_encrypted = fields.TextField()
    status = fields.CharEnumField(ConnectionStatus, max_length=20, default=ConnectionStatus.ACTIVE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "connection"


class OAuthState(Model):
    """An OAuth consent in progress, tying the return of the browser to the account that started it.

    Only a hash of the state is stored, it expires, and it is used at most once.
    """

    id = fields.IntField(primary_key=True)
    state_hash = fields.CharField(max_length=64, unique=True)
    account_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="oauth_states", on_delete=fields.CASCADE
    )
    service_id = fields.CharField(max_length=50)
    connection_name = fields.CharField(max_length=200, null=True)
    reconnect_connection_id: int | None
    reconnect_connection: fields.ForeignKeyNullableRelation[Connection] = fields.ForeignKeyField(
        "models.Connection", related_name="oauth_states", on_delete=fields.SET_NULL, null=True
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "oauth_state"
