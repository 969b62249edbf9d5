"""Queries and small helpers shared by the sync-engine tests."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from app.autoimports.models import AutoImport
from tests.conftest import Api, Sync

COUNTS = ("fetched added updated unchanged skippedMissingEmail skippedInvalidEmail skippedMalformed "
          "notAddedContactLimit keptUnsubscribed")

IMPORT_STATE = f"""
query($id: ID!) {{ autoImport(id: $id) {{
  status lastSyncAt nextSyncAt
  totals {{ {COUNTS} }}
  syncs(last: 30) {{ outcome error backlogEstimate startedAt finishedAt counts {{ {COUNTS} }} }}
  troubleshooting {{ healthy problems {{ code message action count samples {{ externalId email reason }} }} }}
}} }}"""

CONTACT = """
query($email: String!) { contact(email: $email) {
  id email firstName lastName phone status tags
  lists { id name }
  fieldValues { field { title perstag } value }
} }"""

CONTACT_EMAILS = """
query($listId: ID, $tag: String) { contacts(first: 200, listId: $listId, tag: $tag) {
  totalCount edges { node { email } }
} }"""


def now() -> datetime:
    return datetime.now(timezone.utc)


async def import_state(api: Api, import_id: str) -> dict[str, Any]:
    return (await api(IMPORT_STATE, id=import_id))["autoImport"]


def problem(state: dict[str, Any], code: str) -> dict[str, Any] | None:
    found = [p for p in state["troubleshooting"]["problems"] if p["code"] == code]
    assert len(found) <= 1, found
    return found[0] if found else None


def last_run(state: dict[str, Any]) -> dict[str, Any]:
    return state["syncs"][0]


async def make_due(*import_ids: str) -> None:
    await AutoImport.filter(id__in=[int(i) for i in import_ids]).update(next_sync_at=now())


async def sync_again(sync: Sync, *import_ids: str) -> int:
    """Makes the imports due and runs what is due; returns the records taken."""
    await make_due(*import_ids)
    return sum(summary.records for summary in await sync.due())


async def contact(api: Api, email: str) -> dict[str, Any] | None:
    return (await api(CONTACT, email=email))["contact"]


async def contact_emails(api: Api, list_id: str | None = None, tag: str | None = None) -> list[str]:
    data = (await api(CONTACT_EMAILS, listId=list_id, tag=tag))["contacts"]
    return [edge["node"]["email"] for edge in data["edges"]]
