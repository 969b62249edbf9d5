"""GraphQL types of the service catalogue and of connections. Credentials are never exposed."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from app.autoimports.troubleshooting import RECOMMENDED_MAX_IMPORTS
from app.connections import choices, models
from app.connectors.base import ServiceDescription
from app.connectors.registry import get_connector

if TYPE_CHECKING:
    from app.autoimports.graphql import AutoImportType


@strawberry.enum(name="ServiceAuth")
class ServiceAuthEnum(Enum):
    NONE = "NONE"
    API_KEY = "API_KEY"
    OAUTH2 = "OAUTH2"


@strawberry.enum(name="ConnectionStatus")
class ConnectionStatusEnum(Enum):
    ACTIVE = "ACTIVE"
    NEEDS_REAUTH = "NEEDS_REAUTH"


@strawberry.type(name="CriterionSpec")
class CriterionSpecType:
    key: str
    label: str
    type: str
    required: bool
    help: str
    choices: list[str]


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


@strawberry.type(name="ServiceField")
class ServiceFieldType:
    key: str
    label: str
    perstag: str | None


@strawberry.type(name="Service")
class ServiceType:
    id: strawberry.ID
    name: str
    auth: ServiceAuthEnum
    recommended_max_imports: int
    criteria: list[CriterionSpecType]
    fields: list[ServiceFieldType]
    settings: list[SettingSpecType] = strawberry.field(
        description="What `connectService` takes in `settings` for this service: every required one, as text; "
                    "other keys are refused. Empty for a service connected only through its sign-in page. An "
                    "OAUTH2 service also takes `connectionId` (the connection a new sign-in renews) and the token "
                    "set a sign-in returns (`access_token`, `refresh_token`, `expires_at`), which no form shows.")

    @strawberry.field
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


@strawberry.type(name="Connection")
class ConnectionType:
    id: strawberry.ID
    name: str
    external_account: str
    status: ConnectionStatusEnum
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

    @strawberry.field
    def service(self) -> ServiceType:
        return ServiceType.by_id(self.service_id)

    @strawberry.field
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


@strawberry.input
class ConnectServiceInput:
    service_id: strawberry.ID
    settings: JSON
    name: str | None = None


@strawberry.type
class ConnectServicePayload:
    connection: ConnectionType | None
    authorize_url: str | None
    user_errors: list[Annotated["UserError", strawberry.lazy("app.graphql.errors")]]


@lru_cache(maxsize=None)
def _service_type(service_id: str) -> ServiceType:
    """Services are fixed for the process: one GraphQL object each (an import list names its
    service 200 times)."""
    return ServiceType.from_description(get_connector(service_id).description)
