"""A Salesforce list view as a filter of the connector's own query.

`GET /sobjects/{object}/listviews/{id}/describe` answers the list view's SOQL (`query`), such as
`SELECT Name, Id FROM Lead USING SCOPE mine WHERE Status = 'Open' ORDER BY Name ASC NULLS FIRST,
Id ASC NULLS FIRST`. Its `WHERE` condition is added to the keyset query, so the import keeps its
own order and cursor. `USING SCOPE everything` adds nothing, `USING SCOPE mine` adds
`OwnerId = <the connected user>`; other scopes (team, queue, delegated) cannot be expressed as a
condition and are refused with a message saying so. The view is read at every fetch, so an edited
view applies from the next page on.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from app.connectors.base import FetchRequest
from app.connectors.salesforce_mapping import soql_string
from app.errors import SourceRejected, SourceUnavailable

Get = Callable[..., Awaitable[Any]]
_CLAUSES = re.compile(r"^SELECT .+? FROM (?P<object>\w+)(?: USING SCOPE (?P<scope>\w+))?"
                      r"(?: WHERE (?P<where>.+?))?(?: ORDER BY .+)?$", re.IGNORECASE | re.DOTALL)


def where_of_list_view(query: str, sobject: str, user_id: str) -> str | None:
    """The condition a list view's SOQL puts on its records (None: every record); raises
    `SourceRejected` when it cannot be added to another query."""
    match = _CLAUSES.match(query.strip())
    if match is None or match["object"].lower() != sobject.lower():
        raise SourceRejected(f"This list view does not list {sobject} records the import can read; choose another.")
    conditions = [match["where"].strip()] if match["where"] else []
    scope = (match["scope"] or "everything").lower()
    if scope == "mine":
        conditions.append(f"OwnerId = {soql_string(user_id)}")
    elif scope != "everything":
        raise SourceRejected(f"List views limited to '{scope}' records cannot be imported; choose a view of all "
                             "records or of your own.")
    return " AND ".join(f"({c})" for c in conditions) or None


async def list_view_where(get: Get, request: FetchRequest, sobject: str, view_id: str) -> str | None:
    described = await get(request, f"/sobjects/{sobject}/listviews/{view_id}/describe")
    query = described.get("query") if isinstance(described, dict) else None
    if not isinstance(query, str):
        raise SourceUnavailable("Salesforce described the list view without its query.")
    return where_of_list_view(query, sobject, str(request.settings.get("user_id", "")))
