"""The sync engine: one external account at a time, every due import on it, within one budget.

Guarantees, relied on by the workers:
- At-least-once: a job may run twice or be killed half-way; nothing depends on it running once.
- Exclusive: a lease on the external account means two workers never sync it at the same time.
- Idempotent: contacts are upserted by (account, normalised email); applying a page twice is a
  no-op the second time.
- Atomic pages: each page's contacts, fingerprints, counts and the cursor that follows it are
  committed in one transaction, so a killed sync resumes from the last committed page, losing
  nothing and duplicating nothing.
- Budget: at most `sync_limit` records per sync of an external account, shared fairly by its
  due imports; the rest is a backlog later syncs drain from the saved cursor.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any, cast

from tortoise.transactions import in_transaction

from app import log_context
from app.accounts.models import Account
from app.autoimports.models import (
    AutoImport,
    AutoImportList,
    DeferredContact,
    SyncOutcome,
    SyncRun,
)
from app.config import Settings
from app.connections.models import Connection, ConnectionStatus
from app.connections.service import decrypt_connection_settings, save_connection_settings
from app.connectors.base import FetchRequest, Page, SourceContext
from app.connectors.registry import get_connector
from app.contacts.models import Contact
from app.db import is_connection_lost
from app.errors import CursorExpired, NeedsReauth, RateLimited, SourceError, SourceRejected, SourceUnavailable
from app.metrics import FinishedSync, NoMetrics, SyncMetrics
from app.security import SettingsCipher
from app.sync.apply import ImportTarget, PageResult, apply_records, record_from_json
from app.sync.counts import SyncCounts
from app.sync.fingerprints import StoredFingerprints
from app.sync.history import fail_interrupted_runs, mark_interrupted, prune_sync_history
from app.sync.lease import HeldLease, JobTry, acquire_lease, release_lease
from app.sync.progress import ProgressPublisher, SilentProgress, SyncProgressEvent
from app.sync.skips import forget_skips_gone_from_source, latest_samples, record_malformed
from app.sync.source_pages import refuse_more_than_asked
from app.sync.source_text import clean_page
from app.sync.state import restart_retrieval

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class SyncEnvironment:
    """What a sync needs from its process: settings, the cipher, HTTP, a clock, a lease owner,
    and where to report progress (by default nowhere)."""

    settings: Settings
    cipher: SettingsCipher
    source: SourceContext
    owner: str
    clock: Callable[[], datetime] = utcnow
    progress: ProgressPublisher = field(default_factory=SilentProgress)
    metrics: SyncMetrics = field(default_factory=NoMetrics)


@dataclass
class SyncSummary:
    external_account_id: int
    leased: bool
    imports_synced: list[int] = field(default_factory=list)
    records: int = 0


class StaleImport(Exception):
    """The import was edited (or deleted) during the sync: this sync's pages no longer apply."""


async def sync_external_account(external_account_id: int, env: SyncEnvironment,
                                job: JobTry | None = None) -> SyncSummary:
    """Syncs every due import of one external account, under its lease, within one budget. In a
    retry of `job`, a lease an earlier try of it could not release is taken over (see `acquire_lease`)."""
    summary = SyncSummary(external_account_id, leased=False)
    # One owner per sync, not per worker: two jobs of one worker must not share a lease.
    sync = uuid.uuid4().hex[:12]
    env = replace(env, owner=f"{env.owner}:{sync}" if job is None else job.lease_owner(env.owner, sync))
    with log_context.bound(external_account_id=external_account_id):
        return await _sync_leased(external_account_id, env, summary, job)


async def _sync_leased(external_account_id: int, env: SyncEnvironment, summary: SyncSummary,
                       job: JobTry | None) -> SyncSummary:
    lease = HeldLease(external_account_id, env.owner, env.settings.sync_lease_seconds, env.clock())
    if not await acquire_lease(external_account_id, env.owner, lease.renewed_at, lease.seconds, job=job):
        return summary
    summary.leased = True
    try:
        await fail_interrupted_runs(external_account_id, env.clock())
        imports = await _due_imports(external_account_id, env.clock())
        budget = env.settings.sync_limit
        for index, auto_import in enumerate(imports):
            allowance = budget // (len(imports) - index) or min(budget, 1)
            if allowance <= 0:
                break
            used = await ImportSync(auto_import, env, allowance, lease).run()
            summary.imports_synced.append(auto_import.id)
            summary.records += used
            budget -= used
    finally:
        try:
            await release_lease(external_account_id, env.owner)
        except Exception as exc:
            if not is_connection_lost(exc):
                raise
            log.warning("Could not release the lease on external account %s (database connection lost); "
                        "the job's retry takes it over, else it expires", external_account_id)
    return summary


