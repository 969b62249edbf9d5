"""Reading a list's nested fields ahead, in the root resolver, so that they answer plain values.

graphql-core completes an async resolver of a list item with a task, a future and (through a
DataLoader) a batch call each: ~600 per list of 200 imports, most of the time of such a response.
A root resolver that knows which fields are asked can read them ahead through the same loaders
(the same statements), and the fields answer what was read. A field not read ahead (asked through
a fragment, or its object built elsewhere) returns the loader's awaitable, which graphql-core
awaits as it does any resolver's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField

T = TypeVar("T")


def later(awaitable: Awaitable[T]) -> Any:
    """A plain resolver's answer still to be read (typed Any: the resolver's annotation is the
    GraphQL type of what graphql-core gets once it awaited it)."""
    return awaitable


def asked(info: strawberry.Info, *path: str) -> set[str]:
    """The names of the fields asked for under the current field, following `path` (e.g. "edges",
    "node"); fields inside fragments are not included: they are read through the loaders."""
    level: Sequence[Any] = info.selected_fields
    for name in path:
        level = [s for field in level for s in field.selections if isinstance(s, SelectedField) and s.name == name]
    return {s.name for field in level for s in field.selections if isinstance(s, SelectedField)}


async def nothing(count: int) -> list[Any]:
    """What a field not asked for is read ahead as: None for each item."""
    return [None] * count
