"""Text that no field should hold, and bounded echoes of user input.

PostgreSQL refuses NUL in text and JSON; SQLite stores it. Both refuse lone surrogates (which a
JSON body can carry as `\\ud800`). So text from any source is cleaned here the same way before it
is written, and a GraphQL argument that carries such a character is refused as `INVALID`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """`value` without the characters no field should hold (see `FORBIDDEN_CHARACTERS`)."""
    return FORBIDDEN_CHARACTERS.sub("", value)


def has_forbidden_characters(value: str) -> bool:
    return FORBIDDEN_CHARACTERS.search(value) is not None


def forbidden_text_paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The paths (dict keys, never list indexes) of every string in a JSON-like value, keys
    included, that holds a forbidden character."""
    if isinstance(value, str):
        if has_forbidden_characters(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and has_forbidden_characters(key):
                yield path
            yield from forbidden_text_paths(item, (*path, str(key)))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from forbidden_text_paths(item, path)


def shorten(value: object, limit: int = 80) -> str:
    """`value` as text for a message or a log line, cut to about `limit` characters."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def quoted(value: object, limit: int = 80) -> str:
    """`value` quoted for a message (`'Plan'`), cut to about `limit` characters."""
    text = str(value)
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text)} characters)"


def listed(values: list[str], most: int = 10, limit: int = 40) -> str:
    """The first `most` values quoted and cut, then how many more: for messages naming a list."""
    shown = ", ".join(quoted(value, limit) for value in values[:most])
    return shown + (f" and {len(values) - most} more" if len(values) > most else "")
