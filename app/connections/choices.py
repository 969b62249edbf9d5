"""The values a criterion can take at a connection's external account (`Connection.criterionChoices`).

- Read from the service through the connector's optional `criterion_choices` (`ChoiceSource`),
  with the connection's own credentials; a refreshed token set is saved with the connection.
- Kept briefly in the process (`ChoiceCache`: `CHOICES_TTL` seconds, at most `CACHE_SIZE`
  entries, oldest out first), so a wizard that asks again on every step costs the service one
  call a minute. The key is the account, the connection (id and creation time, so a new
  connection that reuses a deleted one's id never sees its choices) and the criterion; nothing
  else is shared between tenants. A deleted connection's entries are dropped at once.
- A criterion whose values are free (a CSV column, a yes/no) has no choices: `[]`, the form
  shows a text input. A key that is not one of the service's criteria is `Invalid`.
- A service that fails (5xx, timeouts, refused credentials, a rate limit) is `ServiceUnreachable`,
  saying which service could not be reached and why, without a token or a URL's query.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, cast

from app.connections.models import Connection
from app.connections.service import decrypt_connection_settings, get_connection, save_connection_settings
from app.connectors.base import Choice, ChoiceSource, ServiceDescription, SourceContext
from app.connectors.registry import get_connector
from app.errors import Invalid, ServiceUnreachable, SourceError
from app.security import SettingsCipher

CHOICES_TTL = 60.0
CACHE_SIZE = 512
CacheKey = tuple[int, int, float, str]


class ChoiceCache:
    """Choices by (account, connection, its creation time, criterion), for `ttl` seconds."""

    def __init__(self, ttl: float = CHOICES_TTL, max_entries: int = CACHE_SIZE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self.clock = ttl, max_entries, clock
        self._entries: OrderedDict[CacheKey, tuple[float, list[Choice]]] = OrderedDict()

    def get(self, key: CacheKey) -> list[Choice] | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self.clock():
            self._entries.pop(key, None)
            return None
        return list(entry[1])

    def put(self, key: CacheKey, choices: list[Choice]) -> None:
        self._entries[key] = (self.clock() + self.ttl, list(choices))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget_connection(self, connection_id: int) -> None:
        for key in [k for k in self._entries if k[1] == connection_id]:
            del self._entries[key]


def _cache_key(connection: Connection, key: str) -> CacheKey:
    return connection.account_id, connection.id, connection.created_at.timestamp(), key


def _check_key(description: ServiceDescription, key: str) -> str:
    if description.criterion(key) is None:
        known = ", ".join(c.key for c in description.criteria) or "none"
        raise Invalid(f"{description.name} has no criterion {key[:100]!r}; its criteria are: {known}.", ["key"])
    return key


async def criterion_choices(account_id: int, connection_id: int, key: str, cipher: SettingsCipher,
                            source: SourceContext, cache: ChoiceCache) -> list[Choice]:
    """The values criterion `key` can take at the connection's external account (see the module).
    Raises `NotFound` for another account's connection, `Invalid` for an unknown key,
    `ServiceUnreachable` when the service fails."""
    connection = await get_connection(account_id, connection_id)
    connector = get_connector(connection.service_id)
    description = connector.description
    _check_key(description, key)
    if not hasattr(connector, "criterion_choices"):
        return []
    cached = cache.get(_cache_key(connection, key))
    if cached is not None:
        return cached
    choices = await _read_choices(cast(ChoiceSource, connector), description, connection, key, cipher, source)
    cache.put(_cache_key(connection, key), choices)
    return choices


async def _read_choices(connector: ChoiceSource, description: ServiceDescription, connection: Connection,
                        key: str, cipher: SettingsCipher, source: SourceContext) -> list[Choice]:
    async def save(settings: dict[str, Any]) -> None:
        await save_connection_settings(connection, cipher, settings)

    try:
        settings = decrypt_connection_settings(connection, cipher)
        return await connector.criterion_choices(key, settings, source, save)
    except (SourceError, Invalid) as exc:
        label = description.criterion(key).label  # type: ignore[union-attr]
        reason = exc.message if isinstance(exc, Invalid) else str(exc)
        raise ServiceUnreachable(f"{description.name} could not be reached to list the choices of "
                                 f"\u201c{label}\u201d: {reason}") from None
