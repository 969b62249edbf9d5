"""Every operation needs a valid bearer token; GET never executes an operation."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import AccountUnderTest

ME = "{ me { id name } }"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer ai_not-a-token-anyone-was-given"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "bearer-ai_abc"},
    ],
    ids=["missing", "wrong-token", "scheme-only", "empty-token", "basic-scheme", "no-space"],
)
async def test_missing_wrong_or_malformed_token_is_401_unauthenticated(
    client: httpx.AsyncClient, acme: AccountUnderTest, headers: dict[str, str]
) -> None:
    response = await client.post("/graphql", json={"query": ME}, headers=headers)

    assert response.status_code == 401
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_valid_token_names_its_account_whatever_the_scheme_case(
    client: httpx.AsyncClient, acme: AccountUnderTest
) -> None:
    response = await client.post("/graphql", json={"query": ME}, headers={"Authorization": f"bearer {acme.token}"})

    assert response.status_code == 200
    assert response.json()["data"]["me"] == {"id": str(acme.account.id), "name": "Acme"}


async def test_a_mutation_without_token_writes_nothing(client: httpx.AsyncClient, acme: AccountUnderTest) -> None:
    from app.contacts.models import ContactList

    response = await client.post("/graphql",
                                 json={"query": 'mutation { createList(input: {name: "X"}) { list { id } } }'})

    assert response.status_code == 401
    assert await ContactList.all().count() == 0


@pytest.mark.parametrize("with_token", [False, True])
async def test_get_with_a_query_string_does_not_execute(
    client: httpx.AsyncClient, acme: AccountUnderTest, with_token: bool
) -> None:
    headers = {"Accept": "application/json"}
    if with_token:
        headers["Authorization"] = f"Bearer {acme.token}"

    response = await client.get("/graphql", params={"query": ME}, headers=headers)

    assert response.status_code == 400, response.text
    assert "not allowed" in response.text
    assert "Acme" not in response.text
    assert '"me"' not in response.text


async def test_get_cannot_run_a_mutation(client: httpx.AsyncClient, acme: AccountUnderTest) -> None:
    from app.contacts.models import ContactList

    mutation = 'mutation { createList(input: {name: "Via GET"}) { list { id } } }'
    response = await client.get("/graphql", params={"query": mutation},
                                headers={"Authorization": f"Bearer {acme.token}", "Accept": "application/json"})

    assert response.status_code == 400
    assert await ContactList.all().count() == 0


async def test_a_browser_opening_graphql_in_development_is_sent_to_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 307
    assert response.headers["location"] == "/graphiql"


async def test_production_serves_no_graphiql(production_client: httpx.AsyncClient) -> None:
    response = await production_client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()
