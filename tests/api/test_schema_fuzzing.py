"""Schema fuzzing: hypothesis-graphql generates queries and mutations from `schema.graphql` and
runs them against the app in-process (httpx's ASGI transport, a signed-in token). Whatever they
ask, the answer is never a server error (HTTP 5xx) nor the masked "Unexpected error.": every
failure is a validation error, a user error or a GraphQL error saying what is wrong.

1,000 operations, derandomized (the same ones on every run, so CI does not flake on a new draw):
about 40-60 s on this shared 2-core machine, most of it hypothesis drawing documents; the count
is printed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timezone
from pathlib import Path
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from tests.conftest import FEED_URL, AccountUnderTest
from tests.simulators.csv_feed import CsvFeedSimulator

SCHEMA = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()
OPERATIONS = 1000
MASKED = "Unexpected error."
SETTING_KEYS = ("url", "shop", "access_token", "api_token", "company_domain", "private_app_token", "connectionId")


def _json_objects() -> st.SearchStrategy[graphql.ValueNode]:
    """Connection settings, criteria and the like: objects of a few known and unknown keys."""
    value = st.one_of(st.text(max_size=30).map(nodes.String), st.just(nodes.String(FEED_URL)),
                      st.integers(-5, 5).map(nodes.Int))
    field = st.tuples(st.sampled_from(SETTING_KEYS) | st.text(min_size=1, max_size=10), value).map(
        lambda kv: graphql.ObjectFieldNode(name=graphql.NameNode(value=kv[0]), value=kv[1]))
    return st.lists(field, max_size=3, unique_by=lambda f: f.name.value).map(nodes.Object)


CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "DateTime": st.datetimes(timezones=st.just(timezone.utc)).map(
        lambda moment: nodes.String(moment.isoformat())) | st.text(max_size=20).map(nodes.String),
    "JSON": _json_objects() | st.text(max_size=20).map(nodes.String),
}
_PARSED = graphql.build_schema(SCHEMA)
# One strategy per root field: every query and mutation is drawn as often as any other, and a
# document with one root field is generated in about half the time of one with several.
OPERATION = st.one_of(
    *(queries(_PARSED, fields=[name], custom_scalars=CUSTOM_SCALARS) for name in _PARSED.query_type.fields),  # type: ignore[union-attr]
    *(mutations(_PARSED, fields=[name], custom_scalars=CUSTOM_SCALARS) for name in _PARSED.mutation_type.fields),  # type: ignore[union-attr]
)


class Tally:
    def __init__(self) -> None:
        self.operations = 0
        self.with_errors = 0


@pytest.fixture
def tally() -> Iterator[Tally]:
    counted = Tally()
    yield counted
    print(f"schema fuzzing: {counted.operations} operations ran, {counted.with_errors} answered with errors "
          f"(none a server error nor '{MASKED}')")
    assert counted.operations >= OPERATIONS


def masked_or_broken(response_status: int, body: dict[str, Any]) -> list[str]:
    problems = [f"HTTP {response_status}"] if response_status >= 500 else []
    return problems + [error["message"] for error in body.get("errors") or [] if MASKED in error.get("message", "")]


@settings(max_examples=OPERATIONS, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(operation=OPERATION)
async def test_generated_operations_never_fail_the_server(
        operation: str, acme: AccountUnderTest, feed: CsvFeedSimulator, tally: Tally) -> None:
    response = await acme.api.raw(operation)
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    tally.operations += 1
    tally.with_errors += bool(body.get("errors"))
    assert not masked_or_broken(response.status_code, body), (operation, response.status_code,
                                                             json.dumps(body)[:2000])
