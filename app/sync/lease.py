"""The lease that keeps two workers from syncing one external account at once.

A conditional UPDATE (`... WHERE lease_until IS NULL OR lease_until < now`) works the same on
SQLite and PostgreSQL, unlike `SELECT ... FOR UPDATE SKIP LOCKED`, which SQLite ignores. A lease
is short (`AUTOIMPORT_SYNC_LEASE_SECONDS`, 60 s) and renewed after a page once a quarter of it
has passed, so a killed worker's lease lapses within its length, and a sync of a few pages
spends no write on renewing it.

A sync that lost its database connection cannot release its lease; the retry of its arq job takes
that lease over (`JobTry`) instead of waiting for it to lapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from app.connections.models import ExternalAccount


@dataclass(frozen=True)
class JobTry:
    """The arq job a sync runs in and which try of it (arq's `job_id`, `job_try`)."""

    job_id: str
    number: int

    def lease_owner(self, worker: str, sync: str) -> str:
        """The job and the try come first, so a later try can tell the leases of earlier ones; the
        worker last, cut to fit the column (it is for people reading the row)."""
        return f"{self.owner_prefix()}{self.number}:{sync}@{worker}"[:100]

    def owner_prefix(self) -> str:
        """What every lease owner of this job starts with."""
        return f"{self.job_id}#"


async def acquire_lease(external_account_id: int, owner: str, now: datetime, seconds: int, *,
                        job: JobTry | None = None) -> bool:
    """Takes the lease when it is free or lapsed, or, for a retry of `job`, when an earlier try of
    the same job holds it: a try that lost the database could not release it. Safe because arq
    runs one try of a job at a time: the next one starts after the previous returned (here, with
    `Retry`) or, when its worker died, after its in-progress key (the job's timeout + 10 s, arq
    cancelling the try at its timeout) expired. The earlier try's renewals and release then match
    no row, as the owner changed. Other jobs, "sync now" and the tick's alike, still wait."""
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if job is not None and job.number > 1:
        free |= Q(lease_owner__startswith=job.owner_prefix())
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
