"""GraphQL types of the service catalogue and of connections. Credentials are never exposed."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from app.autoimports.troubleshooting import RECOMMENDED_MAX_IMPORTS
from app.connections import choices, models
from app.connectors.base import ServiceDescription
from app.connectors.registry import get_connector

if TYPE_CHECKING:
    from app.autoimports.graphql import AutoImportType
    from app.graphql.errors import UserError


@strawberry.enum(name="ServiceAuth", description="How a service is connected (what `connectService` needs).")
class ServiceAuthEnum(Enum):
    NONE = strawberry.enum_value(
        "NONE", description="No credentials: the settings say where to read (the CSV feed's `url`).")
    API_KEY = strawberry.enum_value(
        "API_KEY", description="A key or token the user copies from the service into `settings` (Shopify: `shop` "
        "and `access_token`; Pipedrive: `company_domain` and `api_token`).")
    OAUTH2 = strawberry.enum_value(
        "OAUTH2", description="The user signs in at the service: `connectService` without tokens answers "
        "`authorizeUrl`, and the service sends the browser back to this API's callback, which stores the "
        "connection. HubSpot also takes a private-app token (`private_app_token`) directly.")


@strawberry.enum(name="ConnectionStatus", description="Whether a connection's credentials still work.")
class ConnectionStatusEnum(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="The credentials work: its imports sync on schedule.")
    NEEDS_REAUTH = strawberry.enum_value(
        "NEEDS_REAUTH", description="The service refused the stored credentials: its imports import nothing until "
        "the same external account is connected again with `connectService`, which makes the connection ACTIVE "
        "and its imports due at once.")


@strawberry.type(name="CriterionSpec", description="One criterion an auto-import of the service takes, to render "
                 "as a form input. Criteria are given as a JSON object keyed by `key`.")
class CriterionSpecType:
    key: str = strawberry.field(description="The key of this criterion in an auto-import's `criteria` object.")
    label: str = strawberry.field(description="A label for the form input, e.g. \"Only contacts with the label\".")
    type: str = strawberry.field(description="The kind of value: `string` (text), `boolean` (true or false) or "
                                 "`choice` (one of `choices`).")
    required: bool = strawberry.field(description="True when an auto-import must set this criterion.")
    help: str = strawberry.field(description="A sentence to show under the input: what the criterion does and what "
                                 "leaving it empty means. Empty when there is nothing to add.")
    choices: list[str] = strawberry.field(description="The values allowed when `type` is `choice`; empty otherwise.")


@strawberry.enum(name="SettingType", description="How a form shows a setting.")
class SettingTypeEnum(Enum):
    TEXT = strawberry.enum_value("TEXT", description="Plain text, shown as a text field.")
    SECRET = strawberry.enum_value(
        "SECRET", description="A credential: shown as a password field, stored encrypted and never returned.")
    URL = strawberry.enum_value("URL", description="An address (https://...), shown as a URL field.")


@strawberry.type(name="SettingSpec", description="One setting `connectService` takes for a service, in its "
                                                 "`settings` object; a form shows one input per setting.")
class SettingSpecType:
    key: str = strawberry.field(description="The key of the setting in `connectService`'s `settings`.")
    label: str = strawberry.field(description="What the form labels the input with, e.g. \"Feed URL\".")
    type: SettingTypeEnum = strawberry.field(description="How the input is shown; SECRET values are never returned.")
    required: bool = strawberry.field(description="Whether `connectService` refuses the settings without it.")
    help: str = strawberry.field(description="Where to find the value, in plain words.")


@strawberry.type(name="ServiceField", description="A field the service brings for each contact.")
class ServiceFieldType:
    key: str = strawberry.field(description="The field's key, stable for the service.")
    label: str = strawberry.field(description="The field's label at the service, e.g. \"Birthday\".")
    perstag: str | None = strawberry.field(
        description="The personalization tag of the custom field this field fills, e.g. "
        "`%GOOGLE_CONTACTS_BIRTHDAY%` (created by the first import that brings a value); null for the contact's "
        "standard fields (email, first name, last name, phone), which fill the contact itself.")


@strawberry.type(name="Service", description="A service contacts can be imported from (a connector): how it is "
                 "connected, which criteria its imports take and which fields it brings.")
class ServiceType:
    id: strawberry.ID = strawberry.field(description="The service's stable slug, e.g. `csv_feed`, `google_contacts`, "
                                         "`shopify`, `hubspot`, `pipedrive`, `salesforce`, `mailchimp`.")
    name: str = strawberry.field(description="The service's name for people, e.g. \"Google Contacts\"; custom "
                                 "fields are titled after it.")
    auth: ServiceAuthEnum = strawberry.field(description="How the service is connected.")
    recommended_max_imports: int = strawberry.field(
        description="How many auto-imports of this service we recommend per account (2). Not a limit: past it "
        "each of the service's imports shows a TOO_MANY_IMPORTS_FOR_SERVICE problem.")
    criteria: list[CriterionSpecType] = strawberry.field(description="The criteria an auto-import of this service "
                                                         "takes (its `criteria` object's keys).")
    fields: list[ServiceFieldType] = strawberry.field(
        description="The fields known in advance: the contact's standard fields, then those that become custom "
        "fields. Fields only the source knows (a CSV file's other columns, custom fields at the service) become "
        "custom fields too; `customFields` lists them once imported.")
    settings: list[SettingSpecType] = strawberry.field(
        description="What `connectService` takes in `settings` for this service: every required one, as text; "
                    "other keys are refused. Empty for a service connected only through its sign-in page. An "
                    "OAUTH2 service also takes `connectionId` (the connection a new sign-in renews) and the token "
                    "set a sign-in returns (`access_token`, `refresh_token`, `expires_at`), which no form shows.")

    @strawberry.field(description="How many auto-imports the caller's account has for this service.")
    async def import_count(self, info: strawberry.Info) -> int:
        counts = await info.context.loaders.import_counts_by_service.load(info.context.account.id)
        return counts.get(str(self.id), 0)

    @classmethod
    def by_id(cls, service_id: str) -> ServiceType:
        return _service_type(service_id)

    @classmethod
    def from_description(cls, description: ServiceDescription) -> ServiceType:
        return cls(
            id=strawberry.ID(description.id),
            name=description.name,
            auth=ServiceAuthEnum(description.auth.value),
            recommended_max_imports=RECOMMENDED_MAX_IMPORTS,
            criteria=[
                CriterionSpecType(key=c.key, label=c.label, type=c.type, required=c.required, help=c.help,
                                  choices=list(c.choices))
                for c in description.criteria
            ],
            fields=[
                ServiceFieldType(key=f.key, label=f.label, perstag=None if f.standard else description.perstag(f.key))
                for f in description.fields
            ],
            settings=[
                SettingSpecType(key=s.key, label=s.label, type=SettingTypeEnum(s.type.value), required=s.required,
                                help=s.help)
                for s in description.settings
            ],
        )


@strawberry.type(name="Choice", description="A value a criterion can take at the connected account: a label, "
                                            "an owner, a lifecycle stage, a tag.")
class ChoiceType:
    value: str = strawberry.field(description="What to put in the criterion (an id, a resource name, a stage's "
                                              "internal name).")
    label: str = strawberry.field(description="What the service calls it, to show in a select.")


@strawberry.type(name="Connection", description="The account's access to one external account of a service (a "
                 "shop, a Google account, a feed), made by `connectService`. Its credentials are stored encrypted "
                 "and never returned by any query.")
class ConnectionType:
    id: strawberry.ID = strawberry.field(description="The connection's id, as `createAutoImport` takes it.")
    name: str = strawberry.field(description="The connection's name: the one given to `connectService`, else the "
                                 "external account's name.")
    external_account: str = strawberry.field(
        description="The external account, without secrets: a shop domain, a Google account's email, a HubSpot "
        "portal, a feed's host and path. Imports reading the same external account share one sync budget.")
    status: ConnectionStatusEnum = strawberry.field(description="Whether the stored credentials still work.")
    created_at: datetime = strawberry.field(description="When the connection was made (UTC).")
    service_id: strawberry.Private[str]

    @strawberry.field(description="The values criterion `key` of this connection's service can take at the "
                                  "connected account, read from the service (cached for a minute). Empty for a "
                                  "criterion whose values are free text or a yes/no. An error when `key` is not "
                                  "one of `service.criteria`, or when the service cannot be reached.")
    async def criterion_choices(
        self, info: strawberry.Info,
        key: Annotated[str, strawberry.argument(description="The `key` of one of the service's criteria.")],
    ) -> list[ChoiceType]:
        ctx = info.context
        found = await choices.criterion_choices(ctx.account.id, int(self.id), key, ctx.cipher, ctx.source, ctx.choices)
        return [ChoiceType(value=c.value, label=c.label) for c in found]

    @strawberry.field(description="The service connected to.")
    def service(self) -> ServiceType:
        return ServiceType.by_id(self.service_id)

    @strawberry.field(description="The auto-imports that read through this connection, oldest first.")
    async def auto_imports(
        self, info: strawberry.Info
    ) -> list[Annotated[AutoImportType, strawberry.lazy("app.autoimports.graphql")]]:
        return await info.context.loaders.imports_of_connection.load(int(self.id))

    @classmethod
    def from_model(cls, row: models.Connection, external_account_name: str) -> ConnectionType:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            external_account=external_account_name,
            status=ConnectionStatusEnum(row.status.value),
            created_at=row.created_at,
            service_id=row.service_id,
        )


@strawberry.input(description="What `connectService` needs to connect an external account.")
class ConnectServiceInput:
    service_id: strawberry.ID = strawberry.field(description="The service's id (`Service.id`), e.g. `shopify`.")
    settings: JSON = strawberry.field(
        description="A JSON object of the service's settings: `csv_feed` `{\"url\": ...}` (a CSV over HTTP(S)); "
        "`shopify` `{\"shop\": ..., \"access_token\": ...}`; `pipedrive` `{\"company_domain\": ..., "
        "\"api_token\": ...}`; `hubspot` `{\"private_app_token\": ...}`, or `{}` to sign in through OAuth; "
        "`google_contacts` `{}` (OAuth); `salesforce` `{}` (OAuth); `mailchimp` `{\"api_key\": ...}`, or `{}` to "
        "sign in through OAuth. With OAuth, `{\"connectionId\": ...}` names the connection to renew. "
        "Stored encrypted, never returned.")
    name: str | None = strawberry.field(default=None, description="A name for the connection, at most 200 "
                                        "characters; null or blank: the external account's name.")


@strawberry.type(description="What `connectService` answers: the connection, or the page to send the user to.")
class ConnectServicePayload:
    connection: ConnectionType | None = strawberry.field(
        description="The connection, checked with the service and stored; null when the user must first sign in "
        "at `authorizeUrl`, or when `userErrors` say why not.")
    authorize_url: str | None = strawberry.field(
        description="For an OAuth service given no tokens: the service's consent page to open in the user's "
        "browser (valid for 10 minutes, once); the service then returns the browser to "
        "`/oauth/{service}/callback` here, which stores the connection. Null otherwise.")
    user_errors: list[Annotated[UserError, strawberry.lazy("app.graphql.errors")]] = strawberry.field(
        description="Why nothing was connected; empty on success.")


@cache
def _service_type(service_id: str) -> ServiceType:
    """Services are fixed for the process: one GraphQL object each (an import list names its
    service 200 times)."""
    return ServiceType.from_description(get_connector(service_id).description)
