"""GraphQL over WebSocket (`graphql-transport-ws`): the API token travels in `connection_init`.

A browser cannot set headers on a WebSocket, so the token is the `connection_init` payload:
`{"Authorization": "Bearer <token>"}` (or `{"token": "<token>"}`). A missing or wrong token closes
the socket with 4401 before any operation runs; a good one gives the socket its account's context.
"""

from __future__ import annotations

from typing import Protocol

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from app.accounts.models import Account
from app.accounts.service import authenticate
from app.graphql.context import Context


class ContextFactory(Protocol):
    """What a socket starts with (`app.web.Services`): it builds the context once the account is known."""

    async def context_for(self, account: Account) -> Context: ...

UNAUTHORIZED = 4401


def token_of(payload: object) -> str:
    """The API token of a `connection_init` payload, or "" when it carries none."""
    if not isinstance(payload, dict):
        return ""
    for key, value in payload.items():
        if isinstance(key, str) and key.lower() == "authorization" and isinstance(value, str):
            scheme, _, token = value.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    given = payload.get("token")
    return given.strip() if isinstance(given, str) else ""


class TokenInConnectionInit(BaseGraphQLTransportWSHandler[Context | ContextFactory | None, None]):
    """The protocol handler, authenticating `connection_init` with the API token. A socket starts
    with the app's services (`ContextFactory`), which build its context once the token names the
    account; no operation runs before."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if not self.connection_init_received and not self.connection_timed_out:
            account = await authenticate(token_of(message.get("payload")))
            factory = self.context
            if account is None or factory is None or isinstance(factory, Context):
                await self._refuse()
                return
            self.context = await factory.context_for(account)
        await super().handle_connection_init(message)

    async def _refuse(self) -> None:
        self.connection_init_received = True
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        await self.websocket.close(code=UNAUTHORIZED, reason="Unauthorized")
