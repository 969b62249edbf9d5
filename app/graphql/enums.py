"""GraphQL enums that mirror a domain enum, with a description on the type and on every value."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import cast

import strawberry


def described_enum(domain: type[Enum], name: str, description: str, values: Mapping[str, str]) -> type[Enum]:
    """A GraphQL enum with the members of `domain` (same names and values), described.

    The domain enums stay plain `str` enums (the database stores them); `strawberry.enum_value`
    cannot go into a `str` enum without changing its members' string value, so the GraphQL layer
    builds its own enum and resolvers convert with `Enum(member.value)`. A member added to the
    domain enum is served at once; without an entry in `values` it has no description, which
    `tests/api/test_schema_descriptions.py` reports.
    """
    members = {member.name: strawberry.enum_value(member.value, description=values.get(member.name))
               for member in domain}
    served = cast("type[Enum]", Enum(name, members))  # the functional API builds a class; typeshed says Enum
    return strawberry.enum(served, name=name, description=description)
