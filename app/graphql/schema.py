"""The GraphQL schema (built once, at import). Resolvers are thin: parse, call a service, map."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from app.accounts.graphql import AccountType
from app.autoimports import service as imports
from app.autoimports.graphql import (
    AutoImportPayload,
    AutoImportType,
    CreateAutoImportInput,
    DeletePayload,
    UpdateAutoImportInput,
    preloaded_types,
)
from app.autoimports.models import AutoImport
from app.autoimports.preview import preview_auto_import
from app.autoimports.preview_graphql import PreviewAutoImportInput, PreviewPayload, PreviewRecordType
from app.connections import deletion, oauth_flow
from app.connections import service as connections
from app.connections.graphql import ConnectionType, ConnectServiceInput, ConnectServicePayload, ServiceType
from app.connections.models import Connection
from app.connectors.registry import CONNECTORS
from app.contacts import service as contacts
from app.contacts.graphql import (
    ContactConnectionType,
    ContactEdgeType,
    ContactListType,
    ContactPayload,
    ContactType,
    CreateContactInput,
    CreateListInput,
    CustomFieldType,
    ListPayload,
    PageInfoType,
    contact_of_email,
    contact_page,
)
from app.errors import DomainError
from app.graphql.context import Context
from app.graphql.document_cache import KnownValidDocuments, ValidDocumentMemo
from app.graphql.document_rules import DocumentLengthLimit, NoSuggestions, RequireOperationName
from app.graphql.errors import MaskUnexpectedErrors, parse_id
from app.graphql.input_text import guard_root_fields
from app.graphql.scalars import SCALAR_OVERRIDES
from app.graphql.user_errors import NullWhenNotFound, answer_domain_errors_in_payloads
from app.sync.graphql import Subscription

DEFAULT_PAGE = 50
# Far above any real operation (the token limit is 2,000), far below what costs a process seconds.
MAX_DOCUMENT_CHARACTERS = 100_000

ImportId = Annotated[strawberry.ID, strawberry.argument(description="The auto-import's id (`AutoImport.id`).")]
ServiceFilter = Annotated[strawberry.ID | None, strawberry.argument(
    description="Only those of this service (`Service.id`); null for all. An unknown id matches nothing.")]
ContactEmail = Annotated[str, strawberry.argument(description="The contact's email address, in any case.")]


def _ids(values: list[strawberry.ID] | None, field: str) -> list[int] | None:
    return None if values is None else [parse_id(v, field) for v in values]


def _connection(row: Connection) -> ConnectionType:
    return ConnectionType.from_model(row, row.external_account.name)


@strawberry.type(description="What the caller's account can read. Every object belongs to the account of the "
                 "API token; another account's objects are answered exactly like missing ones.")
class Query:
    @strawberry.field(description="The account the API token belongs to.")
    def me(self, info: strawberry.Info[Context]) -> AccountType:
        return AccountType.from_model(info.context.account)

    @strawberry.field(description="The catalogue of services contacts can be imported from, each with how many "
                      "auto-imports the account has for it.")
    def services(self) -> list[ServiceType]:
        return [ServiceType.from_description(c.description) for c in CONNECTORS.values()]

    @strawberry.field(description="One service of the catalogue; null when there is no service with that id.")
    def service(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The service's id, e.g. `shopify`.")]
    ) -> ServiceType | None:
        connector = CONNECTORS.get(str(id))
        return ServiceType.from_description(connector.description) if connector else None

    @strawberry.field(description="The account's connections to external accounts, oldest first.")
    async def connections(
        self, info: strawberry.Info[Context], service_id: ServiceFilter = None,
    ) -> list[ConnectionType]:
        rows = await connections.list_connections(info.context.account.id, service_id and str(service_id))
        return [_connection(row) for row in rows]

    @strawberry.field(description="One of the caller's connections; null when there is none with this id (another "
                                  "account's included).", extensions=[NullWhenNotFound()])
    async def connection(
        self, info: strawberry.Info[Context],
        id: Annotated[strawberry.ID, strawberry.argument(description="The connection's id.")],
    ) -> ConnectionType | None:
        return _connection(await connections.get_connection(info.context.account.id, parse_id(id, "id")))

    @strawberry.field(description="The account's auto-imports, oldest first.")
    async def auto_imports(
        self, info: strawberry.Info[Context], service_id: ServiceFilter = None,
    ) -> list[AutoImportType]:
        rows = await imports.list_auto_imports(info.context.account.id, service_id and str(service_id))
        return await preloaded_types(rows, info)

    @strawberry.field(description="One auto-import of the account; null when the account has none with that id.",
                      extensions=[NullWhenNotFound()])
    async def auto_import(self, info: strawberry.Info[Context], id: ImportId) -> AutoImportType | None:
        row = await imports.get_auto_import(info.context.account.id, parse_id(id, "id"))
        return AutoImportType.from_model(row, info.context.loaders)

    @strawberry.field(description="The account's lists, oldest first.")
    async def lists(self, info: strawberry.Info[Context]) -> list[ContactListType]:
        return [ContactListType.from_model(row) for row in await contacts.lists_of_account(info.context.account.id)]

    @strawberry.field(description="The account's custom fields (created by imports, titled after their service), "
                      "oldest first.")
    async def custom_fields(
        self, info: strawberry.Info[Context], service_id: ServiceFilter = None,
    ) -> list[CustomFieldType]:
        rows = await contacts.custom_fields_of_account(info.context.account.id, service_id and str(service_id))
        return [CustomFieldType.from_model(row) for row in rows]

    @strawberry.field(description="A page of the account's contacts in creation order, filtered by all the "
                      "filters given. A negative `first` or an `after` this API did not give is answered with an "
                      "error (in `errors`).")
    async def contacts(
        self,
        info: strawberry.Info[Context],
        first: Annotated[int | None, strawberry.argument(
            description="How many contacts per page, at most 200 (more is 200); null means 50.")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="Start after this cursor (`endCursor` or an edge's `cursor`); null: from the first.")] = None,
        email: Annotated[str | None, strawberry.argument(
            description="Only contacts whose email contains this text, in any case; null or empty for all.")] = None,
        list_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only contacts on this list; an unknown list gives an empty page. Null for all.")] = None,
        tag: Annotated[str | None, strawberry.argument(
            description="Only contacts with this tag (exact, surrounding spaces ignored); null or empty for "
                        "all.")] = None,
    ) -> ContactConnectionType:
        try:
            list_key = parse_id(list_id, "listId") if list_id is not None else None
        except DomainError:
            list_key = -1  # no list has this id: an empty page, like any unknown list
        size = DEFAULT_PAGE if first is None else first  # the contract's `Int = 50`: null means the default
        page, nodes = await contact_page(info.context.account.id, size, after, email, list_key, tag, info)
        edges = [ContactEdgeType(cursor=contacts.contact_cursor(c), node=node)
                 for c, node in zip(page.contacts, nodes, strict=True)]
        return ContactConnectionType(
            edges=edges,
            page_info=PageInfoType(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
            count=page.total,
        )

    @strawberry.field(description="The account's contact with this email (case-insensitive); null when there is "
                      "none.", extensions=[NullWhenNotFound()])
    async def contact(self, info: strawberry.Info[Context], email: ContactEmail) -> ContactType | None:
        return await contact_of_email(info.context.account.id, email, info)


def _import_payload(row: AutoImport, info: strawberry.Info[Context]) -> AutoImportPayload:
    return AutoImportPayload(auto_import=AutoImportType.from_model(row, info.context.loaders), user_errors=[])


@strawberry.type(description="What the caller's account can change. Bad input is answered in the payload's "
                 "`userErrors` (NOT_FOUND, INVALID, CONFLICT), and then nothing is written.")
class Mutation:
    """Each resolver calls one service and maps its result; a `DomainError` it raises becomes the
    payload's `userErrors` (`DomainErrorsAsUserErrors`, added to every mutation by `build_schema`)."""

    @strawberry.mutation(description="Creates a list. INVALID: the name is blank or longer than 200 characters; "
                         "CONFLICT: the account has a list of that name.")
    async def create_list(
        self, info: strawberry.Info[Context],
        input: Annotated[CreateListInput, strawberry.argument(description="The new list.")],
    ) -> ListPayload:
        row = await contacts.create_list(info.context.account.id, input.name)
        return ListPayload(list=ContactListType.from_model(row), user_errors=[])

    @strawberry.mutation(
        description="Creates an ACTIVE contact the platform's own way: unlike imports, it records the contact's "
        "events (created, and subscribed to each list), which autoresponders, webhooks and list notifications "
        "act on. INVALID: an invalid email, a value too long, a blank or too long tag, or the account at its "
        "contact limit; CONFLICT: a contact with that email exists (in any case); NOT_FOUND: a list is not the "
        "account's.")
    async def create_contact(
        self, info: strawberry.Info[Context],
        input: Annotated[CreateContactInput, strawberry.argument(description="The new contact.")],
    ) -> ContactPayload:
        account = info.context.account
        row = await contacts.create_contact(
            account.id, account.contact_limit, input.email, input.first_name, input.last_name, input.phone,
            _ids(input.list_ids, "listIds"), input.tags,
        )
        return ContactPayload(contact=ContactType.from_model(row, info.context.loaders), user_errors=[])

    @strawberry.mutation(
        description="Unsubscribes a contact and records the event. No import makes it active again. NOT_FOUND: the "
        "account has no contact with that email.")
    async def unsubscribe_contact(self, info: strawberry.Info[Context], email: ContactEmail) -> ContactPayload:
        row = await contacts.unsubscribe_contact(info.context.account.id, email)
        return ContactPayload(contact=ContactType.from_model(row, info.context.loaders), user_errors=[])

    @strawberry.mutation(
        description="Connects an external account: checks the settings with the service (a CSV feed is read once) "
        "and stores them encrypted. An OAuth service given no tokens answers `authorizeUrl` instead, and the "
        "connection is made when the user comes back from the service. Connecting an external account the "
        "account already has a connection to renews that connection (new credentials, ACTIVE again, and its "
        "imports that waited for re-authorisation due at once); a CSV feed always gets a new connection. "
        "Creates no import. NOT_FOUND: an "
        "unknown service, or a `settings.connectionId` to renew that is not the account's; INVALID: settings "
        "that are not an object or that the service refuses, a name over 200 characters, or an OAuth service "
        "this server has no OAuth client for.")
    async def connect_service(
        self, info: strawberry.Info[Context],
        input: Annotated[ConnectServiceInput, strawberry.argument(description="The service and its settings.")],
    ) -> ConnectServicePayload:
        ctx = info.context
        started = await oauth_flow.start_connection(
            ctx.account.id, str(input.service_id), input.name, input.settings, ctx.cipher, ctx.source, ctx.queue)
        row = started.connection
        if row is not None:
            row = await connections.get_connection(ctx.account.id, row.id)
        if started and started.binding and ctx.response is not None:
            oauth_flow.set_binding_cookie(ctx.response, started.binding,
                                          secure=ctx.source.public_url.startswith("https:"))
        return ConnectServicePayload(connection=_connection(row) if row else None,
                                     authorize_url=started.authorize_url, user_errors=[])

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
        deleted = await deletion.delete_connection(ctx.account.id, parse_id(id, "id"), bool(delete_imports),
                                                   ctx.cipher, ctx.source, ctx.choices)
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)), user_errors=[])

    @strawberry.mutation(
        description="Creates an auto-import and queues its first retrieval at once; afterwards it syncs on its "
        "schedule. What it imports sends no autoresponder, webhook or list notification. NOT_FOUND: an unknown "
        "service, or a connection or list that is not the account's; INVALID: "
        "the connection is to another service, criteria the service refuses (`field` names the key), a name "
        "over 200 characters, or a blank or too long tag.")
    async def create_auto_import(
        self, info: strawberry.Info[Context],
        input: Annotated[CreateAutoImportInput, strawberry.argument(description="The new import.")],
    ) -> AutoImportPayload:
        ctx = info.context
        return _import_payload(await imports.create_auto_import(
            ctx.account.id, str(input.service_id), parse_id(input.connection_id, "connectionId"), input.name,
            input.criteria, _ids(input.list_ids, "listIds"), input.tags, ctx.queue,
        ), info)

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
        found = await preview_auto_import(ctx.account, str(input.service_id),
                                          parse_id(input.connection_id, "connectionId"), input.criteria,
                                          ctx.cipher, ctx.source)
        return PreviewPayload(records=[PreviewRecordType.from_previewed(r) for r in found.records],
                              matched_estimate=found.matched_estimate, user_errors=[])

    @strawberry.mutation(
        description="Edits an auto-import. Changed criteria, lists or tags mean a new first retrieval, queued at "
        "once unless the import is paused: its position, skipped records and contacts waiting for the contact "
        "limit are forgotten, and the contacts already imported stay. A new name alone changes nothing else. "
        "NOT_FOUND: no such import, or a list that is not the account's; INVALID: criteria the service refuses, "
        "a name over 200 characters, or a blank or too long tag.")
    async def update_auto_import(
        self, info: strawberry.Info[Context], id: ImportId,
        input: Annotated[UpdateAutoImportInput, strawberry.argument(description="What to change.")],
    ) -> AutoImportPayload:
        ctx = info.context
        changes = imports.AutoImportChanges(input.name, cast("dict[str, Any] | None", input.criteria),
                                            _ids(input.list_ids, "listIds"), input.tags)
        return _import_payload(await imports.update_auto_import(ctx.account.id, parse_id(id, "id"), changes, ctx.queue),
                               info)

    @strawberry.mutation(
        description="Deletes an auto-import with its sync history and troubleshooting state. The contacts it "
        "brought stay, with their lists, tags and field values; contacts still waiting for room under the "
        "contact limit are not added. The connection stays. NOT_FOUND: no such import.")
    async def delete_auto_import(self, info: strawberry.Info[Context], id: ImportId) -> DeletePayload:
        deleted = await imports.delete_auto_import(info.context.account.id, parse_id(id, "id"))
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)), user_errors=[])

    @strawberry.mutation(
        description="Queues a sync of the import at once (it does not wait for the sync; the answer's `nextSyncAt` "
        "is now). While the service's rate limit lasts, the source is not called early: the sync is scheduled for "
        "the limit's end, which `nextSyncAt` shows and the import's RATE_LIMITED problem states. The sync takes "
        "what a scheduled one would, within the same budget. A DISABLED import gets a "
        "fresh start. NOT_FOUND: no such import; INVALID: the import is paused (resume it), or its connection "
        "needs re-authorisation.")
    async def sync_auto_import_now(self, info: strawberry.Info[Context], id: ImportId) -> AutoImportPayload:
        return _import_payload(await imports.sync_auto_import_now(info.context.account.id, parse_id(id, "id"),
                                                                  info.context.queue), info)

    @strawberry.mutation(
        description="Pauses an import: no syncs until it is resumed; its position at the source is kept. Pausing "
        "a paused import changes nothing. NOT_FOUND: no such import.")
    async def pause_auto_import(self, info: strawberry.Info[Context], id: ImportId) -> AutoImportPayload:
        return _import_payload(await imports.pause_auto_import(info.context.account.id, parse_id(id, "id")), info)

    @strawberry.mutation(
        description="Resumes a paused or DISABLED import from where it stopped; if a sync fell due meanwhile (or it "
        "was disabled, which also clears its failures), a sync is queued at once. NOT_FOUND: no such import.")
    async def resume_auto_import(self, info: strawberry.Info[Context], id: ImportId) -> AutoImportPayload:
        return _import_payload(await imports.resume_auto_import(info.context.account.id, parse_id(id, "id"),
                                                                info.context.queue), info)


