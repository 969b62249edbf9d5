"""A query text is parsed and validated once; refused documents are refused every time."""

from __future__ import annotations

import uuid

import httpx

from app.graphql.document_cache import ValidDocumentMemo
from app.graphql.document_rules import MULTIPLE_OPERATIONS
from app.graphql.schema import schema
from tests.conftest import AccountUnderTest


def _unique(query: str) -> str:
    """The query with a unique comment-free alias, so this test's text is new to the memo."""
    return query.replace("me {", f"me_{uuid.uuid4().hex[:8]}: me {{", 1)


async def _post(acme: AccountUnderTest, query: str, operation: str | None = None) -> httpx.Response:
    body = {"query": query, **({"operationName": operation} if operation else {})}
    return await acme.api.client.post("/graphql", json=body, headers={"Authorization": f"Bearer {acme.token}"})


async def test_a_valid_query_is_remembered_once_and_answers_the_same(acme: AccountUnderTest) -> None:
    query = _unique("{ me { id name } }")
    before = len(schema.valid_documents)

    answers = [(await _post(acme, query)).json() for _ in range(3)]

    assert answers[0] == answers[1] == answers[2]
    assert "errors" not in answers[0] and list(answers[0]["data"].values()) == [{"id": str(acme.account.id),
                                                                                  "name": "Acme"}]
    assert len(schema.valid_documents) == before + 1


async def test_invalid_documents_are_refused_every_time_and_never_remembered(acme: AccountUnderTest) -> None:
    unknown_field = _unique("{ me { id noSuchField } }")
    too_deep = _unique("{ me { id } " + "autoImports { connection { " * 6 + "name" + " } }" * 6 + " }")
    before = len(schema.valid_documents)

    for query in (unknown_field, too_deep):
        errors = [(await _post(acme, query)).json()["errors"] for _ in range(2)]
        assert errors[0] == errors[1] and errors[0], query
    assert "exceeds maximum operation depth" in errors[0][0]["message"]  # the limits still apply

    assert len(schema.valid_documents) == before


async def test_an_operation_name_is_still_required_after_the_document_was_remembered(acme: AccountUnderTest) -> None:
    document = _unique("query A { me { id } } query B { me { name } }")

    named = await _post(acme, document, "A")
    unnamed = await _post(acme, document)

    assert "errors" not in named.json()
    assert [e["message"] for e in unnamed.json()["errors"]] == [MULTIPLE_OPERATIONS]


def test_the_memo_is_bounded_oldest_first() -> None:
    memo = ValidDocumentMemo(maxsize=2)
    for text in ("a", "b", "c"):
        memo.remember((text, ()))

    assert len(memo) == 2 and ("a", ()) not in memo and ("c", ()) in memo
