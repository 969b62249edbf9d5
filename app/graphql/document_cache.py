"""Parsing and validating an operation once per query text, not once per request.

Clients send the same few documents over and over (the import page has a dozen), and
graphql-core's validation walks the whole document with every rule: it cost more than executing
`{ me { id name } }`. Strawberry's `ParserCache` memoises parsing by query text; `KnownValidDocuments`
remembers the query texts that passed validation with the same rules, so Strawberry skips
validating them again.

- Only documents without validation errors are remembered: a refused document is validated again
  each time (its errors are never shared between requests).
- The memo is bounded (oldest first out), so unique query texts cannot grow it without limit.
- The rules are part of the key: rule classes must be built once (`LIMIT_RULES` in the schema),
  not per request, or nothing would ever match.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

DEFAULT_MAXSIZE = 256


class ValidDocumentMemo:
    """The query texts (with the rules they passed) known to be valid for one schema."""

    def __init__(self, maxsize: int = DEFAULT_MAXSIZE) -> None:
        self.maxsize = maxsize
        self._known: dict[tuple[str, tuple[type, ...]], None] = {}

    def __contains__(self, key: tuple[str, tuple[type, ...]]) -> bool:
        return key in self._known

    def remember(self, key: tuple[str, tuple[type, ...]]) -> None:
        if len(self._known) >= self.maxsize:
            del self._known[next(iter(self._known))]
        self._known[key] = None

    def __len__(self) -> int:
        return len(self._known)


class KnownValidDocuments(SchemaExtension):
    """Put after any extension that sets errors in `on_validate` (`RequireOperationName`): a
    document it refused is neither skipped nor remembered."""

    def __init__(self, memo: ValidDocumentMemo) -> None:
        self.memo = memo

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        key = (context.query or "", tuple(context.validation_rules))
        if context.pre_execution_errors is None and key in self.memo:
            context.pre_execution_errors = []  # Strawberry validates only while this is None
            yield
            return
        yield
        if context.pre_execution_errors == [] and context.query:
            self.memo.remember(key)
