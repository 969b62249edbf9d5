"""GraphQL types of previewing an auto-import: the first page of a source as a sync would apply it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from app.autoimports.preview import PreviewedRecord, PreviewVerdict
from app.graphql.enums import described_enum

if TYPE_CHECKING:
    from app.graphql.errors import UserError  # resolved lazily by Strawberry: app.graphql imports this module


PreviewVerdictEnum = described_enum(PreviewVerdict, "PreviewVerdict", "What a sync would do with a previewed record.", {
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
                   last_name=item.last_name, verdict=PreviewVerdictEnum(item.verdict.value), reason=item.reason)


@strawberry.type(description="The first page of an import that does not exist yet, as a sync would apply it.")
class PreviewPayload:
    records: list[PreviewRecordType] = strawberry.field(
        description="At most one page (50) from the start of the source, in the source's order; records that "
                    "could not be read come last.")
    matched_estimate: int | None = strawberry.field(
        description="How many records at the source match the criteria: the page plus what the service says "
                    "is left. Null when the service does not tell.")
    user_errors: list[Annotated[UserError, strawberry.lazy("app.graphql.errors")]] = strawberry.field(
        description="NOT_FOUND / INVALID for bad input; SOURCE_ERROR, RATE_LIMITED or NEEDS_REAUTH when the "
                    "service could not be read.")
