"""Shopify against its published Admin GraphQL schema, for the API version the connector asks for
(the schemas ship per version in Shopify's `@shopify/dev-mcp` package; `make official-specs`
fetches it): the connector's query documents validate, the variables it sends coerce to their
declared types, and every answer the simulator gives has exactly the fields selected, each of the
schema's type."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.shopify import ShopifyConnector
from app.connectors.shopify_mapping import CUSTOMER_TAGS_QUERY, CUSTOMERS_QUERY, SHOP_QUERY
from app.errors import RateLimited
from tests.connectors.official.graphql_schema import check_answer, check_document, check_variables, load_schema
from tests.connectors.official.packages import official
from tests.connectors.official.recording import Exchange, Recorder, count
from tests.connectors.shopify_support import SETTINGS, SHOP, fetch, make_context
from tests.simulators.shopify import ManualClock, ShopifySimulator

ADMIN_VERSION_OF_THE_CHECKER = "2025-10"  # any published version: the checker's own test
GRAPHQL_PATH = re.compile(r"/[^/]+/admin/api/(?P<version>[^/]+)/graphql\.json")


@pytest.fixture
def shopify() -> ShopifySimulator:
    sim = ShopifySimulator(clock=ManualClock(10.0))
    sim.seed_demo(230, shop=SHOP, token=SETTINGS["access_token"])
    return sim


@pytest.fixture
def recorder(shopify: ShopifySimulator) -> Recorder:
    return Recorder(shopify)


@pytest.fixture
async def context(recorder: Recorder) -> AsyncIterator[SourceContext]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=recorder)) as client:
        yield make_context(client)


def versions_published() -> list[str]:
    supported = json.loads(official("shopify/supported-versions-schema.json").read_text())
    return [v["name"] for v in supported["admin"]]


async def connector_life(shopify: ShopifySimulator, recorder: Recorder, context: SourceContext) -> list[Exchange]:
    connector = ShopifyConnector()
    await connector.connect(dict(SETTINGS), context)
    await connector.criterion_choices("tag", dict(SETTINGS), context, _ignore)
    page = await fetch(context, limit=500)
    await fetch(context, cursor=page.cursor, limit=500, criteria={"tag": "vip", "subscribed_only": False})
    shopify.throttle_next(SHOP)
    with pytest.raises(RateLimited):
        await fetch(context, limit=500, settings=dict(SETTINGS))
    return [e for e in recorder.exchanges if GRAPHQL_PATH.fullmatch(e.path)]


async def _ignore(settings: dict[str, object]) -> None:
    return None


async def test_every_query_variables_and_answer_match_the_published_admin_schema(
        shopify: ShopifySimulator, recorder: Recorder, context: SourceContext) -> None:
    exchanges = await connector_life(shopify, recorder, context)
    versions = {m["version"] for e in exchanges if (m := GRAPHQL_PATH.fullmatch(e.path))}
    assert len(versions) == 1, versions
    version = versions.pop()
    assert version in versions_published(), f"Shopify publishes no Admin schema for {version}: {versions_published()}"
    schema = load_schema(official(f"shopify/admin_{version}.json.gz"))

    answered = 0
    for exchange in exchanges:
        body = exchange.request_json()
        assert check_document(schema, body["query"]) == []
        variables = check_variables(schema, body["query"], body.get("variables") or {})
        variables.ok()
        count("shopify", requests=1, request_fields=variables.values + 1)
        answer = exchange.json()
        if answer.get("data") is not None:
            checked = check_answer(schema, body["query"], answer["data"])
            checked.ok()
            count("shopify", responses=1, fields=checked.values)
            answered += 1
        else:  # a THROTTLED body: errors with extensions, as Shopify documents them
            assert answer["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert answered >= 4 and len(exchanges) > answered


def test_the_connector_documents_validate_against_the_latest_and_the_next_version() -> None:
    """The latest stable Admin version and the release candidate, as Shopify's package marks them:
    a move of the version setting to either keeps the documents valid. (Two versions, not all six:
    each schema takes two seconds to build.)"""
    supported = json.loads(official("shopify/supported-versions-schema.json").read_text())["admin"]
    ahead = [v["name"] for v in supported if v.get("latestVersion") or v.get("releaseCandidate")]
    assert len(ahead) == 2, supported
    for version in ahead:
        schema = load_schema(official(f"shopify/admin_{version}.json.gz"))
        for document in (SHOP_QUERY, CUSTOMER_TAGS_QUERY, CUSTOMERS_QUERY):
            assert check_document(schema, document) == [], version


def test_the_checker_refuses_a_field_the_schema_does_not_have() -> None:
    schema = load_schema(official(f"shopify/admin_{ADMIN_VERSION_OF_THE_CHECKER}.json.gz"))
    wrong = CUSTOMERS_QUERY.replace("numberOfOrders", "numberOfOrders acceptsMarketing")
    answer = {"customers": {"nodes": [{"id": 5}], "pageInfo": {"hasNextPage": None, "endCursor": None}}}

    assert any("acceptsMarketing" in message for message in check_document(schema, wrong))
    problems = check_answer(schema, CUSTOMERS_QUERY, answer).problems
    assert any("id=5" in p for p in problems) and any("hasNextPage is null" in p for p in problems)
    assert any("firstName is missing" in p for p in problems)
