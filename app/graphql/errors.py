"""User errors: expected failures become data on the payload; anything else is masked."""

from __future__ import annotations

import logging
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from app.errors import DomainError, NotFound

log = logging.getLogger("app.graphql")


@strawberry.type(description="Why a mutation did nothing: bad input is answered here, never with a server error, "
                 "and nothing of the mutation is written. Another account's objects are answered exactly like "
                 "missing ones (NOT_FOUND).")
class UserError:
    field: list[str] | None = strawberry.field(
        description="The path of the input at fault, in the API's names, e.g. `[\"listIds\"]` or "
        "`[\"criteria\", \"label\"]`; null when no one input is at fault.")
    code: str = strawberry.field(description="`NOT_FOUND` (no such object in the account), `INVALID` (a value the "
                                 "API or the service refuses) or `CONFLICT` (it clashes with what exists).")
    message: str = strawberry.field(description="What is wrong, in plain words for the user.")


def should_mask_error(error: GraphQLError) -> bool:
    """Validation and syntax errors (no original error) pass; unexpected ones are masked and logged."""
    original = error.original_error
    if original is None or isinstance(original, (DomainError, GraphQLError)):
        return False
    log.error("Unexpected error in %s", error.path, exc_info=original)
    return True


class MaskUnexpectedErrors(MaskErrors):
    """Strawberry's `MaskErrors` with `should_mask_error`, finding a result's errors by attribute:
    its own test, an `isinstance` against a runtime-checkable Protocol, cost 12 µs of every request
    on Python 3.11. Should Strawberry rename the method, its own (slower) one simply runs again."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error)

    def _process_result(self, result: object) -> None:
        errors: list[GraphQLError] | None = getattr(result, "errors", None)
        if errors:
            cast("Any", result).errors = self._process_errors(errors)


def parse_id(value: str | None, field: str) -> int:
    """An ID argument as our integer key; anything else cannot exist, so it is `NotFound`."""
    try:
        parsed = int(str(value))
    except (TypeError, ValueError):
        raise NotFound("There is no object with that id.", [field]) from None
    if not 0 < parsed < 2**31:
        raise NotFound("There is no object with that id.", [field])
    return parsed
