"""Checks requests and answers against a Google API discovery document (the one that ships in
google-api-python-client): a request's method by its path, each query parameter declared for it
with the declared type and enum, required ones present; an answer's every key declared in the
method's response schema, recursively, with its declared type and enum."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import googleapiclient

DOCUMENTS = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DOCUMENTS / name).read_text())
    return document


@dataclass
class Checked:
    """How many values were checked, and what was wrong."""

    values: int = 0
    problems: list[str] = field(default_factory=list)

    def ok(self) -> None:
        assert not self.problems, "\n".join(self.problems[:20])


def _methods(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(resource.get("methods", {}).values())
    for child in resource.get("resources", {}).values():
        found += _methods(child)
    return found


class Discovery:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.schemas: dict[str, Any] = document["schemas"]
        self.methods = _methods(document)

    def method(self, http_method: str, path: str) -> dict[str, Any]:
        """The method a request is for, by its HTTP method and path (`/v1/people/me`)."""
        matches = [m for m in self.methods if m["httpMethod"] == http_method
                   and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", "/" + m.get("flatPath", m["path"])), path)]
        assert len(matches) == 1, (f"{http_method} {path} is not one method of the document: "
                                   f"{[m['id'] for m in matches]}")
        return matches[0]

    def check_request(self, http_method: str, path: str, query: dict[str, list[str]]) -> Checked:
        method = self.method(http_method, path)
        declared: dict[str, Any] = method.get("parameters", {})
        checked = Checked()
        for name, spec in declared.items():
            if spec.get("required") and spec["location"] == "query" and name not in query:
                checked.problems.append(f"{method['id']}: required parameter {name} missing")
        for name, values in query.items():
            spec = declared.get(name) or self.document.get("parameters", {}).get(name)
            if spec is None or spec.get("location") != "query":
                checked.problems.append(f"{method['id']}: parameter {name} is not declared")
                continue
            if len(values) > 1 and not spec.get("repeated"):
                checked.problems.append(f"{method['id']}: {name} given {len(values)} times")
            for value in values:
                checked.values += 1
                self._check_text(spec, value, f"{method['id']}?{name}", checked)
        return checked

    def _check_text(self, spec: dict[str, Any], value: str, where: str, checked: Checked) -> None:
        kind = spec.get("type")
        if kind == "integer" and not re.fullmatch(r"-?\d+", value):
            checked.problems.append(f"{where}={value!r} is not an integer")
        elif kind == "boolean" and value not in ("true", "false"):
            checked.problems.append(f"{where}={value!r} is not a boolean")
        if "enum" in spec and value not in spec["enum"]:
            checked.problems.append(f"{where}={value!r} is not one of {spec['enum']}")
        if spec.get("format") == "google-fieldmask":
            valid = set(re.findall(r"\* (\w+)", spec.get("description", "")))
            unknown = {part for part in value.split(",") if part} - valid if valid else set()
            if unknown:
                checked.problems.append(f"{where}: {sorted(unknown)} are not valid values ({sorted(valid)})")

    def check_response(self, http_method: str, path: str, body: Any) -> Checked:
        method = self.method(http_method, path)
        checked = Checked()
        self.check_value({"$ref": method["response"]["$ref"]}, body, method["response"]["$ref"], checked)
        return checked

    def check_value(self, schema: dict[str, Any], value: Any, where: str, checked: Checked) -> None:
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"]]
        kind = schema.get("type")
        checked.values += 1
        if kind == "object":
            if not isinstance(value, dict):
                checked.problems.append(f"{where} is not an object")
                return
            properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
            for key, item in value.items():
                if key in properties:
                    self.check_value(properties[key], item, f"{where}.{key}", checked)
                elif extra is not None:
                    self.check_value(extra, item, f"{where}.{key}", checked)
                else:
                    checked.problems.append(f"{where}.{key} is not in the schema")
        elif kind == "array":
            if not isinstance(value, list):
                checked.problems.append(f"{where} is not an array")
                return
            for n, item in enumerate(value):
                self.check_value(schema["items"], item, f"{where}[{n}]", checked)
        elif kind == "string":
            if not isinstance(value, str):
                checked.problems.append(f"{where}={value!r} is not a string")
            elif "enum" in schema and value not in schema["enum"]:
                checked.problems.append(f"{where}={value!r} is not one of {schema['enum']}")
            elif schema.get("format") in ("int64", "uint64") and not re.fullmatch(r"-?\d+", value):
                checked.problems.append(f"{where}={value!r} is not an {schema['format']}")
        elif kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
            checked.problems.append(f"{where}={value!r} is not an integer")
        elif kind == "boolean" and not isinstance(value, bool):
            checked.problems.append(f"{where}={value!r} is not a boolean")
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            checked.problems.append(f"{where}={value!r} is not a number")
