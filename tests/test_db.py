"""Database set-up details that matter for speed."""

from __future__ import annotations

import pytest
from tortoise import connections

from app.db import tortoise_config
from tests.conftest import Backend


def test_postgres_connections_always_plan_their_queries_for_the_values_given() -> None:
    config = tortoise_config("postgres://postgres@127.0.0.1:5432/autoimport")["connections"]["default"]
    assert config["credentials"]["server_settings"] == {"plan_cache_mode": "force_custom_plan"}
    assert tortoise_config("sqlite://var/a.sqlite3")["connections"]["default"] == "sqlite://var/a.sqlite3"


async def test_the_live_postgres_connection_uses_custom_plans(db_ready: Backend) -> None:
    if db_ready.database_url.startswith("sqlite"):
        pytest.skip("SQLite has no plan cache to configure")
    _, rows = await connections.get("default").execute_query("SHOW plan_cache_mode")
    assert rows[0]["plan_cache_mode"] == "force_custom_plan"
