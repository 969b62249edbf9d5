"""GraphQL types of auto-imports, their sync history and troubleshooting."""

from __future__ import annotations

import asyncio
from dataclasses import fields
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.autoimports import models
from app.autoimports.repository import ImportState, ShownImport
from app.autoimports.service import AutoImportStatus, status_of
from app.autoimports.troubleshooting import Problem, ProblemCode, SharedReads
from app.connections.graphql import ConnectionType, ServiceType
from app.contacts.graphql import ContactListType
from app.graphql.enums import described_enum
from app.graphql.preload import absent, asked, later_field
from app.sync.counts import SyncCounts

if TYPE_CHECKING:
    from app.connections.models import Connection
    from app.graphql.errors import UserError  # resolved lazily by Strawberry: app.graphql imports this module
    from app.graphql.loaders import Loaders

AutoImportStatusEnum = described_enum(AutoImportStatus, "AutoImportStatus", "The one status of an auto-import, the "
                                      "most pressing first: DISABLED, PAUSED, NEEDS_REAUTH, SYNCING, FAILING, "
                                      "LIMIT_REACHED, BACKLOG, ACTIVE.", {
    "LIMIT_REACHED": "Active, but adding nothing new because of the account's contact limit: contacts are "
                     "waiting and there is no room. It leaves this status as soon as the limit is raised; the "
                     "waiting contacts arrive on the next syncs.",
    "ACTIVE": "In step: the import syncs on schedule (`nextSyncAt`) and nothing waits at the source.",
    "PAUSED": "Paused by the user: no syncs until `resumeAutoImport`. Its position at the source is kept.",
    "SYNCING": "A sync of this import is under way now.",
    "BACKLOG": "More matching contacts wait at the source than one sync takes (500 per external account by "
               "default): the next syncs take them from where the last one stopped.",
    "NEEDS_REAUTH": "The service refused the connection's credentials: nothing is imported until the account is "
                    "connected again with `connectService`.",
    "FAILING": "The last sync(s) failed; the import retries with growing delays and stops itself (DISABLED) after "
               "20 failures in a row by default. `troubleshooting` says why.",
    "DISABLED": "Stopped itself after too many failed syncs in a row; `troubleshooting` says why. "
                "`resumeAutoImport` or `syncAutoImportNow` starts it again.",
})
SyncOutcomeEnum = described_enum(models.SyncOutcome, "SyncOutcome", "How a sync ended.", {
    "RUNNING": "Under way. A sync whose worker was killed is marked FAILED when the next sync of its external "
               "account starts.",
    "COMPLETED": "Read everything the source had to give; nothing is left waiting.",
    "PARTIAL": "Ended with records left at the source (the sync budget was used): the next syncs continue from "
               "the saved position.",
    "RATE_LIMITED": "The service asked us to wait: not a failure (it does not count toward the failure "
                    "streak). The pages before it are kept and the sync resumes at nextSyncAt.",
    "FAILED": "Stopped on an error: the source failed or refused the credentials, or the import was edited "
              "meanwhile; `error` says why. Pages committed before it stay.",
})
ProblemCodeEnum = described_enum(ProblemCode, "ProblemCode", "What kind of problem troubleshooting found.", {
    "CONTACT_LIMIT_REACHED": "New contacts were not added because the account is at its contact limit (`count`: "
                             "how many wait). Existing contacts are still updated; the waiting ones are added in "
                             "the next syncs once the limit is raised.",
    "MISSING_EMAIL": "Records at the source have no email address and were skipped (`count`: how many; `samples`).",
    "INVALID_EMAIL": "Records at the source have an invalid email address and were skipped (`count`: how many; "
                     "`samples`).",
    "MALFORMED_RECORD": "Records at the source could not be read, e.g. a CSV row with more or fewer cells than the "
                        "header (`count`: how many; `samples`).",
    "BACKLOG": "More contacts wait at the source than one sync takes (`count`: the estimate, null when the source "
               "cannot tell); later syncs drain it.",
    "SHARED_EXTERNAL_ACCOUNT": "Other imports read the same external account and share its sync budget (`count`: "
                               "the imports sharing it, this one included).",
    "TOO_MANY_IMPORTS_FOR_SERVICE": "The account has more imports of this service than `recommendedMaxImports` "
                                    "(`count`: how many). A recommendation, not a limit.",
    "NEEDS_REAUTH": "The service refused the connection's credentials; nothing is imported until it is reconnected.",
    "RATE_LIMITED": "The service asked us to slow down; the import continues by itself from where it stopped.",
    "SOURCE_ERROR": "The last sync(s) failed, or the import stopped itself after too many failures (`count`: the "
                    "failures in a row).",
    "CUSTOM_FIELD_LIMIT": "The account has the most custom fields one service may create "
                          "(AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE): fields beyond it were not created and their "
                          "values not stored (`count`: how many the last sync found; `samples` name them, as "
                          "`field:<label>`).",
})


