"""Rules on the operation document that graphql-core and Strawberry leave open.

- `NoSuggestions` (production): no "Did you mean 'me'?" in any error, since suggestions reveal
  the schema that disabled introspection hides.
- `RequireOperationName`: a document with several operations and no `operationName` fails (the
  GraphQL spec's GetOperation), instead of running the first one.
- `DocumentLengthLimit`: a document longer than the limit is refused before it is parsed; the
  token limit alone does not count comments, so megabytes of them were parsed in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")
MULTIPLE_OPERATIONS = "Must provide operation name if query contains multiple operations."


def without_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


class NoSuggestions(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        for errors in (getattr(result, "errors", None), context.pre_execution_errors):
            for error in errors or []:
                error.message = without_suggestions(error.message)


class RequireOperationName(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        # Before validation runs: errors set here are the answer (and validation is skipped).
        context = self.execution_context
        document = context.graphql_document
        # Strawberry's `operation_name` falls back to the first operation's name: that fallback
        # is the defect, so look at what the request itself gave.
        if context._provided_operation_name is None and document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                context.pre_execution_errors = [GraphQLError(MULTIPLE_OPERATIONS)]
        yield


class DocumentLengthLimit(SchemaExtension):
    def __init__(self, max_characters: int) -> None:
        self.max_characters = max_characters

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query or ""
        if len(query) > self.max_characters:
            raise GraphQLError(f"The document is {len(query)} characters long; at most "
                               f"{self.max_characters} are accepted.", extensions={"code": "DOCUMENT_TOO_LONG"})
        yield
