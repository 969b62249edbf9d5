"""Hostile GraphQL documents: no schema hints in production, one operation chosen explicitly,
the document bounded before it is parsed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.accounts.service import create_account
from app.contacts.models import ContactList
from tests.conftest import AccountUnderTest


async def _post(client: httpx.AsyncClient, token: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    "query, variables",
    [
        ("{ mee { id } }", {}),
        ("{ me { nmae } }", {}),
        ("{ contacts(frist: 5) { count } }", {}),
        ("query($i: CreateListInputt!) { me { id } }", {}),
        ("mutation { createList(input: {nmae: \"x\"}) { list { id } } }", {}),
        ("mutation($i: CreateListInput!) { createList(input: $i) { list { id } } }", {"i": {"nmae": "x"}}),
    ],
    ids=["field", "subfield", "argument", "type", "input-field-literal", "input-field-variable"],
)
async def test_production_never_suggests_a_name(
    production_client: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> None:
    _, token = await create_account("Acme", 100)

    response = await _post(production_client, token, {"query": query, "variables": variables})

    errors = response.json()["errors"]
    assert errors, response.text
    assert not any("did you mean" in e["message"].lower() for e in errors), errors


async def test_development_still_suggests(acme: AccountUnderTest) -> None:
    errors = (await acme.api.raw("{ mee { id } }")).json()["errors"]

    assert "Did you mean 'me'?" in errors[0]["message"]


TWO_OPERATIONS = """mutation A { createList(input: {name: "First"}) { list { id } } }
mutation B { createList(input: {name: "Second"}) { list { id } } }"""


async def test_two_operations_without_an_operation_name_fail_and_run_nothing(acme: AccountUnderTest) -> None:
    response = await acme.api.client.post("/graphql", json={"query": TWO_OPERATIONS},
                                          headers={"Authorization": f"Bearer {acme.token}"})

    body = response.json()
    assert body.get("data") is None, body
    assert ["operation name" in e["message"] for e in body["errors"]] == [True], body
    assert await ContactList.all().count() == 0


async def test_two_operations_with_an_operation_name_run_that_one(acme: AccountUnderTest) -> None:
    response = await acme.api.client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "B"},
                                          headers={"Authorization": f"Bearer {acme.token}"})

    assert response.json()["data"]["createList"]["list"]["id"]
    assert await ContactList.all().values_list("name", flat=True) == ["Second"]


async def test_a_document_of_comments_is_refused_before_it_is_parsed(acme: AccountUnderTest) -> None:
    # one comment is one token: the token limit alone let megabytes of it be read and parsed
    document = "{ me { id } }\n# " + "padding " * 20_000

    body = (await acme.api.raw(document)).json()

    assert body.get("data") is None
    assert ["at most 100000 are accepted" in e["message"] for e in body["errors"]] == [True], body


async def test_a_long_but_reasonable_document_is_served(acme: AccountUnderTest) -> None:
    document = "{ me { id } }\n# " + "a comment " * 9_000

    assert (await acme.api(document))["me"]["id"]