class AutoImportSchema(strawberry.Schema):
    """Strawberry's schema, logging only unexpected errors: a `DomainError` raised by a resolver
    (a refused `syncProgress` subscription, say) is the caller's answer, not a server fault."""

    valid_documents: ValidDocumentMemo  # the query texts known valid (`document_cache.py`)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = [error for error in errors if not isinstance(error.original_error, DomainError)]
        super().process_errors(unexpected, execution_context)


# Built once: the validation memo is keyed by the rule classes, and `QueryDepthLimiter` and
# `MaxAliasesLimiter` make a new class per instance (a factory of them would never match).
LIMIT_RULES = (*QueryDepthLimiter(max_depth=10).validation_rules,
               *MaxAliasesLimiter(max_alias_count=30).validation_rules)


def build_schema(production: bool) -> AutoImportSchema:
    from strawberry.extensions import DisableIntrospection

    valid_documents = ValidDocumentMemo()
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: AddValidationRules(list(LIMIT_RULES)),
        lambda: MaxTokensLimiter(max_token_count=2000),
        MaskUnexpectedErrors,
        lambda: DocumentLengthLimit(MAX_DOCUMENT_CHARACTERS),
        lambda: ParserCache(maxsize=256),  # after the length check: an overlong document is never parsed
        RequireOperationName,
        lambda: KnownValidDocuments(valid_documents),  # after RequireOperationName, which may refuse first
    ]
    if production:
        extensions += [DisableIntrospection, NoSuggestions]
    guard_root_fields(Query, Mutation)
    answer_domain_errors_in_payloads(Mutation)
    built = AutoImportSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True), scalar_overrides=SCALAR_OVERRIDES,
    )
    built.valid_documents = valid_documents
    return built


schema = build_schema(production=False)
production_schema = build_schema(production=True)
