"""The lease that keeps two workers from syncing one external account at once.

A conditional UPDATE (`... WHERE lease_until IS NULL OR lease_until < now`) works the same on
SQLite and PostgreSQL, unlike `SELECT ... FOR UPDATE SKIP LOCKED`, which SQLite ignores. A lease
is short and renewed after each page, so a killed worker's lease lapses within seconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from app.connections.models import ExternalAccount


async def acquire_lease(external_account_id: int, owner: str, now: datetime, seconds: int) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = await ExternalAccount.filter(Q(id=external_account_id) & free).update(
        lease_owner=owner, lease_until=now + timedelta(seconds=seconds)
    )
    return taken == 1


async def renew_lease(external_account_id: int, owner: str, now: datetime, seconds: int) -> bool:
    renewed = await ExternalAccount.filter(id=external_account_id, lease_owner=owner).update(
        lease_until=now + timedelta(seconds=seconds)
    )
    return renewed == 1


async def release_lease(external_account_id: int, owner: str) -> None:
    await ExternalAccount.filter(id=external_account_id, lease_owner=owner).update(lease_owner=None, lease_until=None)
