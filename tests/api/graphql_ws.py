"""A small graphql-transport-ws client on the `websockets` library, as any client would speak it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

SYNC_PROGRESS = """subscription($id: ID!) { syncProgress(autoImportId: $id) {
  autoImportId syncRunId outcome backlogEstimate at counts { fetched added updated unchanged }
} }"""


class GraphQLWebSocket:
    """One socket: `init` sends connection_init, `subscribe` starts an operation, `next_message`
    reads what the server sends for it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.socket: ClientConnection | None = None

    async def __aenter__(self) -> GraphQLWebSocket:
        # generous timeouts: a loaded 2-core test machine may take seconds to answer 200 handshakes
        self.socket = await connect(self.url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                    open_timeout=60)
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        assert self.socket is not None
        await self.socket.close()

    async def send(self, message: dict[str, Any]) -> None:
        assert self.socket is not None
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 30) -> dict[str, Any]:
        assert self.socket is not None
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout))  # type: ignore[no-any-return]

    async def init(self, payload: dict[str, Any]) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive()

    async def subscribe(self, query: str, operation_id: str = "1", **variables: Any) -> None:
        await self.send({"id": operation_id, "type": "subscribe", "payload": {"query": query, "variables": variables}})

    async def close_code(self, timeout: float = 30) -> int | None:
        """Waits for the server to close the socket; its close code."""
        assert self.socket is not None
        try:
            while True:
                await asyncio.wait_for(self.socket.recv(), timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def served_in_this_loop(app: ASGIApp) -> AsyncIterator[str]:
    """Serves `app` with uvicorn in the test's own event loop (so it shares the test's database
    connections); yields the WebSocket URL of `/graphql`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", log_config=None, ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task
        sock.close()
