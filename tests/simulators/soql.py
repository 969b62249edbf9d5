"""The subset of SOQL the Salesforce simulator answers, parsed and evaluated as Salesforce does.

`SELECT f1, Rel.f2 FROM Object [USING SCOPE s] [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...]
[LIMIT n]`, where `cond` is comparisons (`= != < <= > >=`, `IN (...)`, `LIKE`) joined by AND, OR,
NOT and parentheses; literals are strings ('with \\' escapes'), numbers, `true`/`false`, `null`
and unquoted dateTimes (`2026-01-01T00:00:00Z`, with or without milliseconds, or an offset).
Anything else is a `SoqlError` carrying Salesforce's `MALFORMED_QUERY` (or `INVALID_FIELD` for
a field the object does not have), so a connector that sends something Salesforce would refuse
is refused here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

_TOKEN = re.compile(r"""\s*(?:(?P<string>'(?:\\.|[^'\\])*')|(?P<datetime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?
                        (?:Z|[+-]\d\d:\d\d))|(?P<number>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|<>|=|<|>|\(|\)|,)
                        |(?P<word>[A-Za-z_][\w.]*))""", re.VERBOSE)


class SoqlError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Query:
    fields: list[str]
    sobject: str
    scope: str | None
    where: Callable[[Mapping[str, Any]], bool]
    order: list[tuple[str, bool]]  # (field, descending)
    limit: int | None


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SoqlError("MALFORMED_QUERY", f"unexpected token at: {text[position:position + 20]}")
        kind = match.lastgroup or ""
        raw = match.group(kind)
        tokens.append((kind, raw))
        position = match.end()
    return tokens


def _literal(kind: str, raw: str) -> Any:
    if kind == "string":
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), raw[1:-1])
    if kind == "datetime":
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(timezone.utc)
    if kind == "number":
        return float(raw)
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{raw}'")


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]], has_field: Callable[[str], bool]) -> None:
        self.tokens, self.at, self.has_field = tokens, 0, has_field

    def peek(self) -> str:
        return str(self.tokens[self.at][1]).upper() if self.at < len(self.tokens) else ""

    def next(self) -> tuple[str, Any]:
        if self.at >= len(self.tokens):
            raise SoqlError("MALFORMED_QUERY", "unexpected end of query")
        self.at += 1
        return self.tokens[self.at - 1]

    def expect(self, word: str) -> None:
        if self.next()[1].upper() != word:
            raise SoqlError("MALFORMED_QUERY", f"expecting '{word}'")

    def field(self) -> str:
        kind, raw = self.next()
        if kind != "word":
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{raw}'")
        if not self.has_field(raw):
            raise SoqlError("INVALID_FIELD", f"No such column '{raw}' on entity.")
        return str(raw)

    def condition(self) -> Callable[[Mapping[str, Any]], bool]:
        left = self.conjunction()
        while self.peek() == "OR":
            self.next()
            right, first = self.conjunction(), left
            left = lambda r, a=first, b=right: a(r) or b(r)  # noqa: E731
        return left

    def conjunction(self) -> Callable[[Mapping[str, Any]], bool]:
        left = self.negation()
        while self.peek() == "AND":
            self.next()
            right, first = self.negation(), left
            left = lambda r, a=first, b=right: a(r) and b(r)  # noqa: E731
        return left

    def negation(self) -> Callable[[Mapping[str, Any]], bool]:
        if self.peek() == "NOT":
            self.next()
            inner = self.negation()
            return lambda r: not inner(r)
        if self.peek() == "(":
            self.next()
            inner = self.condition()
            self.expect(")")
            return inner
        return self.comparison()

    def comparison(self) -> Callable[[Mapping[str, Any]], bool]:
        name = self.field()
        operator = self.next()[1].upper()
        if operator in ("IN", "NOT"):
            if operator == "NOT":
                self.expect("IN")
            values = self.value_list()
            return lambda r: (value_of(r, name) in values) == (operator == "IN")
        if operator == "LIKE":
            pattern = self.value()
            regex = re.compile("^" + re.escape(str(pattern)).replace("%", ".*").replace("_", ".") + "$", re.I)
            return lambda r: bool(regex.match(str(value_of(r, name) or "")))
        value = self.value()
        return lambda r: _compare(value_of(r, name), operator, value)

    def value(self) -> Any:
        kind, raw = self.next()
        return _literal(kind, raw)

    def value_list(self) -> list[Any]:
        self.expect("(")
        values = [self.value()]
        while self.peek() == ",":
            self.next()
            values.append(self.value())
        self.expect(")")
        return values


def _compare(left: Any, operator: str, right: Any) -> bool:
    if operator == "=":
        return bool(_same(left, right))
    if operator in ("!=", "<>"):
        return not _same(left, right)
    if left is None or right is None:
        return False
    if isinstance(right, datetime) and not isinstance(left, datetime):
        return False
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[operator]


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()  # SOQL compares text without case
    return bool(left == right)


def value_of(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = next((v for k, v in value.items() if k.lower() == part.lower()), None) if isinstance(value, dict) \
            else None
    return value


def parse(text: str, has_field: Callable[[str, str], bool]) -> Query:
    """A parsed query; `has_field(object, field)` says which fields exist."""
    tokens = _tokens(text)
    parser = _Parser(tokens, lambda name: True)
    parser.expect("SELECT")
    raw_fields = [parser.next()[1]]
    while parser.peek() == ",":
        parser.next()
        raw_fields.append(parser.next()[1])
    parser.expect("FROM")
    sobject = str(parser.next()[1])
    parser.has_field = lambda name: has_field(sobject, name)
    for name in raw_fields:
        if not has_field(sobject, str(name)):
            raise SoqlError("INVALID_FIELD", f"No such column '{name}' on entity '{sobject}'.")
    scope = None
    if parser.peek() == "USING":
        parser.next()
        parser.expect("SCOPE")
        scope = str(parser.next()[1]).lower()
    where: Callable[[Mapping[str, Any]], bool] = lambda r: True  # noqa: E731
    if parser.peek() == "WHERE":
        parser.next()
        where = parser.condition()
    order: list[tuple[str, bool]] = []
    if parser.peek() == "ORDER":
        parser.next()
        parser.expect("BY")
        order.append(_order_item(parser))
        while parser.peek() == ",":
            parser.next()
            order.append(_order_item(parser))
    limit = None
    if parser.peek() == "LIMIT":
        parser.next()
        kind, raw = parser.next()
        if kind != "number" or not raw.isdigit():
            raise SoqlError("MALFORMED_QUERY", "LIMIT takes a whole number")
        limit = int(raw)
    if parser.at != len(tokens):
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{tokens[parser.at][1]}'")
    return Query([str(f) for f in raw_fields], sobject, scope, where, order, limit)


def _order_item(parser: _Parser) -> tuple[str, bool]:
    name = parser.field()
    descending = False
    if parser.peek() in ("ASC", "DESC"):
        descending = parser.next()[1].upper() == "DESC"
    if parser.peek() == "NULLS":
        parser.next()
        parser.next()
    return name, descending
