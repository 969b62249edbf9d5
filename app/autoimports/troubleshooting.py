"""Troubleshooting: what is wrong with an import, in plain words with numbers, and what to do.

Computed from real state for any number of imports with a fixed number of queries.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from tortoise.functions import Count

from app.accounts.models import Account
from app.autoimports.models import SkipReason
from app.autoimports.repository import AutoImportRepository, ImportState
from app.config import Settings
from app.connections.models import Connection, ConnectionStatus
from app.connections.repository import ConnectionRepository
from app.connectors.registry import get_connector
from app.contacts.repository import ContactRepository
from app.sync.custom_fields import FIELD_LIMIT_CODE

RECOMMENDED_MAX_IMPORTS = 2


def _counted(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 record", "2 records", "1 sync", "3 syncs": a count with its noun in the right number."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _sentence(text: str) -> str:
    """`text` as the end of a sentence: one full stop, never two (errors often end in their own)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


class ProblemCode(str, Enum):
    CONTACT_LIMIT_REACHED = "CONTACT_LIMIT_REACHED"
    MISSING_EMAIL = "MISSING_EMAIL"
    INVALID_EMAIL = "INVALID_EMAIL"
    MALFORMED_RECORD = "MALFORMED_RECORD"
    BACKLOG = "BACKLOG"
    SHARED_EXTERNAL_ACCOUNT = "SHARED_EXTERNAL_ACCOUNT"
    TOO_MANY_IMPORTS_FOR_SERVICE = "TOO_MANY_IMPORTS_FOR_SERVICE"
    NEEDS_REAUTH = "NEEDS_REAUTH"
    RATE_LIMITED = "RATE_LIMITED"
    SOURCE_ERROR = "SOURCE_ERROR"
    CUSTOM_FIELD_LIMIT = "CUSTOM_FIELD_LIMIT"


@dataclass
class Problem:
    code: ProblemCode
    message: str
    action: str
    count: int | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Facts:
    """Everything troubleshooting needs, loaded for a batch of imports at once."""

    skipped: dict[tuple[int, str], int]
    deferred: dict[int, int]
    per_service: dict[tuple[int, str], int]
    sharing: dict[int, int]
    connections: dict[int, Connection]
    accounts: dict[int, Account]
    contacts: dict[int, int]
    custom_fields: dict[tuple[int, str], int]


async def _grouped(query: Any, *keys: str) -> list[Any]:
    """Rows of (*keys, count): tuples whose length the type cannot say, hence Any."""
    rows: list[Any] = await query.annotate(n=Count("id")).group_by(*keys).values_list(*keys, "n")
    return rows


async def _connections_of(account: Account, imports: list[ImportState]) -> dict[int, Connection]:
    rows = await ConnectionRepository(account.id).connections().filter(
        id__in=list({ai.connection_id for ai in imports})).select_related("external_account")
    return {c.id: c for c in rows}


async def deferred_counts(account_id: int, auto_import_ids: list[int]) -> dict[int, int]:
    """Contacts waiting for room (deferred by the contact limit), per import among these that has any."""
    return await AutoImportRepository(account_id).deferred_counts(auto_import_ids)


class SharedReads:
    """The reads that troubleshooting and the status (`imports_held_by_contact_limit`) of the same
    imports both make, each sent once however many ask: the deferred counts, and the account's
    contact count (on 100,000 contacts most of the cost). For one request's list of imports."""

    def __init__(self, account_id: int, auto_import_ids: list[int]) -> None:
        self.account_id, self.auto_import_ids = account_id, auto_import_ids
        self._deferred: asyncio.Future[dict[int, int]] | None = None
        self._contacts: asyncio.Future[int] | None = None

    async def deferred(self) -> dict[int, int]:
        if self._deferred is None:
            self._deferred = asyncio.ensure_future(deferred_counts(self.account_id, self.auto_import_ids))
        return await self._deferred

    async def contact_count(self) -> int:
        if self._contacts is None:
            self._contacts = asyncio.ensure_future(ContactRepository(self.account_id).contacts().count())
        return await self._contacts


async def _contact_count(account: Account, deferred: dict[int, int], shared: SharedReads) -> dict[int, int]:
    """The account's contacts, counted only when some import has contacts waiting for room: the
    count is read by CONTACT_LIMIT_REACHED alone, and on 100,000 contacts it is most of the cost."""
    if not deferred:
        return {}
    return {account.id: await shared.contact_count()}


async def _import_counts(own_imports: AutoImportRepository) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """The account's imports counted per service and per external account, from one statement
    grouped by both (the two counts were a statement each)."""
    per_service: dict[tuple[int, str], int] = defaultdict(int)
    sharing: dict[int, int] = defaultdict(int)
    for account_id, service_id, external_account_id, count in await own_imports.import_counts():
        per_service[(account_id, service_id)] += count
        sharing[external_account_id] += count
    return dict(per_service), dict(sharing)


