"""GraphQL types of contacts, lists and custom fields (resolved through the request's loaders)."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.contacts import models, service
from app.contacts.repository import ContactState, ShownContact, ShownContactWithParts
from app.graphql.preload import absent, asked, later_field

if TYPE_CHECKING:
    from app.autoimports.graphql import AutoImportType
    from app.connections.graphql import ServiceType
    from app.graphql.errors import UserError  # resolved lazily by Strawberry: app.graphql imports this module
    from app.graphql.loaders import Loaders


@strawberry.enum(name="ContactStatus", description="Whether a contact receives email.")
class ContactStatusEnum(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Subscribed: the contact receives email.")
    UNSUBSCRIBED = strawberry.enum_value(
        "UNSUBSCRIBED", description="The contact opted out (`unsubscribeContact`, or an unsubscribe at a source "
        "that reports one). Imports never make such a contact active again; they may still update its fields.")
    BOUNCED = strawberry.enum_value(
        "BOUNCED", description="Email to the address bounced. Imports never make such a contact active again; "
        "they may still update its fields.")


@strawberry.type(name="ContactList", description="A list of the account's contacts. Auto-imports add the "
                 "contacts they bring to their lists; `createContact` can add a contact to lists too.")
class ContactListType:
    id: strawberry.ID = strawberry.field(description="The list's id, as `listIds` arguments take it.")
    name: str = strawberry.field(description="The list's name, unique within the account (1 to 200 characters).")

    @strawberry.field(description="How many contacts are on the list now, of every status.")
    async def contact_count(self, info: strawberry.Info) -> int:
        return await info.context.loaders.list_contact_count.load(int(self.id))

    @classmethod
    def from_model(cls, row: models.ContactList) -> ContactListType:
        return cls(id=strawberry.ID(str(row.id)), name=row.name)


@strawberry.type(name="CustomField", description="A contact field beyond email, first name, last name and phone, "
                 "created by an import the first time its service brings that field, titled after the service "
                 "(\"Google Contacts Birthday\"). One per personalization tag in the account: reused by every "
                 "later import, never duplicated.")
class CustomFieldType:
    id: strawberry.ID = strawberry.field(description="The custom field's id.")
    title: str = strawberry.field(description="The field's title: the service's name and the field's label at "
                                  "the service, e.g. \"Shopify Total spent\".")
    perstag: str = strawberry.field(description="The personalization tag that puts the field's value into an email, "
                                    "e.g. `%GOOGLE_CONTACTS_BIRTHDAY%`.")
    service_id: strawberry.Private[str | None]

    @strawberry.field(description="The service whose imports created the field; null for a field no service created.")
    def service(self) -> Annotated[ServiceType, strawberry.lazy("app.connections.graphql")] | None:
        from app.connections.graphql import ServiceType

        return ServiceType.by_id(self.service_id) if self.service_id else None

    @classmethod
    def from_model(cls, row: models.CustomField) -> CustomFieldType:
        return cls(id=strawberry.ID(str(row.id)), title=row.title, perstag=row.perstag, service_id=row.service_id)


@strawberry.type(name="FieldValue", description="A contact's value for one custom field.")
class FieldValueType:
    field: CustomFieldType = strawberry.field(description="The custom field this value is for.")
    value: str = strawberry.field(description="The value as the source gave it (surrounding spaces trimmed); a "
                                  "blank value at the source never overwrites a stored one.")


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
    def auto_import(
        self, info: strawberry.Info
    ) -> Annotated[AutoImportType, strawberry.lazy("app.autoimports.graphql")] | None:
        from app.autoimports.graphql import AutoImportType

        row = self.auto_import_row
        return AutoImportType.from_model(row, info.context.loaders) if row else None  # type: ignore[arg-type]

    @strawberry.field(description="The service the record came from.")
    def service(self) -> Annotated[ServiceType, strawberry.lazy("app.connections.graphql")]:
        from app.connections.graphql import ServiceType

        return ServiceType.by_id(self.service_id)

    @classmethod
    def from_model(cls, row: models.ContactSource) -> ContactSourceType:
        return cls(external_id=row.external_id, first_seen_at=row.first_seen_at, last_seen_at=row.last_seen_at,
                   service_id=row.service_id, auto_import_row=row.auto_import)


async def _field_values(root: ContactType, info: strawberry.Info) -> list[FieldValueType]:
    return await info.context.loaders.field_values_of_contact.load(int(root.id))


async def _sources(root: ContactType, info: strawberry.Info) -> list[ContactSourceType]:
    return await info.context.loaders.sources_of_contact.load(int(root.id))


@strawberry.type(name="Contact", description="A contact of the account, unique by email (case-insensitive): "
                 "imports that meet the same address update this one contact, and `createContact` answers CONFLICT.")
class ContactType:
    id: strawberry.ID = strawberry.field(description="The contact's id.")
    email: str = strawberry.field(description="The email address, normalised (surrounding spaces removed, domain "
                                  "lower-cased). Lookups by email ignore case.")
    first_name: str | None = strawberry.field(description="First name; null when none was given. An empty value "
                                              "at a source never erases a stored one.")
    last_name: str | None = strawberry.field(description="Last name; null when none was given. An empty value at a "
                                             "source never erases a stored one.")
    phone: str | None = strawberry.field(description="Phone number as given; null when none was given. An empty "
                                         "value at a source never erases a stored one.")
    status: ContactStatusEnum = strawberry.field(description="Whether the contact receives email. Imports never "
                                                 "make an unsubscribed or bounced contact active again.")
    created_at: datetime = strawberry.field(description="When the contact was created (UTC).")
    updated_at: datetime = strawberry.field(description="When the contact's name, phone or status last changed "
                                            "(UTC); custom field values, lists and tags do not move it.")

    # Plain fields (see `app.graphql.preload`): read ahead by `preloaded_contacts`, or a `Later` read
    # through the request's loaders when asked. The others keep their resolvers, declared here so
    # that the schema keeps its field order.
    lists: list[ContactListType] = strawberry.field(description="The lists the contact is on, by list id.")
    tags: list[str] = strawberry.field(description="The contact's tags, alphabetically. Imports add their tags; they "
                                       "never remove one.")
    field_values: list[FieldValueType] = strawberry.field(
        resolver=_field_values, description="The contact's custom field values, by custom field id.")
    sources: list[ContactSourceType] = strawberry.field(
        resolver=_sources, description="The auto-imports that brought or updated the contact, the most recent first.")

    @classmethod
    def from_model(cls, row: ContactState, loaders: Loaders) -> ContactType:
        """The contact, its lists and tags read through `loaders` if asked."""
        return cls.with_parts(row, later_field(partial(loaders.lists_of_contact.load, row.id)),
                              later_field(partial(loaders.tags_of_contact.load, row.id)))

    @classmethod
    def with_parts(cls, row: ContactState, lists: Any, tags: Any) -> ContactType:
        """The contact with these answers (values or `Later`s) of `lists` and `tags`."""
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            phone=row.phone,
            status=ContactStatusEnum(row.status.value),
            created_at=row.created_at,
            updated_at=row.updated_at,
            lists=lists,
            tags=tags,
        )


async def preloaded_contacts(rows: list[ShownContact], info: strawberry.Info, *path: str) -> list[ContactType]:
    """The types of these contacts with `lists` and `tags` read ahead when the query asks for them
    under `path` (from the current field to the contacts): the loaders' batch reads, called once
    for the page. A field asked only through a fragment is read through the loaders."""
    wanted, loaders = asked(info, *path), info.context.loaders
    ids = [row.id for row in rows]
    if {"lists", "tags"} <= wanted:  # both from one statement
        lists, tags = await loaders.read_parts_of_contacts(ids)
    else:
        lists, tags = await asyncio.gather(
            loaders.read_lists_of_contacts(ids) if "lists" in wanted else absent(),
            loaders.read_tags_of_contacts(ids) if "tags" in wanted else absent())
    return [ContactType.with_parts(
        row,
        lists.get(row.id, []) if lists is not None else later_field(partial(loaders.lists_of_contact.load, row.id)),
        tags.get(row.id, []) if tags is not None else later_field(partial(loaders.tags_of_contact.load, row.id)),
    ) for row in rows]


async def contact_page(account_id: int, size: int, after: str | None, email: str | None, list_id: int | None,
                       tag: str | None, info: strawberry.Info) -> tuple[service.ContactPage, list[ContactType]]:
    """A page of the account's contacts for `contacts`, and their types. When the query asks for
    their lists or tags (outside a fragment), an unfiltered page reads them in its own statement,
    both of them: a round trip less than `preloaded_contacts` reading them after it."""
    with_parts = bool(asked(info, "edges", "node") & {"lists", "tags"})
    page = await service.page_of_contacts(account_id, size, after, email, list_id, tag, with_parts=with_parts)
    if page.parts is None:
        return page, await preloaded_contacts(page.contacts, info, "edges", "node")
    return page, [_with_read_parts(page.parts[row.id]) for row in page.contacts]


async def contact_of_email(account_id: int, email: str, info: strawberry.Info) -> ContactType:
    """The account's contact with this email (`NotFound` when none). When the query asks for its
    lists or tags (outside a fragment), they come from the statement that finds it, both of them:
    a round trip less than `preloaded_contacts` reading them after it."""
    if not asked(info) & {"lists", "tags"}:
        return ContactType.from_model(await service.shown_contact(account_id, email), info.context.loaders)
    return _with_read_parts(await service.shown_contact_with_parts(account_id, email))


def _with_read_parts(found: ShownContactWithParts) -> ContactType:
    lists = [ContactListType(id=strawberry.ID(str(list_id)), name=name) for list_id, name in found.lists]
    return ContactType.with_parts(found.contact, lists, found.tags)


@strawberry.type(name="PageInfo", description="Where a page of a paginated list ends.")
class PageInfoType:
    has_next_page: bool = strawberry.field(description="True when more items follow this page: ask again with "
                                           "`after: endCursor`.")
    end_cursor: str | None = strawberry.field(description="The cursor of the page's last item; null for an empty page.")


@strawberry.type(name="ContactEdge", description="One contact of a page, with its cursor.")
class ContactEdgeType:
    cursor: str = strawberry.field(description="An opaque cursor: pass it as `after` to get the contacts that follow.")
    node: ContactType = strawberry.field(description="The contact.")


@strawberry.type(name="ContactConnection", description="A page of contacts, oldest first (cursor pagination).")
class ContactConnectionType:
    edges: list[ContactEdgeType] = strawberry.field(description="The page's contacts, in creation order.")
    page_info: PageInfoType = strawberry.field(description="Whether more contacts follow, and the cursor to ask "
                                               "for them.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many contacts match the filters, over all pages. Counted only when asked for: "
                      "on a large account it costs more than the page itself.")
    async def total_count(self) -> int:
        """Counted only when asked for: on a large account it costs more than the page itself."""
        return await self.count()


@strawberry.input(description="A new list of contacts.")
class CreateListInput:
    name: str = strawberry.field(description="The list's name, 1 to 200 characters after trimming; unique within the "
                                 "account (a taken name is a CONFLICT).")


@strawberry.input(description="A new contact, created the platform's own way (the contact limit applies and "
                  "contact events are recorded).")
class CreateContactInput:
    email: str = strawberry.field(description="A valid email address (syntax checked, no DNS lookup); it must not "
                                  "belong to a contact of the account yet, in any case.")
    first_name: str | None = strawberry.field(default=None, description="First name, at most 200 characters; "
                                              "null or empty for none.")
    last_name: str | None = strawberry.field(default=None, description="Last name, at most 200 characters; "
                                             "null or empty for none.")
    phone: str | None = strawberry.field(default=None, description="Phone number, at most 100 characters; "
                                         "null or empty for none.")
    list_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Lists to put the contact on (a subscription event is recorded for each); "
        "each must be a list of the account. Null or empty for none.")
    tags: list[str] | None = strawberry.field(default=None, description="Tags to give the contact, each 1 to 200 "
                                              "characters after trimming; duplicates are dropped. Null for none.")


@strawberry.type(description="What `createList` answers.")
class ListPayload:
    list: ContactListType | None = strawberry.field(description="The new list; null when `userErrors` say why not.")
    user_errors: builtins.list[Annotated[UserError, strawberry.lazy("app.graphql.errors")]] = strawberry.field(
        description="Why no list was created; empty on success.")


@strawberry.type(description="What a mutation of a contact answers.")
class ContactPayload:
    contact: ContactType | None = strawberry.field(description="The contact as it is now; null when `userErrors` "
                                                   "say why nothing was done.")
    user_errors: list[Annotated[UserError, strawberry.lazy("app.graphql.errors")]] = strawberry.field(
        description="Why nothing was done; empty on success.")
