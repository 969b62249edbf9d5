"""Accounts, external accounts, connections and imports, created in bulk for the benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from app.accounts.models import Account
from app.autoimports.models import AutoImport
from app.connections.models import Connection, ExternalAccount
from app.connections.service import save_connection_settings
from app.security import SettingsCipher

BATCH = 1000


def long_ago() -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=5)


async def make_account(name: str, contact_limit: int = 10_000_000) -> Account:
    return await Account.create(name=name, contact_limit=contact_limit)


async def make_imports(
    account: Account,
    service_id: str,
    external_accounts: int,
    imports_each: int = 1,
    *,
    cipher: SettingsCipher | None = None,
    settings_of: Callable[[int], dict[str, Any]] = lambda n: {"feed": f"feed-{n}"},
    prefix: str = "ext",
) -> list[AutoImport]:
    """`external_accounts` external accounts, one connection each, `imports_each` imports on each,
    all due now. Settings are encrypted for real when a cipher is given (a sync decrypts them)."""
    await ExternalAccount.bulk_create(
        [ExternalAccount(account=account, service_id=service_id, name=f"{prefix}-{n}")
         for n in range(external_accounts)],
        batch_size=BATCH,
    )
    externals = await ExternalAccount.filter(account=account, name__startswith=f"{prefix}-").order_by("id")
    await Connection.bulk_create(
        [Connection(account=account, external_account=ext, service_id=service_id, name=ext.name,
                    settings_encrypted="-") for ext in externals],
        batch_size=BATCH,
    )
    connections = await Connection.filter(external_account_id__in=[e.id for e in externals]).order_by("id")
    if cipher is not None:
        for n, connection in enumerate(connections):
            await save_connection_settings(connection, cipher, settings_of(n))
    due = long_ago()
    await AutoImport.bulk_create(
        [AutoImport(account=account, connection=c, external_account_id=c.external_account_id, service_id=service_id,
                    name=f"{c.name} import {i}", next_sync_at=due)
         for c in connections for i in range(imports_each)],
        batch_size=BATCH,
    )
    return await AutoImport.filter(connection_id__in=[c.id for c in connections]).order_by("id")


async def make_due(auto_import_ids: list[int]) -> None:
    await AutoImport.filter(id__in=auto_import_ids).update(next_sync_at=long_ago())
