"""Expected failures of a mutation as data: one field extension turns a `DomainError` raised by a
resolver into the payload's `userErrors`, so resolvers just call their service and map the result.

A refused mutation answers its payload with every result field null (an empty list where the field
is a list) and the errors, one `UserError` per part of the `DomainError`. Nothing else is caught:
an unexpected error stays an error (masked by `MaskErrors`). The services guarantee that a refused
call wrote nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.base import StrawberryList, get_object_definition
from strawberry.types.field import StrawberryField

from app.errors import DomainError, NotFound
from app.graphql.errors import UserError


def user_errors_of(error: DomainError) -> list[UserError]:
    return [UserError(field=part.field, code=part.code, message=part.message) for part in error.parts()]


def refused_payload(payload: Any, errors: list[UserError]) -> Any:
    """An instance of the payload type `payload` that carries only `errors`."""
    empty: dict[str, list[Any] | None] = {
        f.name: [] if isinstance(f.type, StrawberryList) else None
        for f in dataclasses.fields(payload) if f.name != "user_errors" and f.init
    }
    return payload(**empty, user_errors=errors)


class DomainErrorsAsUserErrors(FieldExtension):
    """On every mutation (`answer_domain_errors_in_payloads`); see the module docstring."""

    field: StrawberryField

    def apply(self, field: StrawberryField) -> None:
        self.field = field

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            return next_(source, info, **kwargs)
        except DomainError as error:
            return refused_payload(self.field.type, user_errors_of(error))

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info,
                            **kwargs: Any) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except DomainError as error:
            return refused_payload(self.field.type, user_errors_of(error))


class NullWhenNotFound(FieldExtension):
    """A lookup by id or email answers null for a missing object (another account's included)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        try:
            return next_(source, info, **kwargs)
        except NotFound:
            return None

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info,
                            **kwargs: Any) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except NotFound:
            return None


def answer_domain_errors_in_payloads(mutation: type) -> None:
    """Adds `DomainErrorsAsUserErrors` to every mutation (once: both schemas share the type)."""
    for field in get_object_definition(mutation, strict=True).fields:
        if not any(isinstance(e, DomainErrorsAsUserErrors) for e in field.extensions):
            field.extensions.append(DomainErrorsAsUserErrors())
