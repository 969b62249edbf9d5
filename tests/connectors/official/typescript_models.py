"""Checks JSON against the TypeScript declarations (`*.d.ts`) that an OpenAPI generator wrote for
a service's official client (Pipedrive's `pipedrive` npm package, generated from its OpenAPI):
interfaces and intersections of them, `Array<T>`, `T | null`, string literal unions, enum
constants, primitives and `{ [key: string]: T }` maps. A key no interface declares is a problem;
so is a request parameter that the operation's request interface does not declare. A null for an
optional property (`'x'?: T`) passes: the generator leaves the spec's `nullable` out of them, and
the API answers null for an empty one (a person without an organisation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.connectors.official.discovery import Checked

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_MAP = re.compile(r"\{\s*\[key: string\]:\s*([^;{}]+);\s*\}")
_PROPERTY = re.compile(r"(?:readonly\s+)?'?(\w+)'?(\??):\s*([^;]+);")


def _split(text: str, separator: str) -> list[str]:
    """Splits on a separator outside `<...>`."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "<"
        depth -= char == ">"
        if char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


@dataclass
class Declarations:
    """The interfaces, type aliases and enum constants of a folder of `.d.ts` files."""

    interfaces: dict[str, dict[str, str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    enums: dict[str, set[str]] = field(default_factory=dict)
    extra_keys: frozenset[str] = frozenset()  # set by `check` for the call it makes

    @classmethod
    def read(cls, *folders: Path) -> Declarations:
        found = cls()
        for folder in folders:
            for path in sorted(folder.glob("*.d.ts")):
                found._read(_MAP.sub(r"Map<\1>", _COMMENT.sub("", path.read_text())))
        return found

    def _read(self, text: str) -> None:
        for name, body in re.findall(r"export interface (\w+) \{(.*?)\n\}", text, re.S):
            self.interfaces[name] = {key: kind + (" | null" if optional else "")
                                     for key, optional, kind in _PROPERTY.findall(body)}
        for name, values in re.findall(r"export declare const (\w+): \{(.*?)\};", text, re.S):
            self.enums[name] = set(re.findall(r':\s*"([^"]*)"', values))
        for name, alias in re.findall(r"export type (\w+) = ([^;]+);", text):
            if not alias.startswith("typeof"):
                self.aliases[name] = alias.strip()

    def check(self, kind: str, value: Any, where: str = "", *, extra_keys: frozenset[str] = frozenset()) -> Checked:
        """`extra_keys`: keys allowed on any object besides the declared ones (the fields a
        request asked for by name, which the generated models do not list)."""
        checked = Checked()
        self.extra_keys = extra_keys
        self._check(kind, value, where or kind, checked)
        return checked

    def _check(self, kind: str, value: Any, where: str, checked: Checked) -> None:
        checked.values += 1
        options = _split(kind, "|")
        if len(options) > 1:
            if value is None and ("null" in options or "undefined" in options):
                return
            literals = [o.strip("'") for o in options if o.startswith("'")]
            if literals:
                if value not in literals:
                    checked.problems.append(f"{where}={value!r} is not one of {literals}")
                return
            tried = [self.check(o, value, where, extra_keys=self.extra_keys)
                     for o in options if o not in ("null", "undefined")]
            passed = [t for t in tried if not t.problems]
            checked.values += max(t.values for t in passed or tried) - 1
            if not passed:
                checked.problems += tried[0].problems
            return
        self._check_one(kind.strip(), value, where, checked)

    def _check_one(self, kind: str, value: Any, where: str, checked: Checked) -> None:
        if kind in ("any", "object", "unknown"):
            return
        primitive = {"string": str, "number": (int, float), "boolean": bool}.get(kind)
        if primitive is not None:
            if isinstance(value, bool) != (kind == "boolean") or not isinstance(value, primitive):
                checked.problems.append(f"{where}={value!r} is not a {kind}")
            return
        if inner := re.fullmatch(r"Array<(.*)>", kind):
            if not isinstance(value, list):
                checked.problems.append(f"{where} is not an array")
                return
            for n, item in enumerate(value):
                self._check(inner.group(1), item, f"{where}[{n}]", checked)
            return
        if inner := re.fullmatch(r"Map<(.*)>", kind):
            if not isinstance(value, dict):
                checked.problems.append(f"{where} is not an object")
                return
            for key, item in value.items():
                self._check(inner.group(1), item, f"{where}.{key}", checked)
            return
        self._check_named(kind, value, where, checked)

    def _check_named(self, kind: str, value: Any, where: str, checked: Checked) -> None:
        if kind in self.enums:
            if value not in self.enums[kind]:
                checked.problems.append(f"{where}={value!r} is not a value of {kind}")
            return
        parts = _split(self.aliases[kind], "&") if kind in self.aliases else [kind]
        if len(parts) == 1 and parts[0] != kind:
            self._check(parts[0], value, where, checked)
            return
        if not isinstance(value, dict):
            checked.problems.append(f"{where} is not an object ({kind})")
            return
        properties: dict[str, str] = {}
        for part in parts:
            properties |= self.interfaces[part]
        for key, item in value.items():
            if key not in properties and key in self.extra_keys:
                continue
            if key not in properties:
                checked.problems.append(f"{where}.{key} is not declared by {kind}")
            else:
                self._check(properties[key], item, f"{where}.{key}", checked)

    def check_query(self, request_interface: str, query: dict[str, list[str]]) -> Checked:
        """Query parameters (as text) against an operation's request interface."""
        declared = self.interfaces[request_interface]
        checked = Checked()
        for name, values in query.items():
            checked.values += 1
            if name not in declared:
                checked.problems.append(f"{request_interface}: {name} is not a parameter")
                continue
            kind, value = declared[name].strip(), values[-1]
            literals = [o.strip("'") for o in _split(kind, "|") if o.startswith("'")]
            if (kind == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", value)) or \
                    (kind == "boolean" and value not in ("true", "false")) or (literals and value not in literals):
                checked.problems.append(f"{request_interface}: {name}={value!r} is not a {kind}")
        return checked
