"""Auto-imports: creating, editing, pausing, syncing now and deleting, always within one account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any, cast

from tortoise.transactions import in_transaction

from app.accounts.models import Account
from app.autoimports.models import AutoImport, AutoImportList
from app.autoimports.repository import AutoImportRepository, ImportState, ShownImport
from app.autoimports.troubleshooting import SharedReads
from app.connections.models import ConnectionStatus
from app.connections.service import get_connection
from app.connectors.registry import get_connector
from app.contacts.repository import ContactRepository
from app.contacts.service import clean_tags, owned_lists
from app.errors import Invalid, NotFound
from app.sync.schedule import SyncQueue, enqueue_now
from app.sync.state import restart_retrieval


class AutoImportStatus(str, Enum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    SYNCING = "SYNCING"
    BACKLOG = "BACKLOG"
    NEEDS_REAUTH = "NEEDS_REAUTH"
    FAILING = "FAILING"
    DISABLED = "DISABLED"
    LIMIT_REACHED = "LIMIT_REACHED"


def status_of(
    auto_import: ImportState, connection_status: ConnectionStatus, *, held_by_contact_limit: bool = False
) -> AutoImportStatus:
    """The one status a user sees, the most pressing first.

    LIMIT_REACHED (`held_by_contact_limit`, see `imports_held_by_contact_limit`) comes after the
    states that stop a sync altogether and before BACKLOG: a backlog behind a full account
    drains nothing new until the limit is raised.
    """
    if auto_import.disabled_reason:
        return AutoImportStatus.DISABLED
    if auto_import.paused:
        return AutoImportStatus.PAUSED
    if connection_status is ConnectionStatus.NEEDS_REAUTH:
        return AutoImportStatus.NEEDS_REAUTH
    if auto_import.syncing_since:
        return AutoImportStatus.SYNCING
    if auto_import.failure_streak:
        return AutoImportStatus.FAILING
    if held_by_contact_limit:
        return AutoImportStatus.LIMIT_REACHED
    if auto_import.has_backlog:
        return AutoImportStatus.BACKLOG
    return AutoImportStatus.ACTIVE


async def imports_held_by_contact_limit(account: Account, auto_import_ids: list[int],
                                        shared: SharedReads | None = None) -> set[int]:
    """The account's imports among these that add nothing new because of the contact limit:
    contacts of theirs are deferred and the account has no room left. Two queries whatever the
    number, none of its own with `shared` (the reads of troubleshooting of these same imports).

    Read from the live state rather than stored by the sync: the status leaves LIMIT_REACHED the
    moment the limit is raised (or contacts are removed), not when the deferred contacts arrive.
    The status answers "is this import blocked?", and once there is room it is not: the next sync
    adds the waiting contacts by itself (troubleshooting still counts them until then), whereas a
    status kept until that sync would ask the user to raise a limit already raised.
    """
    if shared is not None:  # troubleshooting reads the same counts: the same statements, sent once
        waiting: list[int] = list(await shared.deferred())
        if not waiting:
            return set()
        return set(waiting) if await shared.contact_count() >= account.contact_limit else set()
    waiting = cast("list[int]", await AutoImportRepository(account.id).deferred().filter(
        auto_import_id__in=auto_import_ids).distinct().values_list("auto_import_id", flat=True))
    if not waiting:
        return set()
    full = await ContactRepository(account.id).contacts().count() >= account.contact_limit
    return set(waiting) if full else set()


@dataclass
class AutoImportChanges:
    """An edit; None leaves a value as it is."""

    name: str | None = None
    criteria: dict[str, Any] | None = None
    list_ids: list[int] | None = None
    tags: list[str] | None = None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _clean_name(name: str | None, default: str) -> str:
    name = (name or "").strip() or default
    if len(name) > 200:
        raise Invalid("The name is longer than 200 characters.", ["name"])
    return name


def clean_criteria(service_id: str, criteria: Any) -> dict[str, Any]:
    """The criteria as the service's connector normalises them; raises `Invalid` when wrong."""
    if criteria is None:
        criteria = {}
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be a JSON object.", ["criteria"])
    return get_connector(service_id).validate_criteria(criteria)


async def get_auto_import(account_id: int, auto_import_id: int) -> AutoImport:
    found = await AutoImportRepository(account_id).imports().get_or_none(id=auto_import_id).select_related(
        "connection")
    if found is None:
        raise NotFound("There is no such auto-import.", ["id"])
    return found


async def list_auto_imports(account_id: int, service_id: str | None = None) -> list[ShownImport]:
    """The account's imports as the API shows them: plain rows (`ShownImport`), never saved."""
    return await AutoImportRepository(account_id).shown_imports(service_id)


