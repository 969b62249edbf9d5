"""A TCP proxy in front of the backend's real Redis that cuts a client's connection right after
relaying the server's answer to chosen WATCH commands: the connection is then lost while the
client watches a key, the window of arq's WATCH/MULTI/EXEC transactions (`enqueue_job`,
`Worker.start_jobs`) that a Redis restart, a failover or a dropped link can hit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

WATCH = b"$5\r\nWATCH\r\n"  # how redis-py encodes the command name (UNWATCH is "$7\r\nUNWATCH")


@dataclass
class WatchCuttingProxy:
    """Counts the WATCH commands that pass (from 1) and cuts the connection after the server's
    answer to those whose number is in `cut`."""

    upstream: str
    cut: set[int]
    watches: int = 0
    cuts: int = 0
    port: int = 0
    db: str = "0"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{self.db}"

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        parts = urlsplit(self.upstream)
        if parts.scheme == "unix":
            return await asyncio.open_unix_connection(parts.path)
        return await asyncio.open_connection(parts.hostname, parts.port or 6379)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await self._open_upstream()
        watched = asyncio.Event()  # the client's last chunk held a WATCH to cut after
        try:
            await asyncio.gather(self._to_server(client_reader, server_writer, watched),
                                 self._to_client(server_reader, client_writer, watched))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for writer in (client_writer, server_writer):
                writer.close()  # not awaited: the block's end may cancel this task meanwhile

    async def _to_server(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                         watched: asyncio.Event) -> None:
        while chunk := await reader.read(65536):
            if WATCH in chunk.upper():
                self.watches += 1
                if self.watches in self.cut:
                    watched.set()
            writer.write(chunk)
            await writer.drain()
        raise ConnectionError("client closed")

    async def _to_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                         watched: asyncio.Event) -> None:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
            if watched.is_set():  # the answer to the WATCH went out: the client now watches a key
                self.cuts += 1
                raise ConnectionError("cut while watching")
        raise ConnectionError("server closed")


@asynccontextmanager
async def watch_cutting_proxy(upstream: str, cut: set[int]) -> AsyncIterator[WatchCuttingProxy]:
    """Serves the proxy on a free local port for the block; `upstream` is a redis:// or unix:// URL
    (its database number is kept in the proxy's `url`)."""
    parts = urlsplit(upstream)
    db = (parts.path.strip("/") or "0") if parts.scheme != "unix" else "0"
    proxy = WatchCuttingProxy(upstream=upstream, cut=cut, db=db)
    server = await asyncio.start_server(proxy._serve, "127.0.0.1", 0)
    proxy.port = server.sockets[0].getsockname()[1]
    try:
        yield proxy
    finally:
        server.close()
        await server.wait_closed()
