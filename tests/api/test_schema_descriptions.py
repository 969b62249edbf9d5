"""Every type, field, argument, input field and enum value of the served schema has a description,
so GraphiQL's Docs are the reference (issue 7)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    specified_scalar_types,
)

from app.graphql.enums import described_enum
from app.graphql.schema import production_schema, schema


def _own_types(graphql_schema: GraphQLSchema) -> list[GraphQLNamedType]:
    """The schema's types less introspection's (`__Type`, ...) and GraphQL's built-in scalars."""
    return [t for name, t in sorted(graphql_schema.type_map.items())
            if not name.startswith("__") and name not in specified_scalar_types]


def _undescribed_parts(named: GraphQLNamedType) -> list[str]:
    """The fields, arguments, input fields and enum values of one type that have no description."""
    missing: list[str] = []
    if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
        for field_name, field in named.fields.items():
            if not field.description:
                missing.append(f"{named.name}.{field_name}")
            missing += [f"{named.name}.{field_name}({arg_name})" for arg_name, arg in field.args.items()
                        if not arg.description]
    if isinstance(named, GraphQLInputObjectType):
        missing += [f"{named.name}.{name}" for name, field in named.fields.items() if not field.description]
    if isinstance(named, GraphQLEnumType):
        missing += [f"{named.name}.{name}" for name, value in named.values.items() if not value.description]
    return missing


def undescribed(graphql_schema: GraphQLSchema) -> list[str]:
    """Everything in the schema that GraphiQL's Docs would show without a description."""
    missing: list[str] = []
    for named in _own_types(graphql_schema):
        if not named.description:
            missing.append(named.name)
        missing += _undescribed_parts(named)
    return missing


@pytest.mark.parametrize("served", [schema, production_schema], ids=["development", "production"])
def test_every_part_of_the_served_schema_is_described(served: strawberry.Schema) -> None:
    missing = undescribed(served._schema)

    assert not missing, "Add a description to:\n  " + "\n  ".join(missing)


def test_the_walk_covers_queries_mutations_inputs_enums_and_scalars() -> None:
    names = {t.name for t in _own_types(schema._schema)}

    assert {"Query", "Mutation", "CreateAutoImportInput", "AutoImportStatus", "DateTime", "JSON"} <= names
    assert not names & {"String", "Int", "Boolean", "ID", "__Type", "__Schema"}


class _Colour(str, Enum):
    RED = "RED"
    GREEN = "GREEN"


_ColourEnum = described_enum(_Colour, "Colour", "A colour.", {"RED": "Red."})


@strawberry.type(name="Shape")
class _Shape:
    name: str
    colour: _ColourEnum = strawberry.field(description="Its colour.")  # type: ignore[valid-type]


@strawberry.input(name="ShapeInput")
class _ShapeInput:
    name: str


@strawberry.type(name="Query", description="Queries.")
class _Query:
    @strawberry.field(description="A shape.")
    def shape(self, size: int, kind: Annotated[str, strawberry.argument(description="Kind.")]) -> _Shape:
        return _Shape(name=f"{kind} {size}", colour=_ColourEnum("RED"))

    @strawberry.field(description="Shapes like one.")
    def like(self, example: Annotated[_ShapeInput, strawberry.argument(description="The example.")]) -> list[_Shape]:
        return []


def test_the_walk_names_every_missing_description() -> None:
    """The check itself: a schema with gaps of every kind is reported part by part, and a domain
    enum member that `described_enum` has no description for is served, and reported."""
    toy = strawberry.Schema(query=_Query)

    assert undescribed(toy._schema) == ["Colour.GREEN", "Query.shape(size)", "Shape", "Shape.name", "ShapeInput",
                                        "ShapeInput.name"]
    assert set(toy._schema.type_map["Colour"].values) == {"RED", "GREEN"}  # type: ignore[attr-defined]