async def create_auto_import(
    account_id: int,
    service_id: str,
    connection_id: int,
    name: str | None,
    criteria: Any,
    list_ids: list[int] | None,
    tags: list[str] | None,
    queue: SyncQueue | None,
) -> AutoImport:
    """Creates an import and queues its first retrieval at once."""
    connector = get_connector(service_id)
    connection = await get_connection(account_id, connection_id)
    if connection.service_id != service_id:
        raise Invalid(f"That connection is to {connection.service_id}, not {service_id}.", ["connectionId"])
    criteria_cleaned = clean_criteria(service_id, criteria)
    lists = await owned_lists(account_id, list_ids or [])
    now = _now()
    async with in_transaction():
        auto_import = await AutoImport.create(
            account_id=account_id,
            connection=connection,
            external_account_id=connection.external_account_id,
            service_id=service_id,
            name=_clean_name(name, f"{connector.description.name} import"),
            criteria=criteria_cleaned,
            tags=clean_tags(tags),
            next_sync_at=now,
        )
        await AutoImportList.bulk_create([AutoImportList(auto_import=auto_import, list=lst) for lst in lists])
    await enqueue_now(queue, connection.external_account_id, now)
    return auto_import


async def update_auto_import(
    account_id: int, auto_import_id: int, changes: AutoImportChanges, queue: SyncQueue | None
) -> AutoImport:
    """Edits an import. New criteria, lists or tags mean a new first retrieval, queued at once."""
    auto_import = await get_auto_import(account_id, auto_import_id)
    repository = AutoImportRepository(account_id)
    update: dict[str, Any] = {}
    if changes.name is not None:
        update["name"] = _clean_name(changes.name, auto_import.name)
    if changes.criteria is not None and (
            criteria := clean_criteria(auto_import.service_id, changes.criteria)) != auto_import.criteria:
        update["criteria"] = criteria
    if changes.tags is not None and (tags := clean_tags(changes.tags)) != auto_import.tags:
        update["tags"] = tags
    lists = await owned_lists(account_id, changes.list_ids) if changes.list_ids is not None else None
    links = repository.list_links().filter(auto_import_id=auto_import.id)
    current = set(cast("list[int]", await links.values_list("list_id", flat=True)))
    lists_changed = lists is not None and {lst.id for lst in lists} != current
    restart = lists_changed or "criteria" in update or "tags" in update
    async with in_transaction():
        if update:
            await repository.imports().filter(id=auto_import.id).update(**update)
        if lists is not None and lists_changed:
            await links.delete()
            await AutoImportList.bulk_create([AutoImportList(auto_import_id=auto_import.id, list=lst) for lst in lists])
        if restart:
            await restart_retrieval(auto_import.id)
            await repository.imports().filter(id=auto_import.id).update(next_sync_at=_now())
    if restart and not auto_import.paused:
        await enqueue_now(queue, auto_import.external_account_id, _now())
    return await get_auto_import(account_id, auto_import_id)


async def delete_auto_import(account_id: int, auto_import_id: int) -> int:
    """Deletes the import and its history; the contacts it brought stay."""
    auto_import = await get_auto_import(account_id, auto_import_id)
    await auto_import.delete()
    return auto_import_id


async def pause_auto_import(account_id: int, auto_import_id: int) -> AutoImport:
    auto_import = await get_auto_import(account_id, auto_import_id)
    await AutoImportRepository(account_id).imports().filter(id=auto_import.id).update(paused=True)
    return await get_auto_import(account_id, auto_import_id)


async def resume_auto_import(account_id: int, auto_import_id: int, queue: SyncQueue | None) -> AutoImport:
    """Resumes a paused or disabled import; if a sync fell due while it was stopped, it runs now."""
    auto_import = await get_auto_import(account_id, auto_import_id)
    now = _now()
    due_now = auto_import.next_sync_at is None or auto_import.next_sync_at <= now or auto_import.disabled_reason
    update: dict[str, Any] = {"paused": False, "disabled_reason": None}
    if auto_import.disabled_reason:
        update |= {"failure_streak": 0, "last_error": None}
    if due_now:
        update["next_sync_at"] = now
    await AutoImportRepository(account_id).imports().filter(id=auto_import.id).update(**update)
    if due_now:
        await enqueue_now(queue, auto_import.external_account_id, now)
    return await get_auto_import(account_id, auto_import_id)


async def sync_auto_import_now(account_id: int, auto_import_id: int, queue: SyncQueue | None) -> AutoImport:
    """Queues a sync at once. A paused import or one whose connection needs re-authorisation
    is refused with the reason; a disabled one is given a fresh start. While the service's rate
    limit lasts (`rate_limited_until`), the source is not called early: the sync is scheduled for
    the limit's end (`next_sync_at`, taken by the tick then) and nothing is queued now."""
    auto_import = await get_auto_import(account_id, auto_import_id)
    if auto_import.paused:
        raise Invalid("The import is paused: resume it to sync.", ["id"])
    if auto_import.connection.status is ConnectionStatus.NEEDS_REAUTH:
        raise Invalid("The connection needs to be re-authorised before it can sync.", ["id"])
    now = _now()
    limited_until = auto_import.rate_limited_until
    run_at = limited_until if limited_until and limited_until > now else now
    await AutoImportRepository(account_id).imports().filter(id=auto_import.id).update(
        next_sync_at=run_at, disabled_reason=None,
        failure_streak=0 if auto_import.disabled_reason else auto_import.failure_streak,
    )
    if run_at == now:
        await enqueue_now(queue, auto_import.external_account_id, now)
    return await get_auto_import(account_id, auto_import_id)