COUNT_NAMES = tuple(item.name for item in fields(SyncCounts))


@strawberry.type(name="SyncCounts", description="How many records ended in each outcome, for one sync or over all "
                 "syncs of an import.")
class SyncCountsType:
    fetched: int = strawberry.field(description="Records read from the source (contacts waiting for room under the "
                                    "contact limit count again when they are added).")
    added: int = strawberry.field(description="New contacts created.")
    updated: int = strawberry.field(description="Existing contacts whose name, phone, status, custom fields, lists "
                                    "or tags changed.")
    unchanged: int = strawberry.field(description="Records that changed nothing: the same as last time, or the "
                                      "contact already had it all.")
    skipped_missing_email: int = strawberry.field(description="Records skipped because they have no email address.")
    skipped_invalid_email: int = strawberry.field(description="Records skipped because their email address is "
                                                  "invalid.")
    skipped_malformed: int = strawberry.field(description="Records skipped because they could not be read (e.g. a "
                                              "ragged CSV row).")
    not_added_contact_limit: int = strawberry.field(
        description="New contacts not added because the account was at its contact limit; they are kept and added "
        "once the limit allows.")
    kept_unsubscribed: int = strawberry.field(
        description="Records matching an unsubscribed or bounced contact, which stayed so (imports never "
        "reactivate a contact); also counted as updated or unchanged.")

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SyncCountsType:
        data = data or {}
        return cls(**{name: int(data.get(name, 0)) for name in COUNT_NAMES})


@strawberry.type(name="SyncRun", description="One sync of an auto-import: when, how it ended, what it did.")
class SyncRunType:
    id: strawberry.ID = strawberry.field(description="The sync's id.")
    started_at: datetime = strawberry.field(description="When the sync started (UTC).")
    finished_at: datetime | None = strawberry.field(description="When it ended (UTC); null while RUNNING.")
    outcome: SyncOutcomeEnum = strawberry.field(description="How the sync ended.")  # type: ignore[valid-type]
    counts: SyncCountsType = strawberry.field(description="What this sync did with the records it read (updated "
                                              "after each committed page while it runs).")
    backlog_estimate: int | None = strawberry.field(
        description="Contacts still waiting at the source when the sync ended: 0 when none; null while RUNNING, or "
        "when records are left but the source cannot tell how many.")
    error: str | None = strawberry.field(description="Why the sync failed or stopped early, in plain words; null "
                                         "when it did not.")

    @classmethod
    def from_model(cls, row: models.SyncRun) -> SyncRunType:
        return cls(
            id=strawberry.ID(str(row.id)), started_at=row.started_at, finished_at=row.finished_at,
            outcome=SyncOutcomeEnum(row.outcome.value), counts=SyncCountsType.from_dict(row.counts),
            backlog_estimate=row.backlog_estimate, error=row.error,
        )


