"""The GraphQL schema (built once, at import). Resolvers are thin: parse, call a service, map."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from app.accounts.graphql import AccountType
from app.autoimports import service as imports
from app.autoimports.graphql import (
    AutoImportPayload,
    AutoImportType,
    CreateAutoImportInput,
    DeletePayload,
    PreviewAutoImportInput,
    PreviewPayload,
    PreviewRecordType,
    UpdateAutoImportInput,
)
from app.autoimports.preview import Preview, preview_auto_import
from app.connections import deletion, oauth_flow
from app.connections import service as connections
from app.connections.graphql import ConnectionType, ConnectServiceInput, ConnectServicePayload, ServiceType
from app.connectors.registry import CONNECTORS
from app.contacts import service as contacts
from app.contacts.graphql import (
    ContactConnectionType,
    ContactEdgeType,
    ContactListType,
    ContactType,
    CreateContactInput,
    CreateListInput,
    CustomFieldType,
    PageInfoType,
)
from app.errors import DomainError
from app.graphql.context import Context
from app.graphql.errors import UserError, attempt, parse_id, should_mask_error
from app.sync.graphql import Subscription


DEFAULT_PAGE = 50


@strawberry.type
class ListPayload:
    list: ContactListType | None
    user_errors: list[UserError]


@strawberry.type
class ContactPayload:
    contact: ContactType | None
    user_errors: list[UserError]


def _ids(values: list[strawberry.ID] | None, field: str) -> list[int] | None:
    return None if values is None else [parse_id(v, field) for v in values]


def _connection(row: object) -> ConnectionType:
    return ConnectionType.from_model(row, row.external_account.name)  # type: ignore[attr-defined]


async def _or_none(action: object) -> object:
    try:
        return await action  # type: ignore[misc]
    except DomainError:
        return None


@strawberry.type
class Query:
    @strawberry.field
    def me(self, info: strawberry.Info[Context]) -> AccountType:
        return AccountType.from_model(info.context.account)

    @strawberry.field
    def services(self) -> list[ServiceType]:
        return [ServiceType.from_description(c.description) for c in CONNECTORS.values()]

    @strawberry.field
    def service(self, id: strawberry.ID) -> ServiceType | None:
        connector = CONNECTORS.get(str(id))
        return ServiceType.from_description(connector.description) if connector else None

    @strawberry.field
    async def connections(self, info: strawberry.Info[Context], service_id: strawberry.ID | None = None) -> list[ConnectionType]:
        rows = await connections.list_connections(info.context.account.id, service_id and str(service_id))
        return [_connection(row) for row in rows]

    @strawberry.field(description="One of the caller's connections; null when there is none with this id (another "
                                  "account's included).")
    async def connection(
        self, info: strawberry.Info[Context],
        id: Annotated[strawberry.ID, strawberry.argument(description="The connection's id.")],
    ) -> ConnectionType | None:
        async def find() -> ConnectionType:
            return _connection(await connections.get_connection(info.context.account.id, parse_id(id, "id")))

        return await _or_none(find())  # type: ignore[return-value]

    @strawberry.field
    async def auto_imports(self, info: strawberry.Info[Context], service_id: strawberry.ID | None = None) -> list[AutoImportType]:
        rows = await imports.list_auto_imports(info.context.account.id, service_id and str(service_id))
        return [AutoImportType.from_model(row) for row in rows]

    @strawberry.field
    async def auto_import(self, info: strawberry.Info[Context], id: strawberry.ID) -> AutoImportType | None:
        async def find() -> AutoImportType:
            return AutoImportType.from_model(await imports.get_auto_import(info.context.account.id, parse_id(id, "id")))

        return await _or_none(find())  # type: ignore[return-value]

    @strawberry.field
    async def lists(self, info: strawberry.Info[Context]) -> list[ContactListType]:
        return [ContactListType.from_model(row) for row in await contacts.lists_of_account(info.context.account.id)]

    @strawberry.field
    async def custom_fields(self, info: strawberry.Info[Context], service_id: strawberry.ID | None = None) -> list[CustomFieldType]:
        rows = await contacts.custom_fields_of_account(info.context.account.id, service_id and str(service_id))
        return [CustomFieldType.from_model(row) for row in rows]

    @strawberry.field
    async def contacts(
        self,
        info: strawberry.Info[Context],
        first: int | None = DEFAULT_PAGE,
        after: str | None = None,
        email: str | None = None,
        list_id: strawberry.ID | None = None,
        tag: str | None = None,
    ) -> ContactConnectionType:
        try:
            list_key = parse_id(list_id, "listId") if list_id is not None else None
        except DomainError:
            list_key = -1  # no list has this id: an empty page, like any unknown list
        size = DEFAULT_PAGE if first is None else first  # the contract's `Int = 50`: null means the default
        page = await contacts.page_of_contacts(info.context.account.id, size, after, email, list_key, tag)
        edges = [ContactEdgeType(cursor=contacts.contact_cursor(c), node=ContactType.from_model(c)) for c in page.contacts]
        return ContactConnectionType(
            edges=edges,
            page_info=PageInfoType(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            count=page.total,
        )

    @strawberry.field
    async def contact(self, info: strawberry.Info[Context], email: str) -> ContactType | None:
        async def find() -> ContactType:
            return ContactType.from_model(await contacts.get_contact(info.context.account.id, email))

        return await _or_none(find())  # type: ignore[return-value]


def _import_payload(result: tuple[object, list[UserError]]) -> AutoImportPayload:
    row, errors = result
    return AutoImportPayload(auto_import=AutoImportType.from_model(row) if row else None, user_errors=errors)  # type: ignore[arg-type]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_list(self, info: strawberry.Info[Context], input: CreateListInput) -> ListPayload:
        row, errors = await attempt(contacts.create_list(info.context.account.id, input.name))
        return ListPayload(list=ContactListType.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation
    async def create_contact(self, info: strawberry.Info[Context], input: CreateContactInput) -> ContactPayload:
        account = info.context.account

        async def create() -> object:
            return await contacts.create_contact(
                account.id, account.contact_limit, input.email, input.first_name, input.last_name, input.phone,
                _ids(input.list_ids, "listIds"), input.tags,
            )

        row, errors = await attempt(create())
        return ContactPayload(contact=ContactType.from_model(row) if row else None, user_errors=errors)  # type: ignore[arg-type]

    @strawberry.mutation
    async def unsubscribe_contact(self, info: strawberry.Info[Context], email: str) -> ContactPayload:
        row, errors = await attempt(contacts.unsubscribe_contact(info.context.account.id, email))
        return ContactPayload(contact=ContactType.from_model(row) if row else None, user_errors=errors)

    @strawberry.mutation
    async def connect_service(self, info: strawberry.Info[Context], input: ConnectServiceInput) -> ConnectServicePayload:
        ctx = info.context
        started, errors = await attempt(oauth_flow.start_connection(
            ctx.account.id, str(input.service_id), input.name, input.settings, ctx.cipher, ctx.source, ctx.queue))
        row = started.connection if started else None
        if row is not None:
            row = await connections.get_connection(ctx.account.id, row.id)
        return ConnectServicePayload(connection=_connection(row) if row else None,
                                     authorize_url=started.authorize_url if started else None, user_errors=errors)

    @strawberry.mutation(description="Deletes a connection: erases its stored credentials and revokes its OAuth "
                                     "tokens at the service where it can. While auto-imports use it, answers "
                                     "CONFLICT naming them, unless `deleteImports` is true. Contacts always stay.")
    async def delete_connection(
        self, info: strawberry.Info[Context],
        id: Annotated[strawberry.ID, strawberry.argument(description="The connection to delete.")],
        delete_imports: Annotated[bool | None, strawberry.argument(
            description="Also delete the auto-imports that use the connection (their contacts stay); null means "
                        "false.")] = False,
    ) -> DeletePayload:
        ctx = info.context

        async def delete() -> int:
            return await deletion.delete_connection(ctx.account.id, parse_id(id, "id"), bool(delete_imports),
                                                    ctx.cipher, ctx.source, ctx.choices)

        deleted, errors = await attempt(delete())
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.mutation
    async def create_auto_import(self, info: strawberry.Info[Context], input: CreateAutoImportInput) -> AutoImportPayload:
        ctx = info.context

        async def create() -> object:
            return await imports.create_auto_import(
                ctx.account.id, str(input.service_id), parse_id(input.connection_id, "connectionId"), input.name,
                input.criteria, _ids(input.list_ids, "listIds"), input.tags, ctx.queue,
            )

        return _import_payload(await attempt(create()))

    @strawberry.mutation(description=(
        "What an auto-import with these criteria would do, before creating it: reads at most one page (50) "
        "from the start of the source and classifies each record exactly as a sync would. Writes nothing "
        "(except a refreshed OAuth token, which is kept so the connection stays usable)."))
    async def preview_auto_import(
        self,
        info: strawberry.Info[Context],
        input: Annotated[PreviewAutoImportInput, strawberry.argument(description="The import to preview.")],
    ) -> PreviewPayload:
        ctx = info.context

        async def preview() -> Preview:
            return await preview_auto_import(ctx.account, str(input.service_id),
                                             parse_id(input.connection_id, "connectionId"), input.criteria,
                                             ctx.cipher, ctx.source)

        found, errors = await attempt(preview())
        return PreviewPayload(records=[PreviewRecordType.from_previewed(r) for r in found.records] if found else [],
                              matched_estimate=found.matched_estimate if found else None, user_errors=errors)

    @strawberry.mutation
    async def update_auto_import(
        self, info: strawberry.Info[Context], id: strawberry.ID, input: UpdateAutoImportInput
    ) -> AutoImportPayload:
        ctx = info.context

        async def update() -> object:
            changes = imports.AutoImportChanges(input.name, input.criteria, _ids(input.list_ids, "listIds"), input.tags)
            return await imports.update_auto_import(ctx.account.id, parse_id(id, "id"), changes, ctx.queue)

        return _import_payload(await attempt(update()))

    @strawberry.mutation
    async def delete_auto_import(self, info: strawberry.Info[Context], id: strawberry.ID) -> DeletePayload:
        async def delete() -> int:
            return await imports.delete_auto_import(info.context.account.id, parse_id(id, "id"))

        deleted, errors = await attempt(delete())
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.mutation
    async def sync_auto_import_now(self, info: strawberry.Info[Context], id: strawberry.ID) -> AutoImportPayload:
        async def sync() -> object:
            return await imports.sync_auto_import_now(info.context.account.id, parse_id(id, "id"), info.context.queue)

        return _import_payload(await attempt(sync()))

    @strawberry.mutation
    async def pause_auto_import(self, info: strawberry.Info[Context], id: strawberry.ID) -> AutoImportPayload:
        async def pause() -> object:
            return await imports.pause_auto_import(info.context.account.id, parse_id(id, "id"))

        return _import_payload(await attempt(pause()))

    @strawberry.mutation
    async def resume_auto_import(self, info: strawberry.Info[Context], id: strawberry.ID) -> AutoImportPayload:
        async def resume() -> object:
            return await imports.resume_auto_import(info.context.account.id, parse_id(id, "id"), info.context.queue)

        return _import_payload(await attempt(resume()))


def build_schema(production: bool) -> strawberry.Schema:
    from strawberry.extensions import DisableIntrospection

    extensions: list[object] = [
        lambda: QueryDepthLimiter(max_depth=10),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=2000),
        lambda: MaskErrors(should_mask_error=should_mask_error),
    ]
    if production:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )


schema = build_schema(production=False)
production_schema = build_schema(production=True)
