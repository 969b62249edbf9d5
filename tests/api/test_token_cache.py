"""API token → account is remembered per process for a short time (`AccountsByToken`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.accounts.models import ApiToken
from app.accounts.service import create_account, set_contact_limit
from app.accounts.token_cache import AccountsByToken
from app.config import Settings
from app.web import Services, create_app
from tests.api.conftest import StatementCounter

ME = "{ me { id name } }"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def cached_client(services: Services, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with the production default: tokens trusted for 5 s."""
    shared = Services(settings=settings.model_copy(update={"token_cache_seconds": 5.0}), cipher=services.cipher,
                      source=services.source, queue=services.queue)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(services=shared)),
                                 base_url="http://api.test") as client:
        yield client


async def test_a_known_token_costs_no_query_while_fresh(cached_client: httpx.AsyncClient, settings: Settings,
                                                        sql_statements: StatementCounter) -> None:
    account, token = await create_account("Acme", 100)
    headers = {"Authorization": f"Bearer {token}"}
    first = await cached_client.post("/graphql", json={"query": ME}, headers=headers)
    sql_statements.statements.clear()

    second = await cached_client.post("/graphql", json={"query": ME}, headers=headers)

    assert first.json() == second.json() == {"data": {"me": {"id": str(account.id), "name": "Acme"}}}
    assert sql_statements.statements == []


async def test_a_deleted_token_is_refused_once_its_time_is_up(settings: Settings) -> None:
    # Another process (or an operator) deletes the token: nothing tells this process, the TTL does.
    _, token = await create_account("Acme", 100)
    clock = Clock()
    accounts = AccountsByToken(ttl=5.0, clock=clock)
    assert (await accounts.authenticate(token)) is not None
    await ApiToken.all().delete()

    clock.now += 4.9
    still = await accounts.authenticate(token)
    clock.now += 0.2
    after = await accounts.authenticate(token)

    assert still is not None and still.name == "Acme"
    assert after is None
    clock.now += 10
    assert await accounts.authenticate(token) is None  # and it stays refused


async def test_without_a_ttl_every_request_looks_the_token_up(settings: Settings) -> None:
    _, token = await create_account("Acme", 100)
    accounts = AccountsByToken(ttl=0)
    assert await accounts.authenticate(token) is not None
    await ApiToken.all().delete()

    assert await accounts.authenticate(token) is None


async def test_wrong_tokens_are_never_remembered_and_the_cache_is_bounded(
    settings: Settings, sql_statements: StatementCounter
) -> None:
    tokens = [(await create_account(f"Account {n}", 100))[1] for n in range(3)]
    accounts = AccountsByToken(ttl=60, maxsize=2)
    sql_statements.statements.clear()

    assert await accounts.authenticate("ai_nobody-was-given-this") is None
    assert await accounts.authenticate("ai_nobody-was-given-this") is None
    found = [await accounts.authenticate(t) for t in tokens]
    assert [account.name for account in found if account] == ["Account 0", "Account 1", "Account 2"]

    assert len(sql_statements.statements) == 5  # each wrong attempt queried; each token once
    assert len(accounts._entries) == 2
    assert await accounts.authenticate("") is None


async def test_a_raised_contact_limit_shows_at_once_while_the_token_is_remembered(
    cached_client: httpx.AsyncClient,
) -> None:
    # The header of the page shows "N of M contacts": M must not lag behind a raise by the TTL.
    _, token = await create_account("Acme", 100)
    headers = {"Authorization": f"Bearer {token}"}
    query = {"query": "{ me { contactLimit } }"}
    assert (await cached_client.post("/graphql", json=query, headers=headers)).json() == {
        "data": {"me": {"contactLimit": 100}}}

    await set_contact_limit("Acme", 250)  # as `autoimport accounts set-limit` does, from another process

    assert (await cached_client.post("/graphql", json=query, headers=headers)).json() == {
        "data": {"me": {"contactLimit": 250}}}
