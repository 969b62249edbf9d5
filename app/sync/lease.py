"""The lease that keeps two workers from syncing one external account at once.

A conditional UPDATE (`... WHERE lease_until IS NULL OR lease_until < now`) works the same on
SQLite and PostgreSQL, unlike `SELECT ... FOR UPDATE SKIP LOCKED`, which SQLite ignores. A lease
is short (`AUTOIMPORT_SYNC_LEASE_SECONDS`, 60 s) and renewed after a page once a quarter of it
has passed, so a killed worker's lease lapses within its length, and a sync of a few pages
spends no write on renewing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from app.connections.models import ExternalAccount


async def acquire_lease(external_account_id: int, owner: str, now: datetime, seconds: int) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = await ExternalAccount.filter(Q(id=external_account_id) & free).update(
        lease_owner=owner, lease_until=now + timedelta(seconds=seconds)
    )
    return taken == 1


RENEW_AFTER = 0.25  # of the lease's length


@dataclass
class HeldLease:
    """The lease a sync holds on its external account since `renewed_at`."""

    external_account_id: int
    owner: str
    seconds: int
    renewed_at: datetime

    async def keep(self, now: datetime) -> None:
        """Renews the lease (to `now` + its length) once a quarter of it has passed: a page then
        starts with at least three quarters of the lease left."""
        if now - self.renewed_at >= timedelta(seconds=self.seconds * RENEW_AFTER):
            await renew_lease(self.external_account_id, self.owner, now, self.seconds)
            self.renewed_at = now


async def renew_lease(external_account_id: int, owner: str, now: datetime, seconds: int) -> bool:
    renewed = await ExternalAccount.filter(id=external_account_id, lease_owner=owner).update(
        lease_until=now + timedelta(seconds=seconds)
    )
    return renewed == 1


async def release_lease(external_account_id: int, owner: str) -> None:
    await ExternalAccount.filter(id=external_account_id, lease_owner=owner).update(lease_owner=None, lease_until=None)
