"""The descriptions of the scalars the schema uses beyond GraphQL's own, for GraphiQL's Docs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from strawberry.scalars import JSON
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY
from strawberry.types.scalar import ScalarDefinition

DATETIME_DESCRIPTION = (
    "A moment in time as an ISO 8601 string with its UTC offset, e.g. `2026-12-02T16:30:00.123456+00:00`. "
    "The API answers every moment in UTC."
)
JSON_DESCRIPTION = (
    "Any JSON value. This API uses it for an auto-import's `criteria` (an object keyed by the service's "
    "`Service.criteria` keys) and for `connectService`'s `settings` (an object of the service's settings); "
    "both are checked by the service, and wrong ones are answered with an INVALID user error."
)


def _described(scalar: object, description: str) -> ScalarDefinition:
    """Strawberry's own definition of a scalar (parsing and serialising unchanged), described."""
    definition = DEFAULT_SCALAR_REGISTRY[scalar]
    assert isinstance(definition, ScalarDefinition)
    return replace(definition, description=description)


SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    datetime: _described(datetime, DATETIME_DESCRIPTION),
    JSON: _described(JSON, JSON_DESCRIPTION),
}
