"""GraphQL types of auto-imports, their sync history and troubleshooting."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.autoimports import models
from app.autoimports.preview import PreviewedRecord, PreviewVerdict
from app.autoimports.service import AutoImportStatus, status_of
from app.autoimports.troubleshooting import Problem, ProblemCode
from app.connections.graphql import ConnectionType, ServiceType
from app.contacts.graphql import ContactListType
from app.sync.counts import SyncCounts

AutoImportStatusEnum = strawberry.enum(AutoImportStatus, name="AutoImportStatus")
SyncOutcomeEnum = strawberry.enum(models.SyncOutcome, name="SyncOutcome")


def _describe_values(enum: type[Enum], descriptions: dict[str, str]) -> None:
    """Describes values of a domain enum exposed as is (the domain module stays free of GraphQL)."""
    definition = enum.__strawberry_definition__  # type: ignore[attr-defined]
    definition.values = [replace(value, description=descriptions.get(value.name, value.description))
                         for value in definition.values]


_describe_values(AutoImportStatusEnum, {
    "LIMIT_REACHED": "Active, but adding nothing new because of the account's contact limit: contacts are "
                     "waiting and there is no room. It leaves this status as soon as the limit is raised; the "
                     "waiting contacts arrive on the next syncs.",
})
_describe_values(SyncOutcomeEnum, {
    "RATE_LIMITED": "The service asked us to wait: not a failure (it does not count toward the failure "
                    "streak). The pages before it are kept and the sync resumes at nextSyncAt.",
})
ProblemCodeEnum = strawberry.enum(ProblemCode, name="ProblemCode")


COUNT_NAMES = tuple(item.name for item in fields(SyncCounts))


@strawberry.type(name="SyncCounts")
class SyncCountsType:
    fetched: int
    added: int
    updated: int
    unchanged: int
    skipped_missing_email: int
    skipped_invalid_email: int
    skipped_malformed: int
    not_added_contact_limit: int
    kept_unsubscribed: int

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SyncCountsType:
        data = data or {}
        return cls(**{name: int(data.get(name, 0)) for name in COUNT_NAMES})


@strawberry.type(name="SyncRun")
class SyncRunType:
    id: strawberry.ID
    started_at: datetime
    finished_at: datetime | None
    outcome: SyncOutcomeEnum  # type: ignore[valid-type]
    counts: SyncCountsType
    backlog_estimate: int | None
    error: str | None

    @classmethod
    def from_model(cls, row: models.SyncRun) -> SyncRunType:
        return cls(
            id=strawberry.ID(str(row.id)), started_at=row.started_at, finished_at=row.finished_at,
            outcome=row.outcome, counts=SyncCountsType.from_dict(row.counts),
            backlog_estimate=row.backlog_estimate, error=row.error,
        )


@strawberry.type(name="SkippedRecord")
class SkippedRecordType:
    external_id: str
    email: str | None
    reason: str


@strawberry.type(name="Problem")
class ProblemType:
    code: ProblemCodeEnum  # type: ignore[valid-type]
    message: str
    action: str
    count: int | None
    samples: list[SkippedRecordType]

    @classmethod
    def from_problem(cls, problem: Problem) -> ProblemType:
        return cls(
            code=problem.code, message=problem.message, action=problem.action,
            count=problem.count,
            samples=[SkippedRecordType(external_id=s["externalId"], email=s.get("email"), reason=s["reason"])
                     for s in problem.samples],
        )


@strawberry.type(name="Troubleshooting")
class TroubleshootingType:
    problems: list[ProblemType]

    @strawberry.field
    def healthy(self) -> bool:
        return not self.problems


@strawberry.type(name="AutoImport")
class AutoImportType:
    id: strawberry.ID
    name: str
    criteria: JSON
    tags: list[str]
    created_at: datetime
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    totals: SyncCountsType
    model: strawberry.Private[models.AutoImport]

    @strawberry.field
    def service(self) -> ServiceType:
        return ServiceType.by_id(self.model.service_id)

    @strawberry.field
    async def status(self, info: strawberry.Info) -> AutoImportStatusEnum:  # type: ignore[valid-type]
        connection = await info.context.loaders.connection.load(self.model.connection_id)
        held = await info.context.loaders.held_by_contact_limit.load(self.model.id)
        return status_of(self.model, connection.status, held_by_contact_limit=held)

    @strawberry.field(description=(
        "How many of the account's contacts this import brought or last updated (each contact once, "
        "however many times it was updated). Contacts stay counted after a new first retrieval."))
    async def contact_count(self, info: strawberry.Info) -> int:
        return await info.context.loaders.contact_count_of_import.load(self.model.id)

    @strawberry.field
    async def connection(self, info: strawberry.Info) -> ConnectionType | None:
        row = await info.context.loaders.connection.load(self.model.connection_id)
        return ConnectionType.from_model(row, row.external_account.name)

    @strawberry.field
    async def lists(self, info: strawberry.Info) -> list[ContactListType]:
        return await info.context.loaders.lists_of_import.load(self.model.id)

    @strawberry.field
    async def syncs(self, info: strawberry.Info, last: int | None = 10) -> list[SyncRunType]:
        runs = await info.context.loaders.runs_of_import.load(self.model.id)
        count = 10 if last is None else last  # the contract's `Int = 10`: null means the default
        return [SyncRunType.from_model(run) for run in runs[: max(0, min(count, 100))]]

    @strawberry.field
    async def troubleshooting(self, info: strawberry.Info) -> TroubleshootingType:
        problems = await info.context.loaders.troubleshooting.load(self.model)
        return TroubleshootingType(problems=[ProblemType.from_problem(p) for p in problems])

    @classmethod
    def from_model(cls, row: models.AutoImport) -> AutoImportType:
        return cls(
            id=strawberry.ID(str(row.id)), name=row.name, criteria=row.criteria, tags=list(row.tags),
            created_at=row.created_at, last_sync_at=row.last_sync_at, next_sync_at=row.next_sync_at,
            totals=SyncCountsType.from_dict(row.totals), model=row,
        )


@strawberry.input
class CreateAutoImportInput:
    service_id: strawberry.ID
    connection_id: strawberry.ID
    name: str | None = None
    criteria: JSON | None = None
    list_ids: list[strawberry.ID] | None = None
    tags: list[str] | None = None


@strawberry.input
class UpdateAutoImportInput:
    name: str | None = None
    criteria: JSON | None = None
    list_ids: list[strawberry.ID] | None = None
    tags: list[str] | None = None


@strawberry.type
class AutoImportPayload:
    auto_import: AutoImportType | None
    user_errors: list[Annotated["UserError", strawberry.lazy("app.graphql.errors")]]


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[Annotated["UserError", strawberry.lazy("app.graphql.errors")]]


PreviewVerdictEnum = strawberry.enum(PreviewVerdict, name="PreviewVerdict",
                                     description="What a sync would do with a previewed record.")
_describe_values(PreviewVerdictEnum, {
    "WOULD_ADD": "A new contact would be added.",
    "WOULD_UPDATE": "An existing contact with this email would be updated (an empty value never erases one).",
    "KEPT_UNSUBSCRIBED": "An existing unsubscribed or bounced contact: its fields would be updated, its status kept.",
    "NOT_ADDED_CONTACT_LIMIT": "New, but the account's contact limit leaves no room: it would wait until the "
                               "limit is raised.",
    "MISSING_EMAIL": "Skipped: the record has no email address.",
    "INVALID_EMAIL": "Skipped: the email address is not valid.",
    "MALFORMED": "Skipped: the record could not be read (a CSV row with more cells than the header).",
})


@strawberry.input(description="The import to preview: what createAutoImport would be given.")
class PreviewAutoImportInput:
    service_id: strawberry.ID = strawberry.field(description="The service, as in Service.id.")
    connection_id: strawberry.ID = strawberry.field(description="One of the account's connections to that service.")
    criteria: JSON | None = strawberry.field(
        default=None, description="The criteria, validated against the service's criteria as createAutoImport does.")


@strawberry.type(name="PreviewRecord", description="A record of the source's first page, with what a sync would do.")
class PreviewRecordType:
    external_id: str = strawberry.field(description="The record's id at the service.")
    email: str | None = strawberry.field(description="The email as the service gives it.")
    first_name: str | None = strawberry.field(description="The first name as the service gives it.")
    last_name: str | None = strawberry.field(description="The last name as the service gives it.")
    verdict: PreviewVerdictEnum = strawberry.field(  # type: ignore[valid-type]
        description="What a sync would do with the record.")
    reason: str | None = strawberry.field(description="Why, in plain words, where there is more to say.")

    @classmethod
    def from_previewed(cls, item: PreviewedRecord) -> PreviewRecordType:
        return cls(external_id=item.external_id, email=item.email, first_name=item.first_name,
                   last_name=item.last_name, verdict=item.verdict, reason=item.reason)


@strawberry.type(description="The first page of an import that does not exist yet, as a sync would apply it.")
class PreviewPayload:
    records: list[PreviewRecordType] = strawberry.field(
        description="At most one page (50) from the start of the source, in the source's order; records that "
                    "could not be read come last.")
    matched_estimate: int | None = strawberry.field(
        description="How many records at the source match the criteria: the page plus what the service says "
                    "is left. Null when the service does not tell.")
    user_errors: list[Annotated["UserError", strawberry.lazy("app.graphql.errors")]] = strawberry.field(
        description="NOT_FOUND / INVALID for bad input; SOURCE_ERROR, RATE_LIMITED or NEEDS_REAUTH when the "
                    "service could not be read.")
