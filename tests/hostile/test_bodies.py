"""Malformed and oversized request bodies: a 400 or a 413 that says what is wrong, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.contacts.models import ContactList
from app.web import Services, create_app
from tests.conftest import AccountUnderTest

DEEP = 50_000


async def _post(acme: AccountUnderTest, body: bytes | object, content_type: str = "application/json") -> httpx.Response:
    content = body if isinstance(body, (bytes, bytearray)) else httpx.Request("POST", "/", json=body).content
    return await acme.api.client.post("/graphql", content=content,
                                      headers={"Authorization": f"Bearer {acme.token}", "Content-Type": content_type})


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"42", "JSON object"),
        (b"null", "JSON object"),
        (b'"{ me { id } }"', "JSON object"),
        (b"[1, 2]", "JSON object"),
        (b'{"query": "{ me { name } }", "x": "\xff\xfe"}', "UTF-8"),
        ('{"query": "{ me { name } }", "variables": {"n": "Zoë"}}'.encode("latin-1"), "UTF-8"),
        (b"[" * DEEP + b"]" * DEEP, "levels deep"),
        (b'{"query": "{ me { id } }", "variables": {"v": ' + b"[" * DEEP + b"]" * DEEP + b"}}", "levels deep"),
        (b'{"query": ', "not valid JSON"),
        (b"", "not valid JSON"),
    ],
    ids=["number", "null", "string", "array", "invalid-utf8", "latin-1", "deep-array", "deep-variables",
         "truncated", "empty"],
)
async def test_a_malformed_body_is_a_400_with_a_clear_error(acme: AccountUnderTest, body: bytes, expected: str) -> None:
    response = await _post(acme, body)

    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert expected in errors[0]["message"], errors


async def test_a_moderately_nested_variable_is_still_served(acme: AccountUnderTest) -> None:
    criteria = {"a": [[[[{"b": "c"}]]]]}
    query = ("mutation($s: JSON!) { connectService(input: {serviceId: \"csv_feed\", settings: $s}) "
             "{ userErrors { code } } }")

    response = await _post(acme, {"query": query, "variables": {"s": criteria}})

    assert response.status_code == 200 and response.json()["data"]["connectService"]["userErrors"]


@pytest.fixture
async def small_limit_client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    settings = services.settings.model_copy(update={"max_request_bytes": 4096})
    app = create_app(services=Services(settings=settings, cipher=services.cipher, source=services.source,
                                       queue=services.queue))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client:
        yield client


def test_the_default_body_limit_is_one_mebibyte(services: Services) -> None:
    assert services.settings.max_request_bytes == 1024 * 1024


async def test_a_body_over_the_limit_is_a_413_and_runs_nothing(
    acme: AccountUnderTest, small_limit_client: httpx.AsyncClient
) -> None:
    name = "x" * 5000
    query = 'mutation($n: String!) { createList(input: {name: $n}) { list { id } } }'

    response = await small_limit_client.post("/graphql", json={"query": query, "variables": {"n": name}},
                                             headers={"Authorization": f"Bearer {acme.token}"})

    assert response.status_code == 413
    assert "larger than the 4 KB this API accepts" in response.json()["errors"][0]["message"]
    assert await ContactList.all().count() == 0


async def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(
    acme: AccountUnderTest, small_limit_client: httpx.AsyncClient
) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"query": "{ me { id } }", "pad": "'
        for _ in range(1000):
            sent += 1
            yield b"x" * 1024
        yield b'"}'

    response = await small_limit_client.post("/graphql", content=chunks(),
                                             headers={"Authorization": f"Bearer {acme.token}",
                                                      "Content-Type": "application/json"})

    assert response.status_code == 413


async def test_a_body_under_the_limit_is_served(acme: AccountUnderTest, small_limit_client: httpx.AsyncClient) -> None:
    response = await small_limit_client.post("/graphql", json={"query": "{ me { id } }"},
                                             headers={"Authorization": f"Bearer {acme.token}"})

    assert response.status_code == 200 and response.json()["data"]["me"]["id"]
