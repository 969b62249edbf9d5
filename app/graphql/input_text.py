"""Arguments holding characters no field should hold (NUL and other controls) are refused as
`INVALID` before any resolver runs: a mutation answers a payload with that user error, a query
an error with code `INVALID`. Nothing reaches the database, so SQLite and PostgreSQL agree."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.base import has_object_definition
from strawberry.utils.str_converters import to_camel_case

from app.graphql.errors import UserError
from app.graphql.user_errors import refused_payload
from app.text import forbidden_text_paths

MESSAGE = "The value holds a control character (such as NUL) that no field can store."


def _forbidden_paths(value: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Like `forbidden_text_paths`, through strawberry input objects too (GraphQL field names)."""
    if has_object_definition(value):
        for field in value.__strawberry_definition__.fields:
            name = field.graphql_name or to_camel_case(field.python_name)
            yield from _forbidden_paths(getattr(value, field.python_name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _forbidden_paths(item, path)
    else:
        yield from forbidden_text_paths(value, path)


def first_forbidden_argument(arguments: dict[str, Any]) -> list[str] | None:
    """The user-error field path of the first argument holding a forbidden character, or None.
    An `input` object's own name is left out of the path, as every user error does."""
    for name, value in arguments.items():
        shown = () if name == "input" else (to_camel_case(name),)
        for path in _forbidden_paths(value, shown):
            return list(path) or [to_camel_case(name)]
    return None


class RefuseForbiddenText(FieldExtension):
    """Put on every root field by `guard_root_fields`; see the module docstring."""

    def __init__(self, mutation: bool) -> None:
        self.mutation = mutation

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        field = first_forbidden_argument(kwargs) if kwargs else None
        return next_(source, info, **kwargs) if field is None else self._refusal(field)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info,
                            **kwargs: Any) -> Any:
        field = first_forbidden_argument(kwargs) if kwargs else None
        return await next_(source, info, **kwargs) if field is None else self._refusal(field)

    def _refusal(self, field: list[str]) -> Any:
        if not self.mutation:
            raise GraphQLError(MESSAGE, extensions={"code": "INVALID", "field": field})
        return refused_payload(self.field.type, [UserError(field=field, code="INVALID", message=MESSAGE)])

    def apply(self, field: Any) -> None:
        self.field = field


def guard_root_fields(query: type, mutation: type) -> None:
    """Adds `RefuseForbiddenText` to every field of the root types (once: both schemas share them)."""
    for root, is_mutation in ((query, False), (mutation, True)):
        for field in root.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if not any(isinstance(e, RefuseForbiddenText) for e in field.extensions):
                field.extensions.append(RefuseForbiddenText(is_mutation))
