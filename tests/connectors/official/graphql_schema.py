"""Checks GraphQL operations, their variables and their answers against a published schema (an
introspection result): the documents validate against the schema, the variables coerce to the
operation's declared types, and every answer has exactly the fields selected, each of the type
the schema gives it (non-null, lists, enum values, scalars)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    OperationDefinitionNode,
    build_client_schema,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from tests.connectors.official.discovery import Checked

BUILT_IN = {"String": str, "ID": str, "Boolean": bool, "Int": int}


@cache  # a schema takes a second or two to build: once per version and run
def load_schema(path: Path) -> GraphQLSchema:
    schema = build_client_schema(json.loads(gzip.decompress(path.read_bytes()))["data"])
    # Shopify's published schema deprecates some implementations of interface fields that the
    # interface does not deprecate (`ChannelDefinition.id`...), which graphql-core's schema check
    # (a rule of the spec's draft) refuses before it validates any document. The schema is taken
    # as Shopify publishes it: that check is marked done, with nothing found.
    schema._validation_errors = []
    return schema


def check_document(schema: GraphQLSchema, document: str) -> list[str]:
    return [error.message for error in validate(schema, parse(document))]


def check_variables(schema: GraphQLSchema, document: str, variables: dict[str, Any]) -> Checked:
    operation = _operation(document)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    checked = Checked(values=len(variables))
    if isinstance(coerced, list):
        checked.problems += [error.message for error in coerced]
    return checked


def check_answer(schema: GraphQLSchema, document: str, data: Any) -> Checked:
    operation = _operation(document)
    root = schema.query_type
    assert root is not None
    checked = Checked()
    _check_selection(root, operation.selection_set.selections, data, "data", checked)
    return checked


def _operation(document: str) -> OperationDefinitionNode:
    operations = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1
    return operations[0]


def _check_selection(parent: GraphQLObjectType, selections: Any, value: Any, where: str, checked: Checked) -> None:
    if not isinstance(value, dict):
        checked.problems.append(f"{where} is not an object")
        return
    fields = [s for s in selections if isinstance(s, FieldNode)]
    names = {(f.alias or f.name).value for f in fields}
    checked.problems += [f"{where}.{key} was not selected" for key in value if key not in names]
    for field in fields:
        key = (field.alias or field.name).value
        if key not in value:
            checked.problems.append(f"{where}.{key} is missing")
            continue
        definition = parent.fields[field.name.value]
        _check_value(definition.type, field, value[key], f"{where}.{key}", checked)


def _check_value(kind: GraphQLType, field: FieldNode, value: Any, where: str, checked: Checked) -> None:
    checked.values += 1
    if isinstance(kind, GraphQLNonNull):
        if value is None:
            checked.problems.append(f"{where} is null but the schema says non-null")
            return
        kind = kind.of_type
    if value is None:
        return
    if isinstance(kind, GraphQLList):
        if not isinstance(value, list):
            checked.problems.append(f"{where} is not a list")
            return
        for n, item in enumerate(value):
            _check_value(kind.of_type, field, item, f"{where}[{n}]", checked)
    elif isinstance(kind, GraphQLObjectType):
        assert field.selection_set is not None
        _check_selection(kind, field.selection_set.selections, value, where, checked)
    elif isinstance(kind, GraphQLEnumType):
        if value not in kind.values:
            checked.problems.append(f"{where}={value!r} is not a value of {kind.name}")
    elif isinstance(kind, GraphQLScalarType):
        expected = BUILT_IN.get(kind.name, str)  # Shopify's own scalars (DateTime, Decimal, URL...) are strings
        if kind.name == "Float":
            expected = (int, float)  # type: ignore[assignment]
        if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
            checked.problems.append(f"{where}={value!r} is not a {kind.name}")
    else:
        checked.problems.append(f"{where}: {kind} (an interface or union) is not checked here")
