"""Reads of an account's connections and external accounts, scoped by construction, and the two
lookups that cannot be: an OAuth callback, which only its single-use state names the account of.

`ConnectionRepository(account_id)`: each method is the readable statement of one model, already
filtered to the account (see `app.contacts.repository`).
"""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.connections.models import Connection, ExternalAccount, OAuthState


class ConnectionRepository:
    def __init__(self, account_id: int) -> None:
        self.account_id = account_id

    def connections(self) -> QuerySet[Connection]:
        return Connection.filter(account_id=self.account_id)

    def external_accounts(self) -> QuerySet[ExternalAccount]:
        return ExternalAccount.filter(account_id=self.account_id)

    def oauth_states(self) -> QuerySet[OAuthState]:
        return OAuthState.filter(account_id=self.account_id)


def oauth_states_by_hash(state_hash: str, *conditions: Q) -> QuerySet[OAuthState]:
    """The pending consent a callback's `state` names (by its hash): the state is the only thing
    that names the account there, so this is the one unscoped read of the table."""
    return OAuthState.filter(Q(state_hash=state_hash), *conditions)


def expired_oauth_states(conditions: Q) -> QuerySet[OAuthState]:
    """Consents abandoned long ago, of every account: housekeeping, never shown to anyone."""
    return OAuthState.filter(conditions)
