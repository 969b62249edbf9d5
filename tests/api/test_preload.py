"""`asked`: the fields a query names under a root field, read from graphql-core's nodes, equal to
what Strawberry's `info.selected_fields` gives (fragments left out: they go through the loaders)."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.types.nodes import SelectedField

from app.graphql.preload import asked


def _through_selected_fields(info: strawberry.Info, *path: str) -> set[str]:
    """What `asked` answered when it walked `info.selected_fields`."""
    level: list[Any] = info.selected_fields
    for name in path:
        level = [s for field in level for s in field.selections if isinstance(s, SelectedField) and s.name == name]
    return {s.name for field in level for s in field.selections if isinstance(s, SelectedField)}


@strawberry.type
class Leaf:
    a: int = 1
    b: int = 2


@strawberry.type
class Node:
    node: Leaf = strawberry.field(default_factory=Leaf)
    c: int = 3


@strawberry.type
class Page:
    edges: list[Node] = strawberry.field(default_factory=lambda: [Node()])
    total: int = 0


SEEN: list[tuple[set[str], set[str], set[str], set[str]]] = []


@strawberry.type
class Query:
    @strawberry.field
    def page(self, info: strawberry.Info, first: int = 1) -> Page:
        SEEN.append((asked(info), _through_selected_fields(info), asked(info, "edges", "node"),
                     _through_selected_fields(info, "edges", "node")))
        return Page()


SCHEMA = strawberry.Schema(query=Query)


@pytest.mark.parametrize(("query", "top", "nested"), [
    ("{ page { total edges { node { a b } } } }", {"total", "edges"}, {"a", "b"}),
    ("query($n: Int!) { page(first: $n) { x: total edges { c node { a } } } }", {"total", "edges"}, {"a"}),
    ("{ page { edges { node { ...F } } } } fragment F on Leaf { a }", {"edges"}, set()),
    ("{ page { ... on Page { total } edges { node { b ... on Leaf { a } } } } }", {"edges"}, {"b"}),
    ("{ page { total @skip(if: true) edges @include(if: true) { node { a } } } }", {"total", "edges"}, {"a"}),
    ("{ page { total } }", {"total"}, set()),
])
def test_asked_names_the_fields_selected_fields_names(query: str, top: set[str], nested: set[str]) -> None:
    SEEN.clear()
    result = SCHEMA.execute_sync(query, variable_values={"n": 2})

    assert result.errors is None
    ((mine_top, theirs_top, mine_nested, theirs_nested),) = SEEN
    assert (mine_top, mine_nested) == (theirs_top, theirs_nested) == (top, nested)
