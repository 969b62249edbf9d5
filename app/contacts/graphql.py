"""GraphQL types of contacts, lists and custom fields (resolved through the request's loaders)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.contacts import models

if TYPE_CHECKING:
    from app.autoimports.graphql import AutoImportType
    from app.connections.graphql import ServiceType


@strawberry.enum(name="ContactStatus")
class ContactStatusEnum(Enum):
    ACTIVE = "ACTIVE"
    UNSUBSCRIBED = "UNSUBSCRIBED"
    BOUNCED = "BOUNCED"


@strawberry.type(name="ContactList")
class ContactListType:
    id: strawberry.ID
    name: str

    @strawberry.field
    async def contact_count(self, info: strawberry.Info) -> int:
        return await info.context.loaders.list_contact_count.load(int(self.id))

    @classmethod
    def from_model(cls, row: models.ContactList) -> ContactListType:
        return cls(id=strawberry.ID(str(row.id)), name=row.name)


@strawberry.type(name="CustomField")
class CustomFieldType:
    id: strawberry.ID
    title: str
    perstag: str
    service_id: strawberry.Private[str | None]

    @strawberry.field
    def service(self) -> Annotated[ServiceType, strawberry.lazy("app.connections.graphql")] | None:
        from app.connections.graphql import ServiceType

        return ServiceType.by_id(self.service_id) if self.service_id else None

    @classmethod
    def from_model(cls, row: models.CustomField) -> CustomFieldType:
        return cls(id=strawberry.ID(str(row.id)), title=row.title, perstag=row.perstag, service_id=row.service_id)


@strawberry.type(name="FieldValue")
class FieldValueType:
    field: CustomFieldType
    value: str


@strawberry.type(name="ContactSource", description=(
    "Provenance of a contact: an auto-import that brought it or updated it, and the record at the "
    "service it came from. Kept when the import is deleted."))
class ContactSourceType:
    external_id: str = strawberry.field(description="The record's id at the service (a row, a person, a customer).")
    first_seen_at: datetime = strawberry.field(description="When this import first brought or updated the contact.")
    last_seen_at: datetime = strawberry.field(
        description="When this import last brought a new version of the record (unchanged records cost no write).")
    service_id: strawberry.Private[str]
    auto_import_row: strawberry.Private[object | None]

    @strawberry.field(description="The auto-import; null once it has been deleted (the contact and this history stay).")
    def auto_import(self) -> Annotated[AutoImportType, strawberry.lazy("app.autoimports.graphql")] | None:
        from app.autoimports.graphql import AutoImportType

        return AutoImportType.from_model(self.auto_import_row) if self.auto_import_row else None  # type: ignore[arg-type]

    @strawberry.field(description="The service the record came from.")
    def service(self) -> Annotated[ServiceType, strawberry.lazy("app.connections.graphql")]:
        from app.connections.graphql import ServiceType

        return ServiceType.by_id(self.service_id)

    @classmethod
    def from_model(cls, row: models.ContactSource) -> ContactSourceType:
        return cls(external_id=row.external_id, first_seen_at=row.first_seen_at, last_seen_at=row.last_seen_at,
                   service_id=row.service_id, auto_import_row=row.auto_import)


@strawberry.type(name="Contact")
class ContactType:
    id: strawberry.ID
    email: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    status: ContactStatusEnum
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    async def lists(self, info: strawberry.Info) -> list[ContactListType]:
        return await info.context.loaders.lists_of_contact.load(int(self.id))

    @strawberry.field
    async def tags(self, info: strawberry.Info) -> list[str]:
        return await info.context.loaders.tags_of_contact.load(int(self.id))

    @strawberry.field
    async def field_values(self, info: strawberry.Info) -> list[FieldValueType]:
        return await info.context.loaders.field_values_of_contact.load(int(self.id))

    @strawberry.field(description="The auto-imports that brought or updated the contact, the most recent first.")
    async def sources(self, info: strawberry.Info) -> list[ContactSourceType]:
        return await info.context.loaders.sources_of_contact.load(int(self.id))

    @classmethod
    def from_model(cls, row: models.Contact) -> ContactType:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            phone=row.phone,
            status=ContactStatusEnum(row.status.value),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.type(name="PageInfo")
class PageInfoType:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(name="ContactEdge")
class ContactEdgeType:
    cursor: str
    node: ContactType


@strawberry.type(name="ContactConnection")
class ContactConnectionType:
    edges: list[ContactEdgeType]
    page_info: PageInfoType
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        """Counted only when asked for: on a large account it costs more than the page itself."""
        return await self.count()


@strawberry.input
class CreateListInput:
    name: str


@strawberry.input
class CreateContactInput:
    email: str
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    list_ids: list[strawberry.ID] | None = None
    tags: list[str] | None = None
