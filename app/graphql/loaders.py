"""Per-request DataLoaders: each batches one kind of lookup, so lists of objects cost a fixed
number of queries whatever their length (no N+1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader
from tortoise.functions import Count

from app.autoimports.models import AutoImport, AutoImportList, SyncRun
from app.autoimports.troubleshooting import Problem, troubleshoot
from app.config import Settings
from app.connections.models import Connection
from app.autoimports.service import imports_held_by_contact_limit
from app.contacts.graphql import ContactListType, ContactSourceType, CustomFieldType, FieldValueType
from app.contacts.models import ContactSource, ContactTag, FieldValue, ListMembership
from app.contacts.service import list_contact_counts

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _grouped_loader(fetch: Callable[[list[K]], Awaitable[dict[K, V]]], default: Callable[[], V]) -> DataLoader[K, V]:
    async def load(keys: Sequence[K]) -> list[V]:
        found = await fetch(list(keys))
        return [found.get(key, default()) for key in keys]

    return DataLoader(load_fn=load)


async def _lists_of_imports(ids: list[int]) -> dict[int, list[ContactListType]]:
    grouped: dict[int, list[ContactListType]] = defaultdict(list)
    links = AutoImportList.filter(auto_import_id__in=ids).order_by("list_id")
    for auto_import_id, list_id, name in await links.values_list("auto_import_id", "list_id", "list__name"):
        grouped[auto_import_id].append(ContactListType(id=strawberry.ID(str(list_id)), name=name))
    return grouped


async def _lists_of_contacts(ids: list[int]) -> dict[int, list[ContactListType]]:
    # Tuples, not models: a page of 50 contacts built 100 ORM objects (membership and list) for two columns
    grouped: dict[int, list[ContactListType]] = defaultdict(list)
    links = ListMembership.filter(contact_id__in=ids).order_by("list_id")
    for contact_id, list_id, name in await links.values_list("contact_id", "list_id", "list__name"):
        grouped[contact_id].append(ContactListType(id=strawberry.ID(str(list_id)), name=name))
    return grouped


async def _tags_of_contacts(ids: list[int]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for contact_id, name in await ContactTag.filter(contact_id__in=ids).order_by("name").values_list("contact_id", "name"):
        grouped[contact_id].append(name)
    return grouped


async def _field_values_of_contacts(ids: list[int]) -> dict[int, list[FieldValueType]]:
    grouped: dict[int, list[FieldValueType]] = defaultdict(list)
    for row in await FieldValue.filter(contact_id__in=ids).select_related("field").order_by("field_id"):
        grouped[row.contact_id].append(FieldValueType(field=CustomFieldType.from_model(row.field), value=row.value))
    return grouped


async def _sources_of_contacts(ids: list[int]) -> dict[int, list[ContactSourceType]]:
    grouped: dict[int, list[ContactSourceType]] = defaultdict(list)
    rows = ContactSource.filter(contact_id__in=ids).select_related("auto_import").order_by("-last_seen_at", "-id")
    for row in await rows:
        grouped[row.contact_id].append(ContactSourceType.from_model(row))
    return grouped


async def _contact_counts_of_imports(ids: list[int]) -> dict[int, int]:
    """Contacts each import brought or last updated (one provenance row per contact and import)."""
    rows = await ContactSource.filter(auto_import_id__in=ids).annotate(n=Count("id")).group_by(
        "auto_import_id").values_list("auto_import_id", "n")
    return dict(rows)  # type: ignore[arg-type]


async def _held_by_contact_limit(ids: list[int]) -> dict[int, bool]:
    return {auto_import_id: True for auto_import_id in await imports_held_by_contact_limit(ids)}


async def _runs_of_imports(ids: list[int]) -> dict[int, list[SyncRun]]:
    grouped: dict[int, list[SyncRun]] = defaultdict(list)
    for run in await SyncRun.filter(auto_import_id__in=ids).order_by("-id"):
        grouped[run.auto_import_id].append(run)
    return grouped


async def _connections(ids: list[int]) -> dict[int, Connection]:
    return {c.id: c for c in await Connection.filter(id__in=ids).select_related("external_account")}


async def _imports_of_connections(ids: list[int]) -> dict[int, list[Any]]:
    from app.autoimports.graphql import AutoImportType

    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await AutoImport.filter(connection_id__in=ids).order_by("id"):
        grouped[row.connection_id].append(AutoImportType.from_model(row))
    return grouped


async def _import_counts(account_ids: list[int]) -> dict[int, dict[str, int]]:
    grouped: dict[int, dict[str, int]] = defaultdict(dict)
    rows = await AutoImport.filter(account_id__in=account_ids).annotate(n=Count("id")).group_by(
        "account_id", "service_id"
    ).values_list("account_id", "service_id", "n")
    for account_id, service_id, count in rows:
        grouped[account_id][service_id] = count
    return grouped


class Loaders:
    def __init__(self, settings: Settings) -> None:
        self.lists_of_import = _grouped_loader(_lists_of_imports, list)
        self.lists_of_contact = _grouped_loader(_lists_of_contacts, list)
        self.tags_of_contact = _grouped_loader(_tags_of_contacts, list)
        self.field_values_of_contact = _grouped_loader(_field_values_of_contacts, list)
        self.runs_of_import = _grouped_loader(_runs_of_imports, list)
        self.sources_of_contact = _grouped_loader(_sources_of_contacts, list)
        self.contact_count_of_import = _grouped_loader(_contact_counts_of_imports, int)
        self.held_by_contact_limit = _grouped_loader(_held_by_contact_limit, bool)
        self.connection = _grouped_loader(_connections, lambda: None)
        self.imports_of_connection = _grouped_loader(_imports_of_connections, list)
        self.import_counts_by_service = _grouped_loader(_import_counts, dict)
        self.list_contact_count = _grouped_loader(list_contact_counts, int)

        async def load_problems(imports: Sequence[AutoImport]) -> list[list[Problem]]:
            found = await troubleshoot(list(imports), settings)
            return [found[ai.id] for ai in imports]

        self.troubleshooting: DataLoader[AutoImport, list[Problem]] = DataLoader(
            load_fn=load_problems, cache_key_fn=lambda ai: ai.id
        )