@strawberry.type(name="SkippedRecord", description="A record of the source that an import skipped, as an example.")
class SkippedRecordType:
    external_id: str = strawberry.field(description="The record's id at the source (for a CSV feed: the email "
                                        "lower-cased, or `row-N` for row N without one).")
    email: str | None = strawberry.field(description="The email as received; null when the record has none.")
    reason: str = strawberry.field(description="Why it was skipped: `MISSING_EMAIL` or `INVALID_EMAIL`, or for a "
                                   "record that could not be read a sentence saying what is wrong.")


@strawberry.type(name="Problem", description="Something that keeps contacts from arriving, or may surprise: what "
                 "happened, with numbers, and what the user can do.")
class ProblemType:
    code: ProblemCodeEnum = strawberry.field(description="The kind of problem.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="What happened, in plain words with numbers.")
    action: str = strawberry.field(description="What the user can do about it (sometimes: nothing, it resolves "
                                   "itself).")
    count: int | None = strawberry.field(description="The number the problem is about (see each ProblemCode); null "
                                         "when there is none.")
    samples: list[SkippedRecordType] = strawberry.field(
        description="Up to 5 of the newest skipped records, for MISSING_EMAIL, INVALID_EMAIL and MALFORMED_RECORD; "
        "empty for the other codes.")

    @classmethod
    def from_problem(cls, problem: Problem) -> ProblemType:
        return cls(
            code=ProblemCodeEnum(problem.code.value), message=problem.message, action=problem.action,
            count=problem.count,
            samples=[SkippedRecordType(external_id=s["externalId"], email=s.get("email"), reason=s["reason"])
                     for s in problem.samples],
        )


@strawberry.type(name="Troubleshooting", description="Why contacts may not arrive, computed from the import's "
                 "current state.")
class TroubleshootingType:
    problems: list[ProblemType] = strawberry.field(description="The problems, the most pressing first; empty when "
                                                   "all is well.")
    healthy: bool = strawberry.field(description="True when there is no problem.")


async def _contact_count(root: AutoImportType, info: strawberry.Info) -> int:
    return await info.context.loaders.contact_count_of_import.load(root.model.id)


async def _connection(root: AutoImportType, info: strawberry.Info) -> ConnectionType | None:
    row = await info.context.loaders.connection.load(root.model.connection_id)
    return ConnectionType.from_model(row, row.external_account.name)


async def _syncs(
    root: AutoImportType,
    info: strawberry.Info,
    last: Annotated[int | None, strawberry.argument(
        description="How many of the newest syncs to answer: 0 to 100 (more is 100, less than 0 is none); "
        "null means 10.")] = 10,
) -> list[SyncRunType]:
    runs = await info.context.loaders.runs_of_import.load(root.model.id)
    count = 10 if last is None else last  # the contract's `Int = 10`: null means the default
    return [SyncRunType.from_model(run) for run in runs[: max(0, min(count, 100))]]


@strawberry.type(name="AutoImport", description="An automatic import: reads the contacts matching its criteria "
                 "from one connection, at once when created and then every 30 minutes by default (at most 500 "
                 "per external account per sync by default), and keeps them updated. Imported writes send no "
                 "autoresponder, no webhook and no list notification, skip records without a valid email, and "
                 "never reactivate an unsubscribed or bounced contact.")
class AutoImportType:
    """`service`, `status`, `lists` and `troubleshooting` are plain fields (see `app.graphql.preload`):
    read ahead by `preloaded_types`, or a `Later` read through the request's loaders when asked."""

    id: strawberry.ID = strawberry.field(description="The auto-import's id.")
    name: str = strawberry.field(description="The import's name (at most 200 characters; by default "
                                 "\"<service name> import\").")
    criteria: JSON = strawberry.field(description="Which records of the source are imported: a JSON object keyed by "
                                      "the service's `criteria` keys, as the service normalised it; `{}` imports "
                                      "everything the service's defaults allow.")
    tags: list[str] = strawberry.field(description="Tags given to every contact the import brings or updates (never "
                                       "removed from contacts).")
    created_at: datetime = strawberry.field(description="When the import was created (UTC).")
    last_sync_at: datetime | None = strawberry.field(description="When its last sync ended, whatever the outcome "
                                                     "(UTC); null before the first sync ends.")
    next_sync_at: datetime | None = strawberry.field(
        description="When the import is next due to sync (UTC). A paused or disabled import does not sync at this "
        "time; null when no sync is scheduled.")
    totals: SyncCountsType = strawberry.field(description="The counts over all syncs of this import since it was "
                                              "created.")
    service: ServiceType = strawberry.field(description="The service imported from.")
    status: AutoImportStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="The import's status, the most pressing first.")
    model: strawberry.Private[ImportState]

    # Fields with resolvers declared in the class body, so that the schema keeps its field order.
    contact_count: int = strawberry.field(resolver=_contact_count, description=(
        "How many of the account's contacts this import brought or last updated (each contact once, "
        "however many times it was updated). Contacts stay counted after a new first retrieval."))
    connection: ConnectionType | None = strawberry.field(resolver=_connection,
                                                         description="The connection the import reads through.")
    lists: list[ContactListType] = strawberry.field(description="The lists every contact the import brings or "
                                                    "updates is added to (never removed from).")
    syncs: list[SyncRunType] = strawberry.field(resolver=_syncs, description="The import's syncs, newest first "
                                                "(the newest 100 are kept).")
    troubleshooting: TroubleshootingType = strawberry.field(description="Why contacts may not arrive, and what "
                                                            "to do.")

    @classmethod
    def from_model(cls, row: ImportState, loaders: Loaders) -> AutoImportType:
        """The import, its status, lists and troubleshooting read through `loaders` if asked."""
        return cls.with_parts(row, later_field(partial(_status, row, loaders)),
                              later_field(partial(loaders.lists_of_import.load, row.id)),
                              later_field(partial(_problems_later, row, loaders)))

    @classmethod
    def with_parts(cls, row: ImportState, status: Any, lists: Any, troubleshooting: Any) -> AutoImportType:
        """The import with these answers (values or `Later`s) of its read-ahead fields."""
        return cls(
            id=strawberry.ID(str(row.id)), name=row.name, criteria=JSON(row.criteria), tags=list(row.tags),
            created_at=row.created_at, last_sync_at=row.last_sync_at, next_sync_at=row.next_sync_at,
            totals=SyncCountsType.from_dict(row.totals), service=ServiceType.by_id(row.service_id), status=status,
            lists=lists, troubleshooting=troubleshooting, model=row,
        )