async def _due_imports(external_account_id: int, now: datetime) -> list[AutoImport]:
    return (
        await AutoImport.filter(
            external_account_id=external_account_id,
            paused=False,
            disabled_reason__isnull=True,
            next_sync_at__lte=now,
            connection__status=ConnectionStatus.ACTIVE,
        )
        .select_related("account", "connection")
        .order_by("next_sync_at", "id")
    )


class ImportSync:
    """One import's part of a sync: deferred contacts first, then pages from the saved cursor."""

    def __init__(self, auto_import: AutoImport, env: SyncEnvironment, allowance: int, lease: HeldLease) -> None:
        self.auto_import = auto_import
        self.env = env
        self.lease = lease
        self.remaining = allowance
        self.counts = SyncCounts()
        self.has_more = False
        self.backlog_estimate: int | None = None
        self.sync_run: SyncRun | None = None
        self.error_kind: str | None = None  # for the metrics: why the sync stopped, if it failed

    async def run(self) -> int:
        """Runs the sync; returns how many records it took from the budget. Never raises for a
        source failure: the failure is recorded on the run and the import."""
        started = self.env.clock()
        async with in_transaction():  # one commit for the run and the import's "syncing" mark
            self.sync_run = await SyncRun.create(auto_import_id=self.auto_import.id, started_at=started)
            await AutoImport.filter(id=self.auto_import.id).update(syncing_since=started)
        with log_context.bound(account_id=self.auto_import.account_id, auto_import_id=self.auto_import.id,
                               sync_run_id=self.sync_run.id):
            return await self._run(started)

    async def _run(self, started: datetime) -> int:
        try:
            # Watchers learn at once that a sync began, not at its first committed page: a source
            # can take seconds to answer, and "Sync now" would otherwise show nothing meanwhile.
            await self._publish(SyncOutcome.RUNNING, None, started)
            await self._pull_and_finish()
        except asyncio.CancelledError:  # while pulling, or while recording how the sync ended
            await self._interrupted()
            raise
        return self.counts.fetched

    async def _pull_and_finish(self) -> None:
        try:
            await self._pull()
        except StaleImport:
            self.error_kind = "stale"
            await self._finish(SyncOutcome.FAILED, "Stopped: the import was edited during the sync.", None)
        except RateLimited as exc:
            self.error_kind = "rate_limited"
            await self._rate_limited(exc)
        except NeedsReauth as exc:
            self.error_kind = "needs_reauth"
            # what the service said of the connection holds whether or not the run's end gets recorded
            await Connection.filter(id=self.auto_import.connection_id).update(status=ConnectionStatus.NEEDS_REAUTH)
            await self._finish(SyncOutcome.FAILED, str(exc), self._interval())
        except Exception as exc:
            if is_connection_lost(exc):
                raise  # not the import's failure: the job is retried (see workers.tasks)
            await self._failed(exc)
        else:
            outcome = SyncOutcome.PARTIAL if self.has_more else SyncOutcome.COMPLETED
            await self._finish(outcome, None, self._interval(), succeeded=True)

    async def _pull(self) -> None:
        target = await self._target()
        # Fingerprints are written only with pages that count what they fetched: an import that never
        # fetched a record has none, and its first retrieval skips looking them up page by page.
        fingerprinted = SyncCounts.from_dict(self.auto_import.totals).fetched > 0
        await self._drain_deferred(target)
        connector = get_connector(self.auto_import.service_id)
        settings = decrypt_connection_settings(self.auto_import.connection, self.env.cipher)
        restarted = False
        while self.remaining > 0:
            request = FetchRequest(
                settings=settings,
                criteria=self.auto_import.criteria,
                cursor=self.auto_import.cursor,
                limit=min(self.remaining, self.env.settings.sync_page_size),
                fingerprints=StoredFingerprints(self.auto_import.id),
                context=self.env.source,
                save_settings=self._save_settings,
            )
            try:
                page = clean_page(await connector.fetch_page(request))
            except CursorExpired:
                if restarted:
                    raise SourceUnavailable("The source rejected a fresh cursor right after a full restart.") from None
                restarted = True
                self.auto_import.cursor, self.auto_import.state_version = await restart_retrieval(self.auto_import.id)
                continue
            refuse_more_than_asked(page, request.limit)
            await self._commit_page(target, page, skip_unchanged=fingerprinted,
                                    backlog=page.backlog_estimate if page.has_more else 0)
            self.remaining -= len(page.records)
            self.has_more, self.backlog_estimate = page.has_more, page.backlog_estimate
            if not page.has_more or not page.records:
                break

    async def _save_settings(self, settings: dict[str, Any]) -> None:
        await save_connection_settings(self.auto_import.connection, self.env.cipher, settings)

    async def _target(self) -> ImportTarget:
        list_ids = await AutoImportList.filter(auto_import_id=self.auto_import.id).values_list("list_id", flat=True)
        return ImportTarget(
            account_id=self.auto_import.account_id,
            contact_limit=self.auto_import.account.contact_limit,
            auto_import_id=self.auto_import.id,
            service=get_connector(self.auto_import.service_id).description,
            list_ids=tuple(cast("list[int]", list_ids)),
            tags=tuple(self.auto_import.tags),
            max_custom_fields=self.env.settings.max_custom_fields_per_service,
        )

    async def _drain_deferred(self, target: ImportTarget) -> None:
        """Contacts deferred by the contact limit come first once the account has room again, a
        page at a time: the budget may hold many pages, and a page bounds each statement's size."""
        deferred = DeferredContact.filter(auto_import_id=self.auto_import.id)
        if not await deferred.exists():  # most imports have none: no count of the account's contacts then
            return
        while self.remaining > 0:  # each page takes at least one record from the budget
            room = target.contact_limit - await Contact.filter(account_id=target.account_id).count()
            if room <= 0:
                return
            rows = await deferred.order_by("id").limit(min(room, self.remaining, self.env.settings.sync_page_size))
            if not rows:
                return
            page = Page(records=[record_from_json(row.record) for row in rows], cursor=self.auto_import.cursor,
                        has_more=False)
            await self._commit_page(target, page, skip_unchanged=False)
            self.remaining -= len(rows)

    async def _commit_page(
        self, target: ImportTarget, page: Page, *, skip_unchanged: bool = True, backlog: int | None = None
    ) -> None:
        """Applies one page in one transaction, then tells subscribers (`backlog`: what the source
        says is left after it, when it can tell)."""
        now = self.env.clock()
        async with in_transaction():
            await _lock_account(target.account_id)
            result = await apply_records(target, page.records, now, skip_unchanged=skip_unchanged)
            await record_malformed(self.auto_import.id, page, result, now)
            self.counts += result.counts
            await self._save_progress(page, result)
        await self.lease.keep(now)
        await self._publish(SyncOutcome.RUNNING, backlog, now)

    async def _save_progress(self, page: Page, result: PageResult) -> None:
        totals = SyncCounts.from_dict(self.auto_import.totals)
        totals += result.counts
        resolved = result.accepted_ids | await forget_skips_gone_from_source(self.auto_import.id, page)
        samples = latest_samples(self.auto_import.skip_samples + result.skipped_samples, resolved)
        saved = await AutoImport.filter(id=self.auto_import.id, state_version=self.auto_import.state_version).update(
            cursor=page.cursor, totals=totals.to_dict(), skip_samples=samples
        )
        if saved != 1:
            raise StaleImport()
        self.auto_import.cursor, self.auto_import.totals, self.auto_import.skip_samples = (
            page.cursor, totals.to_dict(), samples)
        assert self.sync_run is not None
        await SyncRun.filter(id=self.sync_run.id).update(counts=self.counts.to_dict())

    async def _interrupted(self) -> None:
        """The worker is stopping (Ctrl-C, SIGTERM): the run says so at once. Its counts stay those
        each committed page saved with itself (`self.counts` may hold a rolled-back page's); the
        import stays due, so the next sync resumes from its cursor. Cancelled again meanwhile, the
        run is marked by the next sync instead (`fail_interrupted_runs`). A run whose end was already
        committed (the cancel came as it was published) keeps it."""
        assert self.sync_run is not None
        if await mark_interrupted(self.sync_run.id, self.auto_import.id, self.env.clock()):
            log.info("Sync interrupted: the worker is stopping")

    def _interval(self) -> datetime:
        return self.env.clock() + timedelta(seconds=self.env.settings.sync_interval)

    async def _rate_limited(self, exc: RateLimited) -> None:
        """Not a failure: the run ends RATE_LIMITED (with the counts of the pages it committed), the
        cursor of the last committed page stays, the failure streak neither grows nor resets, and the
        import comes back when the service allows, a wait kept at once (even if the worker stops before
        the run's end is recorded); its backlog status is left as the last real sync saw it."""
        until = self.env.clock() + timedelta(seconds=exc.retry_after)
        await AutoImport.filter(id=self.auto_import.id).update(rate_limited_until=until)
        await self._finish(SyncOutcome.RATE_LIMITED, f"{exc} Retrying after {round(exc.retry_after)} s.", until)

    async def _failed(self, exc: Exception) -> None:
        self.error_kind = _error_kind(exc)
        if isinstance(exc, SourceError):
            message = str(exc)
        else:
            log.exception("Unexpected error syncing auto-import %s", self.auto_import.id)
            message = f"Unexpected error ({type(exc).__name__}); the team has the details in the logs."
        streak = self.auto_import.failure_streak + 1
        retry_in = min(self.env.settings.sync_interval, 60 * 2 ** min(streak - 1, 10)) * random.uniform(0.8, 1.2)
        disabled = None
        if streak >= self.env.settings.max_failure_streak:
            disabled = f"Stopped after {streak} failed syncs in a row. Last error: {message}"
        await self._finish(SyncOutcome.FAILED, message, self.env.clock() + timedelta(seconds=retry_in),
                           failure={"failure_streak": streak, "last_error": message, "disabled_reason": disabled})

    async def _finish(
        self, outcome: SyncOutcome, error: str | None, next_sync_at: datetime | None, *, succeeded: bool = False,
        failure: Mapping[str, object] = MappingProxyType({}),
    ) -> None:
        """Records the run's end. `failure`: what a failure changes on the import (its streak and
        error), written with the run's end, so that a worker stopping in between leaves neither."""
        now = self.env.clock()
        assert self.sync_run is not None
        backlog = self.backlog_estimate if self.has_more else 0
        async with in_transaction():  # the run, the import and the history change together, in one commit
            await SyncRun.filter(id=self.sync_run.id).update(
                outcome=outcome, finished_at=now, counts=self.counts.to_dict(), error=error, backlog_estimate=backlog
            )
            await AutoImport.filter(id=self.auto_import.id).update(syncing_since=None, **failure)
            # an import edited during the sync (a new state version) keeps what the edit set
            await AutoImport.filter(id=self.auto_import.id, state_version=self.auto_import.state_version).update(
                **self._finished_fields(outcome, error, next_sync_at, succeeded=succeeded, backlog=backlog, now=now))
            await prune_sync_history(self.auto_import.id)
        await self._publish(outcome, backlog, now)
        log.info("Sync finished: %s (%s)%s", outcome.value,
                 ", ".join(f"{k} {v}" for k, v in self.counts.to_dict().items() if v), f": {error}" if error else "")
        await self.env.metrics.sync_finished(FinishedSync(
            service_id=self.auto_import.service_id, outcome=outcome.value,
            seconds=max((now - self.sync_run.started_at).total_seconds(), 0.0),
            records=self.counts.to_dict(), error_kind=self.error_kind))

    def _finished_fields(self, outcome: SyncOutcome, error: str | None, next_sync_at: datetime | None, *,
                         succeeded: bool, backlog: int | None, now: datetime) -> dict[str, object]:
        update: dict[str, object] = {"last_sync_at": now}
        if next_sync_at is not None:
            update["next_sync_at"] = next_sync_at
        if succeeded:
            update |= {"has_backlog": self.has_more, "backlog_estimate": backlog}
            if outcome is not SyncOutcome.FAILED:
                update |= {"failure_streak": 0, "last_error": None}
        if outcome is SyncOutcome.COMPLETED or (succeeded and not error):
            update["rate_limited_until"] = None
        return update

    async def _publish(self, outcome: SyncOutcome, backlog: int | None, at: datetime) -> None:
        assert self.sync_run is not None
        await self.env.progress.publish(SyncProgressEvent(
            account_id=self.auto_import.account_id, auto_import_id=self.auto_import.id, sync_run_id=self.sync_run.id,
            outcome=outcome, counts=replace(self.counts), backlog_estimate=backlog, at=at,
        ))


def _error_kind(exc: Exception) -> str:
    """A fixed vocabulary for the metrics' `kind` label."""
    if isinstance(exc, SourceUnavailable):
        return "unavailable"
    if isinstance(exc, SourceRejected):
        return "rejected"
    return "source" if isinstance(exc, SourceError) else "unexpected"


async def _lock_account(account_id: int) -> None:
    """Serialises the contact-limit check per account on PostgreSQL. SQLite serialises writes: the
    page's transaction began IMMEDIATE, so it holds the database's write lock already."""
    if Account._meta.db.capabilities.dialect != "sqlite":
        await Account.select_for_update().filter(id=account_id).first()
