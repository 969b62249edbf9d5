"""Checks JSON against the models an OpenAPI generator made for a service's official Python client
(hubspot-api-client): every key one of the model's attributes (strict) with the declared type,
recursively, then the client's own deserializer builds the model, which runs its validation
(required attributes, enums)."""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from tests.connectors.official.discovery import Checked


@dataclass
class _Response:
    """What the client's `ApiClient.deserialize` reads: a body as text."""

    data: str


class Models:
    def __init__(self, models: ModuleType, api_client: Any) -> None:
        self.models, self.api_client = models, api_client

    def check(self, type_name: str, value: Any, *, strict: bool = True) -> Checked:
        checked = Checked()
        self._check(type_name, value, type_name, checked, strict)
        if not checked.problems:
            try:
                self.api_client.deserialize(_Response(json.dumps(value)), type_name)
            except (ValueError, TypeError) as exc:
                checked.problems.append(f"{type_name}: the client's own model refuses it: {exc}")
        return checked

    def _check(self, kind: str, value: Any, where: str, checked: Checked, strict: bool) -> None:
        checked.values += 1
        if list_of := re.fullmatch(r"list\[(.*)\]", kind):
            if not isinstance(value, list):
                checked.problems.append(f"{where} is not a list")
                return
            for n, item in enumerate(value):
                self._check(list_of.group(1), item, f"{where}[{n}]", checked, strict)
        elif dict_of := re.fullmatch(r"dict[\[(]str, (.*)[\])]", kind):
            if not isinstance(value, dict):
                checked.problems.append(f"{where} is not an object")
                return
            for key, item in value.items():
                self._check(dict_of.group(1), item, f"{where}.{key}", checked, strict)
        elif kind in ("str", "int", "bool", "float", "datetime", "date", "object"):
            self._check_primitive(kind, value, where, checked)
        else:
            self._check_model(getattr(self.models, kind), value, where, checked, strict)

    def _check_model(self, model: type, value: Any, where: str, checked: Checked, strict: bool) -> None:
        if not isinstance(value, dict):
            checked.problems.append(f"{where} is not an object ({model.__name__})")
            return
        attribute_of = {json_name: attr for attr, json_name in model.attribute_map.items()}  # type: ignore[attr-defined]
        for key, item in value.items():
            if key not in attribute_of:
                if strict:
                    checked.problems.append(f"{where}.{key} is not an attribute of {model.__name__}")
                continue
            self._check(model.openapi_types[attribute_of[key]], item, f"{where}.{key}", checked, strict)  # type: ignore[attr-defined]

    @staticmethod
    def _check_primitive(kind: str, value: Any, where: str, checked: Checked) -> None:
        if value is None or kind == "object":
            return
        wrong = {
            "str": not isinstance(value, str),
            "int": isinstance(value, bool) or not isinstance(value, int),
            "float": isinstance(value, bool) or not isinstance(value, (int, float)),
            "bool": not isinstance(value, bool),
        }.get(kind)
        if kind in ("datetime", "date"):
            wrong = not isinstance(value, str) or not _iso(value)
        if wrong:
            checked.problems.append(f"{where}={value!r} is not a {kind}")


def _iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def query_parameters(api_method: Any) -> set[str]:
    """The query parameters a generated API method sends (read from its source: the generator
    writes one `query_params.append(("name", ...))` per declared parameter)."""
    return set(re.findall(r'query_params\.append\(\("(\w+)"', inspect.getsource(api_method)))