def _status_of(row: ImportState, connection: Connection | None, held: bool) -> AutoImportStatusEnum:  # type: ignore[valid-type]
    if connection is None:  # the foreign key cascades: an import without its connection is a bug
        raise LookupError(f"The connection of import {row.id} is missing.")
    return AutoImportStatusEnum(status_of(row, connection.status, held_by_contact_limit=held).value)


async def _status(row: ImportState, loaders: Loaders) -> AutoImportStatusEnum:  # type: ignore[valid-type]
    connection = await loaders.connection.load(row.connection_id)
    return _status_of(row, connection, await loaders.held_by_contact_limit.load(row.id))


def _troubleshooting(problems: list[Problem]) -> TroubleshootingType:
    return TroubleshootingType(problems=[ProblemType.from_problem(p) for p in problems], healthy=not problems)


async def _problems_later(row: ImportState, loaders: Loaders) -> TroubleshootingType:
    return _troubleshooting(await loaders.troubleshooting.load(row))


async def _no_connections() -> dict[int, Connection]:
    return {}


async def preloaded_types(rows: list[ShownImport], info: strawberry.Info) -> list[AutoImportType]:
    """The types of these imports with `status`, `lists` and `troubleshooting` read ahead when the
    query asks for them: the loaders' batch reads called once for the whole list (the statements
    the field resolvers' batches sent, without a future per import), the connections shared by
    status and troubleshooting. A field asked only through a fragment is read through the loaders."""
    wanted, loaders = asked(info), info.context.loaders
    if not {"status", "lists", "troubleshooting"} & wanted:
        return [AutoImportType.from_model(row, loaders) for row in rows]
    ids = [row.id for row in rows]
    connected = {"status", "troubleshooting"} & wanted
    connections = asyncio.ensure_future(loaders.connections_of(rows) if connected else _no_connections())
    # Status and troubleshooting both read the deferred counts and the contact count: sent once.
    shared = SharedReads(loaders.account.id, ids)
    held, lists, problems = await asyncio.gather(
        loaders.read_held_by_contact_limit(ids, shared) if "status" in wanted else absent(),
        loaders.read_lists_of_imports(ids) if "lists" in wanted else absent(),
        loaders.read_problems(rows, connections, shared) if "troubleshooting" in wanted else absent())
    found = await connections
    return [AutoImportType.with_parts(
        row,
        _status_of(row, found.get(row.connection_id), held.get(row.id, False)) if held is not None
        else later_field(partial(_status, row, loaders)),
        lists.get(row.id, []) if lists is not None else later_field(partial(loaders.lists_of_import.load, row.id)),
        _troubleshooting(problems[row.id]) if problems is not None
        else later_field(partial(_problems_later, row, loaders)),
    ) for row in rows]


