"""Per-request DataLoaders: each batches one kind of lookup, so lists of objects cost a fixed
number of queries whatever their length (no N+1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from functools import partial
from typing import Any, TypeVar, cast

import strawberry
from strawberry.dataloader import DataLoader
from tortoise.functions import Count

from app.accounts.models import Account
from app.autoimports.models import SyncRun
from app.autoimports.repository import AutoImportRepository, ImportState
from app.autoimports.service import imports_held_by_contact_limit
from app.autoimports.troubleshooting import Problem, SharedReads, troubleshoot
from app.config import Settings
from app.connections.models import Connection
from app.connections.repository import ConnectionRepository
from app.contacts.graphql import ContactListType, ContactSourceType, CustomFieldType, FieldValueType
from app.contacts.repository import ContactRepository
from app.contacts.service import list_contact_counts

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _grouped_loader(fetch: Callable[[list[K]], Awaitable[dict[K, V]]], default: Callable[[], V]) -> DataLoader[K, V]:
    async def load(keys: Sequence[K]) -> list[V]:
        found = await fetch(list(keys))
        return [found.get(key, default()) for key in keys]

    return DataLoader(load_fn=load)


async def _lists_of_imports(own: AutoImportRepository, ids: list[int]) -> dict[int, list[ContactListType]]:
    grouped: dict[int, list[ContactListType]] = defaultdict(list)
    for auto_import_id, list_id, name in await own.lists_of(ids):
        grouped[auto_import_id].append(ContactListType(id=strawberry.ID(str(list_id)), name=name))
    return grouped


def _lists_by_contact(rows: list[tuple[int, int, str]]) -> dict[int, list[ContactListType]]:
    # Tuples, not models: a page of 50 contacts built 100 ORM objects (membership and list) for two columns
    grouped: dict[int, list[ContactListType]] = defaultdict(list)
    for contact_id, list_id, name in rows:
        grouped[contact_id].append(ContactListType(id=strawberry.ID(str(list_id)), name=name))
    return grouped


def _tags_by_contact(rows: list[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in rows:
        grouped[contact_id].append(name)
    return grouped


async def _lists_of_contacts(own: ContactRepository, ids: list[int]) -> dict[int, list[ContactListType]]:
    return _lists_by_contact(await own.lists_of(ids))


async def _tags_of_contacts(own: ContactRepository, ids: list[int]) -> dict[int, list[str]]:
    return _tags_by_contact(await own.tags_of(ids))


async def _parts_of_contacts(own: ContactRepository,
                             ids: list[int]) -> tuple[dict[int, list[ContactListType]], dict[int, list[str]]]:
    """Lists and tags of these contacts from one statement: a round trip less than both reads."""
    lists, tags = await own.parts_of(ids)
    return _lists_by_contact(lists), _tags_by_contact(tags)


async def _field_values_of_contacts(own: ContactRepository, ids: list[int]) -> dict[int, list[FieldValueType]]:
    grouped: dict[int, list[FieldValueType]] = defaultdict(list)
    for row in await own.field_values().filter(contact_id__in=ids).select_related("field").order_by("field_id"):
        grouped[row.contact_id].append(FieldValueType(field=CustomFieldType.from_model(row.field), value=row.value))
    return grouped


async def _sources_of_contacts(own: ContactRepository, ids: list[int]) -> dict[int, list[ContactSourceType]]:
    grouped: dict[int, list[ContactSourceType]] = defaultdict(list)
    rows = own.sources().filter(contact_id__in=ids).select_related("auto_import").order_by("-last_seen_at", "-id")
    for row in await rows:
        grouped[row.contact_id].append(ContactSourceType.from_model(row))
    return grouped


async def _contact_counts_of_imports(own: ContactRepository, ids: list[int]) -> dict[int, int]:
    """Contacts each import brought or last updated (one provenance row per contact and import)."""
    rows = await own.sources().filter(auto_import_id__in=ids).annotate(n=Count("id")).group_by(
        "auto_import_id").values_list("auto_import_id", "n")
    return dict(cast("list[tuple[int, int]]", rows))


async def _held_by_contact_limit(account: Account, ids: list[int],
                                 shared: SharedReads | None = None) -> dict[int, bool]:
    return dict.fromkeys(await imports_held_by_contact_limit(account, ids, shared), True)


async def _runs_of_imports(own: AutoImportRepository, ids: list[int]) -> dict[int, list[SyncRun]]:
    grouped: dict[int, list[SyncRun]] = defaultdict(list)
    for run in await own.runs().filter(auto_import_id__in=ids).order_by("-id"):
        grouped[run.auto_import_id].append(run)
    return grouped


async def _connections(own: ConnectionRepository, ids: list[int]) -> dict[int, Connection | None]:
    return {c.id: c for c in await own.connections().filter(id__in=ids).select_related("external_account")}


async def _imports_of_connections(own: AutoImportRepository, loaders: Loaders,
                                  ids: list[int]) -> dict[int, list[Any]]:
    from app.autoimports.graphql import AutoImportType

    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await own.imports().filter(connection_id__in=ids).order_by("id"):
        grouped[row.connection_id].append(AutoImportType.from_model(row, loaders))
    return grouped


async def _import_counts(own: AutoImportRepository, account_ids: list[int]) -> dict[int, dict[str, int]]:
    grouped: dict[int, dict[str, int]] = defaultdict(dict)
    rows = await own.imports().filter(account_id__in=account_ids).annotate(n=Count("id")).group_by(
        "account_id", "service_id"
    ).values_list("account_id", "service_id", "n")
    for account_id, service_id, count in rows:
        grouped[account_id][service_id] = count
    return grouped


class Loaders:
    """The request's loaders, built with its account: every batch reads through the account's
    repositories, so an id of another account's object loads nothing."""

    def __init__(self, account: Account, settings: Settings) -> None:
        contacts, imports = ContactRepository(account.id), AutoImportRepository(account.id)
        connections = ConnectionRepository(account.id)
        self.lists_of_import = _grouped_loader(partial(_lists_of_imports, imports), list)
        self.lists_of_contact = _grouped_loader(partial(_lists_of_contacts, contacts), list)
        self.tags_of_contact = _grouped_loader(partial(_tags_of_contacts, contacts), list)
        self.field_values_of_contact = _grouped_loader(partial(_field_values_of_contacts, contacts), list)
        self.runs_of_import = _grouped_loader(partial(_runs_of_imports, imports), list)
        self.sources_of_contact = _grouped_loader(partial(_sources_of_contacts, contacts), list)
        self.contact_count_of_import = _grouped_loader(partial(_contact_counts_of_imports, contacts), int)
        self.held_by_contact_limit = _grouped_loader(partial(_held_by_contact_limit, account), bool)
        self.connection: DataLoader[int, Connection | None] = _grouped_loader(
            partial(_connections, connections), lambda: None)
        self.imports_of_connection = _grouped_loader(partial(_imports_of_connections, imports, self), list)
        self.import_counts_by_service = _grouped_loader(partial(_import_counts, imports), dict)
        self.list_contact_count = _grouped_loader(partial(list_contact_counts, account.id), int)
        # The batch reads themselves, for a root resolver reading a whole list ahead
        # (`app.graphql.preload`): one call and one statement, without a future per key.
        self.read_lists_of_imports = partial(_lists_of_imports, imports)
        self.read_held_by_contact_limit = partial(_held_by_contact_limit, account)
        self.read_lists_of_contacts = partial(_lists_of_contacts, contacts)
        self.read_tags_of_contacts = partial(_tags_of_contacts, contacts)
        self.read_parts_of_contacts = partial(_parts_of_contacts, contacts)
        self.account, self.settings = account, settings

        async def load_problems(batch: Sequence[ImportState]) -> list[list[Problem]]:
            # Through the connection loader: the status field asks for the same connections in the
            # same tick, so both are one statement.
            loaded = await self.connection.load_many([ai.connection_id for ai in batch])
            connections = {row.id: row for row in loaded if row is not None}
            found = await troubleshoot(account, list(batch), settings, connections)
            return [found[ai.id] for ai in batch]

        self.troubleshooting: DataLoader[ImportState, list[Problem]] = DataLoader(
            load_fn=load_problems, cache_key_fn=lambda ai: ai.id
        )

    async def connections_of(self, imports: Sequence[ImportState]) -> dict[int, Connection]:
        """The connections of these imports by id, through the connection loader (one key each)."""
        loaded = await self.connection.load_many(list({ai.connection_id for ai in imports}))
        return {row.id: row for row in loaded if row is not None}

    async def read_problems(self, imports: list[ImportState], connections: Awaitable[dict[int, Connection]],
                            shared: SharedReads | None = None) -> dict[int, list[Problem]]:
        """Troubleshooting of these imports, once `connections` (theirs, by id) are read; `shared`
        with the status of the same imports."""
        return await troubleshoot(self.account, imports, self.settings, await connections, shared)