async def _custom_field_counts(account: Account, imports: list[ImportState]) -> dict[tuple[int, str], int]:
    """The account's custom fields per service, counted only when a sync of one of these imports
    found fields it could not create: CUSTOM_FIELD_LIMIT alone reads it."""
    if not any(_samples(ai, FIELD_LIMIT_CODE) for ai in imports):
        return {}
    rows = await _grouped(ContactRepository(account.id).custom_fields(), "account_id", "service_id")
    return {(a, s): n for a, s, n in rows}


async def _load_facts(account: Account, imports: list[ImportState],
                      connections: dict[int, Connection] | None, shared: SharedReads | None) -> _Facts:
    """Read through the account's repositories: an import of another account has no facts."""
    own_imports = AutoImportRepository(account.id)
    ids = [ai.id for ai in imports]
    shared = shared or SharedReads(account.id, ids)
    # Independent reads: on PostgreSQL each on a connection of the pool, one round trip for all.
    skipped, deferred, (per_service, sharing) = await asyncio.gather(
        own_imports.skipped_counts(ids), shared.deferred(), _import_counts(own_imports))
    return _Facts(
        skipped={(i, r): n for i, r, n in skipped},
        deferred=deferred,
        per_service=per_service,
        sharing=sharing,
        connections=connections if connections is not None else await _connections_of(account, imports),
        accounts={account.id: account},
        contacts=await _contact_count(account, deferred, shared),
        custom_fields=await _custom_field_counts(account, imports),
    )


async def troubleshoot(account: Account, imports: list[ImportState], settings: Settings,
                       connections: dict[int, Connection] | None = None,
                       shared: SharedReads | None = None) -> dict[int, list[Problem]]:
    """The problems of each of the account's imports, by import id. `connections`: the imports'
    connections (with their external account) when the caller has them already, by id; `shared`:
    the reads of these same imports shared with their status, if it is read too."""
    if not imports:
        return {}
    facts = await _load_facts(account, imports, connections, shared)
    now = datetime.now(timezone.utc)
    return {ai.id: _problems(ai, facts, settings, now) for ai in imports}