@strawberry.input(description="A new auto-import.")
class CreateAutoImportInput:
    service_id: strawberry.ID = strawberry.field(description="The service to import from (`Service.id`).")
    connection_id: strawberry.ID = strawberry.field(description="A connection of the account to that service.")
    name: str | None = strawberry.field(default=None, description="At most 200 characters; null or blank: "
                                        "\"<service name> import\".")
    criteria: JSON | None = strawberry.field(
        default=None, description="A JSON object keyed by the service's `criteria` keys; null or `{}`: none. An "
        "unknown key or a wrong value is INVALID, naming the key.")
    list_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Lists of the account to add the imported contacts to; null or empty for none.")
    tags: list[str] | None = strawberry.field(
        default=None, description="Tags to give the imported contacts, each 1 to 200 characters after trimming; "
        "duplicates are dropped. Null for none.")


@strawberry.input(description="Changes to an auto-import: a null field leaves that value as it is. New criteria, "
                  "lists or tags mean a new first retrieval (the contacts already imported stay).")
class UpdateAutoImportInput:
    name: str | None = strawberry.field(default=None, description="A new name, at most 200 characters; null or "
                                        "blank keeps the current one.")
    criteria: JSON | None = strawberry.field(default=None, description="New criteria, replacing the old ones "
                                             "whole; null keeps them.")
    list_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The lists from now on, replacing the old ones (`[]` for none); null keeps them. "
        "Contacts already on a removed list stay on it.")
    tags: list[str] | None = strawberry.field(default=None, description="The tags from now on, replacing the old "
                                              "ones (`[]` for none); null keeps them. No tag is taken off contacts.")


@strawberry.type(description="What a mutation of an auto-import answers.")
class AutoImportPayload:
    auto_import: AutoImportType | None = strawberry.field(description="The auto-import as it is now; null when "
                                                          "`userErrors` say why nothing was done.")
    user_errors: list[Annotated[UserError, strawberry.lazy("app.graphql.errors")]] = strawberry.field(
        description="Why nothing was done; empty on success.")


@strawberry.type(description="What a delete mutation answers.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of what was deleted; null when "
                                                        "`userErrors` say why nothing was.")
    user_errors: list[Annotated[UserError, strawberry.lazy("app.graphql.errors")]] = strawberry.field(
        description="Why nothing was deleted; empty on success.")
