"""GraphQL of live sync progress: the `syncProgress` subscription and its `SyncProgress` events."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError

from app.autoimports.graphql import SyncCountsType, SyncOutcomeEnum
from app.graphql.context import Context
from app.graphql.errors import parse_id
from app.sync.progress import SyncProgressEvent
from app.sync.progress_hub import watch_auto_import


@strawberry.type(name="SyncProgress", description=(
    "Where a sync of one auto-import stands: sent after each committed page (outcome RUNNING) "
    "and once when the sync ends (its final outcome)."))
class SyncProgressType:
    auto_import_id: strawberry.ID = strawberry.field(description="The auto-import being synced.")
    sync_run_id: strawberry.ID = strawberry.field(
        description="The sync run this event belongs to (the `id` of one of `AutoImport.syncs`).")
    outcome: SyncOutcomeEnum = strawberry.field(  # type: ignore[valid-type]
        description="RUNNING while pages are being committed; the run's final outcome in its last event.")
    counts: SyncCountsType = strawberry.field(
        description="What this sync run did so far (all of it in the last event).")
    backlog_estimate: int | None = strawberry.field(
        description="Contacts still waiting at the source after this page, when the source can tell; 0 once it "
                    "is drained.")
    at: datetime = strawberry.field(description="When the page was committed, or the sync ended.")

    @classmethod
    def from_event(cls, event: SyncProgressEvent) -> SyncProgressType:
        return cls(
            auto_import_id=strawberry.ID(str(event.auto_import_id)), sync_run_id=strawberry.ID(str(event.sync_run_id)),
            outcome=SyncOutcomeEnum(event.outcome.value), counts=SyncCountsType.from_dict(event.counts.to_dict()),
            backlog_estimate=event.backlog_estimate, at=event.at,
        )


@strawberry.type(description="Live updates, over graphql-transport-ws on /graphql (the API token goes in "
                             "connection_init: {\"Authorization\": \"Bearer <token>\"}).")
class Subscription:
    @strawberry.subscription(description=(
        "The progress of every sync of one of your auto-imports from now on, whichever worker runs it: "
        "an event after each committed page and one at the end of each sync. Another account's import is "
        "refused exactly like a missing one."))
    async def sync_progress(
        self,
        info: strawberry.Info[Context],
        auto_import_id: Annotated[strawberry.ID, strawberry.argument(description="The auto-import to follow.")],
    ) -> AsyncGenerator[SyncProgressType, None]:
        hub = info.context.progress
        if hub is None:
            raise GraphQLError("Live progress is not available on this server (it has no Redis).")
        events = watch_auto_import(hub, info.context.account.id, parse_id(auto_import_id, "autoImportId"))
        async for event in events:
            yield SyncProgressType.from_event(event)
