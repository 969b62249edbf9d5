"""Fixtures of the API tests: a production-mode client and a counter of SQL statements."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.config import Environment, Settings
from app.web import Services, create_app


class StatementCounter(logging.Handler):
    """Counts the SQL statements Tortoise logs (at DEBUG, on `tortoise.db_client`)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().split(" ", 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            self.statements.append(message)


@pytest.fixture
def sql_statements() -> Iterator[StatementCounter]:
    """Every SQL statement run while the test holds it; `.statements.clear()` to start over."""
    logger = logging.getLogger("tortoise.db_client")
    counter, level = StatementCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


@pytest.fixture
async def production_client(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app as deployed in production (GraphiQL off, introspection disabled), same database."""
    production = settings.model_copy(update={"env": Environment.PRODUCTION})
    assert production.is_production
    shared = Services(settings=production, cipher=services.cipher, source=services.source, queue=services.queue)
    app = create_app(services=shared)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as c:
        yield c


def error_messages(body: dict[str, Any]) -> list[str]:
    return [error["message"] for error in body.get("errors") or []]
