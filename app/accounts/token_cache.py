"""API token → account, remembered for a few seconds by each API process.

Every GraphQL request authenticates; without this each one starts with a database round trip
(token hash joined to its account), a quarter of the time of a small query. The cache is per
process and nothing tells one process what another changed, so it trades freshness for that
round trip, boundedly:
- a token deleted from the database, or an account's new contact limit (`autoimport accounts
  set-limit` runs in a process of its own), reaches every API process within `ttl` seconds
  (`me.contactLimit` reads the limit afresh, so the page's header shows a raise at once);
- only tokens that authenticated are kept (a wrong token always costs its query, so guessing
  gains nothing), keyed by their SHA-256 as the database keeps them, never the token itself;
- at most `maxsize` entries: expired ones go first, then the oldest.
`ttl` 0 turns it off (`AUTOIMPORT_TOKEN_CACHE_SECONDS`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.accounts.models import Account
from app.accounts.service import authenticate_hash
from app.security import hash_api_token


class AccountsByToken:
    def __init__(self, ttl: float, maxsize: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.maxsize, self.clock = ttl, maxsize, clock
        self._entries: dict[str, tuple[float, Account]] = {}

    async def authenticate(self, token: str) -> Account | None:
        """The token's account (None for no or an unknown token), from memory while it is fresh."""
        if not token:
            return None
        token_hash = hash_api_token(token)
        now = self.clock()
        entry = self._entries.get(token_hash)
        if entry is not None and entry[0] > now:
            return entry[1]
        account = await authenticate_hash(token_hash)
        if account is None:
            self._entries.pop(token_hash, None)
        elif self.ttl > 0:
            self._remember(token_hash, account, now)
        return account

    def _remember(self, token_hash: str, account: Account, now: float) -> None:
        if len(self._entries) >= self.maxsize:
            self._entries = {key: entry for key, entry in self._entries.items() if entry[0] > now}
        while len(self._entries) >= self.maxsize:
            del self._entries[next(iter(self._entries))]
        self._entries[token_hash] = (now + self.ttl, account)
