"""The stack's floor for the API benchmark: bare Strawberry serving the same answers from memory.

The same query texts, answered by a schema with the same field names and nesting, whose objects
are built once from the real app's answers (so the floor's JSON equals the app's, which the
benchmark checks): no database, no authentication, no DataLoaders, no extensions but Strawberry's
own `ParserCache` and `ValidationCache`. Served by `strawberry.asgi.GraphQL` on Starlette, in
process (latency) or under uvicorn (`bench.api_floor:app_from_environment`, throughput).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

ANSWERS_FILE = "AUTOIMPORT_BENCH_FLOOR_ANSWERS"  # the environment variable uvicorn's factory reads


@strawberry.type
class FloorAccount:
    id: strawberry.ID
    name: str


@strawberry.type
class FloorService:
    id: strawberry.ID
    name: str


@strawberry.type
class FloorList:
    name: str


@strawberry.type
class FloorCounts:
    added: int


@strawberry.type
class FloorProblem:
    code: str  # an enum's name in the app: the same JSON
    count: int | None


@strawberry.type
class FloorTroubleshooting:
    healthy: bool
    problems: list[FloorProblem]


@strawberry.type
class FloorAutoImport:
    id: strawberry.ID
    name: str
    status: str
    service: FloorService
    lists: list[FloorList]
    totals: FloorCounts
    troubleshooting: FloorTroubleshooting


@strawberry.type
class FloorContact:
    email: str
    first_name: str | None
    tags: list[str]
    lists: list[FloorList]


@strawberry.type
class FloorEdge:
    node: FloorContact


@strawberry.type
class FloorContactConnection:
    edges: list[FloorEdge]


def _lists(items: list[dict[str, Any]]) -> list[FloorList]:
    return [FloorList(name=item["name"]) for item in items]


def _auto_import(item: dict[str, Any]) -> FloorAutoImport:
    shooting = item["troubleshooting"]
    return FloorAutoImport(
        id=item["id"], name=item["name"], status=item["status"], service=FloorService(id="", **item["service"]),
        lists=_lists(item["lists"]), totals=FloorCounts(**item["totals"]),
        troubleshooting=FloorTroubleshooting(healthy=shooting["healthy"],
                                             problems=[FloorProblem(**p) for p in shooting["problems"]]))


def _contact(item: dict[str, Any]) -> FloorContact:
    return FloorContact(email=item["email"], first_name=item.get("firstName"), tags=item["tags"],
                        lists=_lists(item["lists"]))


class FloorData:
    """The in-memory objects, built once from the app's answers (`data` of each query, by root field)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.me = FloorAccount(**answers["me"])
        self.services = [FloorService(**s) for s in answers["services"]]
        self.auto_imports = [_auto_import(item) for item in answers["autoImports"]]
        self.contacts = [_contact(edge["node"]) for edge in answers["contacts"]["edges"]]
        self.contact = _contact(answers["contact"])


def floor_schema(data: FloorData) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def me(self) -> FloorAccount:
            return data.me

        @strawberry.field
        def services(self) -> list[FloorService]:
            return data.services

        @strawberry.field
        def auto_imports(self) -> list[FloorAutoImport]:
            return data.auto_imports

        @strawberry.field
        def contacts(self, first: int = 50) -> FloorContactConnection:
            return FloorContactConnection(edges=[FloorEdge(node=c) for c in data.contacts[:first]])

        @strawberry.field
        def contact(self, email: str) -> FloorContact | None:
            return data.contact  # one contact's shape whatever the address: the floor has no lookup

    return strawberry.Schema(query=Query, extensions=[ParserCache, ValidationCache])


def floor_app(answers: dict[str, Any]) -> Starlette:
    graphql = GraphQL(floor_schema(FloorData(answers)), graphql_ide=None, allow_queries_via_get=False)
    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])  # type: ignore[arg-type]


def app_from_environment() -> Starlette:
    """For `uvicorn --factory bench.api_floor:app_from_environment`: answers from the JSON file
    named by `AUTOIMPORT_BENCH_FLOOR_ANSWERS`."""
    return floor_app(json.loads(Path(os.environ[ANSWERS_FILE]).read_text()))