def _problems(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> list[Problem]:
    checks = (_needs_reauth, _source_error, _rate_limited, _contact_limit, _missing_email, _invalid_email,
              _malformed, _custom_field_limit, _backlog, _shared, _too_many)
    return [problem for check in checks if (problem := check(ai, facts, settings, now)) is not None]


def _samples(ai: ImportState, reason: str) -> list[dict[str, Any]]:
    """Email skips carry their code as `reason`; malformed rows a sentence as `reason` and a `code`."""
    return [s for s in ai.skip_samples if s.get("code", s.get("reason")) == reason][-5:]


def _needs_reauth(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    connection = facts.connections.get(ai.connection_id)
    if connection is None or connection.status is not ConnectionStatus.NEEDS_REAUTH:
        return None
    return Problem(ProblemCode.NEEDS_REAUTH,
                   f"{get_connector(ai.service_id).description.name} refused the credentials of "
                   f"\"{connection.name}\"; no contacts are imported until it is reconnected.",
                   "Reconnect the account (Connections → Reconnect on the page, or connectService through the API) "
                   "and the import resumes where it stopped.")


def _source_error(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    if ai.disabled_reason:
        return Problem(ProblemCode.SOURCE_ERROR, _sentence(ai.disabled_reason),
                       "Fix the source, then resume the import or press sync now.", ai.failure_streak)
    if not ai.failure_streak:
        return None
    return Problem(ProblemCode.SOURCE_ERROR,
                   f"{_last_syncs_failed(ai.failure_streak)}: "
                   f"{_sentence(ai.last_error or 'the source did not answer')} The import retries with "
                   f"growing delays and stops after {settings.max_failure_streak} failures in a row.",
                   "Check that the source is reachable and readable; sync now retries at once.",
                   ai.failure_streak)


def _last_syncs_failed(streak: int) -> str:
    return "The last sync failed" if streak == 1 else f"The last {streak} syncs failed"


def _rate_limited(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    if not ai.rate_limited_until or ai.rate_limited_until <= now:
        return None
    return Problem(ProblemCode.RATE_LIMITED,
                   f"The service asked us to slow down; the import continues from where it stopped at "
                   f"{ai.rate_limited_until:%Y-%m-%d %H:%M:%S} UTC (sync now waits for that too).",
                   "Nothing to do: nothing is lost, the sync resumes by itself.")


def _contact_limit(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    waiting = facts.deferred.get(ai.id, 0)
    if not waiting:
        return None
    account = facts.accounts[ai.account_id]
    have = facts.contacts.get(ai.account_id, 0)
    return Problem(ProblemCode.CONTACT_LIMIT_REACHED,
                   f"{_counted(waiting, 'new contact')} {'was' if waiting == 1 else 'were'} not added because the "
                   f"account has {_counted(have, 'contact')} and its "
                   f"plan allows {account.contact_limit}. Existing contacts are still updated.",
                   "Raise the contact limit (upgrade the plan) or remove contacts; the waiting contacts are "
                   "kept and added on the next syncs.", waiting)


def _skips(ai: ImportState, facts: _Facts, reason: SkipReason, code: ProblemCode, what: tuple[str, str],
           action: str) -> Problem | None:
    """`what` says what is wrong with the records: (for several, for one)."""
    count = facts.skipped.get((ai.id, reason.value), 0)
    if not count:
        return None
    return Problem(code, f"{_counted(count, 'record')} at the source {what[1] if count == 1 else what[0]} and "
                   f"{'was' if count == 1 else 'were'} skipped.", action, count,
                   _samples(ai, reason.value))


def _missing_email(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    return _skips(ai, facts, SkipReason.MISSING_EMAIL, ProblemCode.MISSING_EMAIL,
                  ("have no email address", "has no email address"),
                  "Add an email address to these records at the source; they are imported on the next sync.")


def _invalid_email(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    return _skips(ai, facts, SkipReason.INVALID_EMAIL, ProblemCode.INVALID_EMAIL,
                  ("have an invalid email address", "has an invalid email address"),
                  "Correct these addresses at the source; they are imported on the next sync.")


def _malformed(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    return _skips(ai, facts, SkipReason.MALFORMED_RECORD, ProblemCode.MALFORMED_RECORD,
                  ("could not be read", "could not be read"),
                  "Fix these rows at the source (for a CSV: as many cells as the header has).")


def _custom_field_limit(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    """While the account is at the cap and a sync of this import found fields it could not create."""
    samples = _samples(ai, FIELD_LIMIT_CODE)
    cap = settings.max_custom_fields_per_service
    if not samples or facts.custom_fields.get((ai.account_id, ai.service_id), 0) < cap:
        return None
    name = get_connector(ai.service_id).description.name
    refused = int(samples[-1].get("fieldsNotCreated") or len(samples))
    return Problem(ProblemCode.CUSTOM_FIELD_LIMIT,
                   f"{_counted(refused, 'field')} at the source {'has' if refused == 1 else 'have'} no custom field: "
                   f"the account has {cap} {name} custom fields, the most one service may create. The contacts "
                   f"are imported without {'its' if refused == 1 else 'their'} values.",
                   "Remove the columns or fields you do not need at the source, or ask the operator to raise "
                   "AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE; records that change afterwards bring the values.",
                   refused, samples)


def _backlog(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    if not ai.has_backlog:
        return None
    waiting = ai.backlog_estimate
    syncs = math.ceil(waiting / settings.sync_limit) if waiting else None
    if waiting and syncs:
        hours = syncs * settings.sync_interval / 3600
        detail = (f"About {_counted(waiting, 'contact')} {'is' if waiting == 1 else 'are'} still waiting at the "
                  f"source: about {_counted(syncs, 'more sync', 'more syncs')}, ~{hours:.1f} h.")
    else:
        detail = "More contacts are waiting at the source than one sync takes."
    return Problem(ProblemCode.BACKLOG,
                   f"{detail} Each sync takes at most {settings.sync_limit} contacts per external account.",
                   "Nothing to do: later syncs drain the backlog. Sync now speeds it up.", waiting)


def _shared(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    others = facts.sharing.get(ai.external_account_id, 1) - 1
    if others <= 0:
        return None
    connection = facts.connections.get(ai.connection_id)
    where = connection.external_account.name if connection else "this external account"
    return Problem(ProblemCode.SHARED_EXTERNAL_ACCOUNT,
                   f"{_counted(others, 'other import')} {'reads' if others == 1 else 'read'} from {where}: together "
                   f"they take at most "
                   f"{settings.sync_limit} contacts per sync.",
                   "Nothing to do; merge the imports if one sync budget is too small.", others + 1)


def _too_many(ai: ImportState, facts: _Facts, settings: Settings, now: datetime) -> Problem | None:
    count = facts.per_service.get((ai.account_id, ai.service_id), 0)
    if count <= RECOMMENDED_MAX_IMPORTS:
        return None
    name = get_connector(ai.service_id).description.name
    return Problem(ProblemCode.TOO_MANY_IMPORTS_FOR_SERVICE,
                   f"The account has {count} {name} imports; we recommend at most {RECOMMENDED_MAX_IMPORTS}.",
                   "Consider merging imports: each one adds load on the service and on its sync budget.", count)
