"""Shared fixtures: real databases and Redis, the CSV feed simulator, the API client, factories.

A pytest run uses one backend, named by AUTOIMPORT_TEST_BACKEND: "embedded" (a SQLite file and
an embedded redis-server, the default) or "services" (PostgreSQL and a real Redis, at
AUTOIMPORT_TEST_DATABASE_URL and AUTOIMPORT_TEST_REDIS_URL). `make test` runs the suite once per
backend available; one process per backend, because Tortoise binds its models to one dialect.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp
from tortoise import connections

from app import db
from app.accounts.models import Account
from app.accounts.service import create_account
from app.config import Settings
from app.connectors.base import SourceContext
from app.security import SettingsCipher
from app.sync.engine import SyncEnvironment, SyncSummary, sync_external_account
from app.sync.schedule import due_external_accounts
from app.web import Services, create_app
from tests.simulators.csv_feed import CsvFeedSimulator

TEST_DATABASE_URL = os.environ.get("AUTOIMPORT_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("AUTOIMPORT_TEST_REDIS_URL", "")
BACKENDS = [os.environ.get("AUTOIMPORT_TEST_BACKEND", "embedded")]
if BACKENDS == ["services"] and not (TEST_DATABASE_URL and TEST_REDIS_URL):
    raise RuntimeError("AUTOIMPORT_TEST_BACKEND=services needs AUTOIMPORT_TEST_DATABASE_URL and "
                       "AUTOIMPORT_TEST_REDIS_URL")
TABLES = [
    "contact_source", "contact_event", "field_value", "contact_tag", "list_membership", "record_fingerprint",
    "deferred_contact", "skipped_record", "sync_run", "auto_import_list", "auto_import", "connection",
    "external_account", "custom_field", "contact", "contact_list", "api_token", "oauth_state", "account",
]
FEED_URL = "http://feed.test/feed.csv"


@dataclass
class Backend:
    name: str
    database_url: str
    redis_url: str
    var_dir: Path


async def _create_postgres_database(base_url: str) -> tuple[str, str]:
    import asyncpg

    name = f"autoimport_test_{uuid.uuid4().hex[:10]}"
    server = base_url.rsplit("/", 1)[0]
    conn = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{server}/{name}", name


async def _drop_postgres_database(base_url: str, name: str) -> None:
    import asyncpg

    server = base_url.rsplit("/", 1)[0]
    conn = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session", params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Backend]:
    """A migrated database (and a Redis) for the whole session of one backend."""
    var_dir = tmp_path_factory.mktemp(f"var-{request.param}")
    dropped: str | None = None
    if request.param == "embedded":
        from app.redis import redis_url as embedded_redis_url

        database_url = f"sqlite://{var_dir / 'test.sqlite3'}"
        redis_url = embedded_redis_url(Settings(AUTOIMPORT_VAR_DIR=var_dir))  # type: ignore[call-arg]
    else:
        database_url, dropped = await _create_postgres_database(TEST_DATABASE_URL)
        redis_url = TEST_REDIS_URL
    await db.apply_migrations(database_url)
    await db.connect(database_url)
    try:
        yield Backend(request.param, database_url, redis_url, var_dir)
    finally:
        await db.disconnect()
        if dropped:
            await _drop_postgres_database(TEST_DATABASE_URL, dropped)


@pytest.fixture
async def db_ready(backend: Backend) -> Backend:
    """Empties every table before the test: each test starts from a clean database."""
    connection = connections.get("default")
    if backend.database_url.startswith("sqlite"):
        for table in TABLES:
            await connection.execute_script(f'DELETE FROM "{table}"')
    else:
        await connection.execute_script("TRUNCATE " + ", ".join(f'"{t}"' for t in TABLES) + " RESTART IDENTITY CASCADE")
    return backend


@pytest.fixture
def settings(db_ready: Backend) -> Settings:
    return Settings(  # type: ignore[call-arg]
        AUTOIMPORT_VAR_DIR=db_ready.var_dir,
        DATABASE_URL=db_ready.database_url,
        REDIS_URL=db_ready.redis_url,
        AUTOIMPORT_SECRET_KEY="test-secret-key",
        AUTOIMPORT_SYNC_LIMIT=500,
        AUTOIMPORT_SYNC_INTERVAL=1800,
        # Every request looks its token up, as before the cache: statement counts do not depend on
        # how long a test took (tests/api/test_token_cache.py tests the cache itself).
        AUTOIMPORT_TOKEN_CACHE_SECONDS=0,
        # The page is not built here whatever web/dist holds; tests of the page build their own.
        AUTOIMPORT_WEB_DIST=db_ready.var_dir / "web-not-built",
    )


@pytest.fixture
def feed() -> CsvFeedSimulator:
    """The CSV feed simulator, reachable at FEED_URL through the tests' HTTP client."""
    return CsvFeedSimulator()


class SourceContexts:
    """Builds the `SourceContext` of a test: an HTTP client whose every request reaches `app` (a
    simulator, in this process), with the tests' defaults (one retry, waits of at most 10 ms);
    keyword arguments override them. Its clients close with the fixture."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clients: list[httpx.AsyncClient] = []

    def __call__(self, app: ASGIApp, **options: Any) -> SourceContext:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app))
        self.clients.append(client)
        defaults: dict[str, Any] = {"production": False, "max_bytes": self.settings.csv_max_bytes, "retries": 1,
                                    "max_inline_wait": 0.01}
        return SourceContext(http=client, **{**defaults, **options})

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


@pytest.fixture
async def source_for(settings: Settings) -> AsyncIterator[SourceContexts]:
    """The factory of "simulator → HTTP client → `SourceContext`" (see `SourceContexts`)."""
    contexts = SourceContexts(settings)
    try:
        yield contexts
    finally:
        await contexts.aclose()


@pytest.fixture
def source(feed: CsvFeedSimulator, source_for: SourceContexts) -> SourceContext:
    """The engine's and the API's source context: the CSV feed simulator. Test modules of other
    services override it with their simulator."""
    return source_for(feed)


class RecordingQueue:
    """A sync queue that records what the API asked for (the worker tests use the real one)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[int, str]] = []

    async def enqueue_sync(self, external_account_id: int, job_id: str) -> bool:
        self.jobs.append((external_account_id, job_id))
        return True


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def services(settings: Settings, source: SourceContext, queue: RecordingQueue) -> Services:
    return Services(settings=settings, cipher=SettingsCipher(b"test-secret-key"), source=source, queue=queue)


class Sync:
    """Runs the real engine on everything due, as the worker's tick and jobs would."""

    def __init__(self, services: Services) -> None:
        self.env = SyncEnvironment(settings=services.settings, cipher=services.cipher, source=services.source,
                                   owner="test-worker")

    async def due(self, now: datetime | None = None) -> list[SyncSummary]:
        if now is not None:
            self.env.clock = lambda: now
        moment = now or datetime.now(timezone.utc)
        return [await sync_external_account(ext, self.env) for ext in await due_external_accounts(moment)]


@pytest.fixture
def sync(services: Services) -> Sync:
    return Sync(services)


class Api:
    """A GraphQL client for one account's token."""

    def __init__(self, client: httpx.AsyncClient, token: str | None) -> None:
        self.client, self.token = client, token

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.raw(query, variables)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), body
        return body["data"]


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(services=services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as c:
        yield c


@dataclass
class AccountUnderTest:
    account: Account
    token: str
    api: Api


@pytest.fixture
def make_account(client: httpx.AsyncClient) -> Any:
    async def make(name: str = "Acme", contact_limit: int = 100_000) -> AccountUnderTest:
        account, token = await create_account(name, contact_limit)
        return AccountUnderTest(account, token, Api(client, token))

    return make


@pytest.fixture
async def acme(make_account: Any) -> AccountUnderTest:
    return await make_account("Acme")


CONNECT = """
mutation($settings: JSON!, $name: String) {
  connectService(input: {serviceId: "csv_feed", settings: $settings, name: $name}) {
    connection { id name externalAccount status } userErrors { field code message }
  }
}"""
CREATE_IMPORT = """
mutation($connectionId: ID!, $name: String, $criteria: JSON, $listIds: [ID!], $tags: [String!]) {
  createAutoImport(input: {serviceId: "csv_feed", connectionId: $connectionId, name: $name,
                           criteria: $criteria, listIds: $listIds, tags: $tags}) {
    autoImport { id name status } userErrors { field code message }
  }
}"""


async def connect_feed(api: Api, url: str = FEED_URL, name: str | None = None) -> str:
    data = await api(CONNECT, settings={"url": url}, name=name)
    assert not data["connectService"]["userErrors"], data
    return data["connectService"]["connection"]["id"]


async def create_feed_import(api: Api, connection_id: str, **fields: Any) -> str:
    data = await api(CREATE_IMPORT, connectionId=connection_id, **fields)
    assert not data["createAutoImport"]["userErrors"], data
    return data["createAutoImport"]["autoImport"]["id"]


def rows(count: int, start: int = 0, domain: str = "example.com") -> list[list[str]]:
    """`count` distinct contacts: email, first name, last name, phone, plan."""
    return [[f"person{n}@{domain}", f"First{n}", f"Last{n}", f"+1555{n:07d}", "Pro"]
            for n in range(start, start + count)]


HEADER = ["email", "first name", "last name", "phone", "plan"]


@pytest.fixture
def repo_root() -> Iterator[Path]:
    yield Path(__file__).resolve().parent.parent
