"""Pipedrive against the declarations of its official client, generated from Pipedrive's OpenAPI
(the `pipedrive` npm package, v1 and v2; its Python counterpart is not served by the registries
here): every request the connector sends is checked against the operation's request interface,
and every answer the simulator gives against the response model, key by key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cache

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.pipedrive import PipedriveConnector
from tests.connectors.contract import EngineLike
from tests.connectors.official.packages import official
from tests.connectors.official.recording import Exchange, Recorder, count
from tests.connectors.official.typescript_models import Declarations
from tests.connectors.pipedrive_support import SETTINGS, PipedriveHarness, make_context
from tests.simulators.pipedrive import PipedriveSimulator

# path (after the company's host) -> (API version, request interface or None, response type)
OPERATIONS = {
    "/api/v2/persons": ("v2", "PersonsApiGetPersonsRequest", "GetPersonsResponse"),
    "/api/v2/organizations": ("v2", "OrganizationsApiGetOrganizationsRequest", "GetOrganizationsResponse"),
    "/api/v1/users/me": ("v1", None, "GetCurrentUserResponse"),
    "/api/v1/users": ("v1", None, "GetUsersResponse"),
    "/api/v1/personFields": ("v1", "PersonFieldsApiGetPersonFieldsRequest", "GetFieldsResponse"),
}


@cache
def declarations(version: str) -> Declarations:
    root = official(f"pipedrive/versions/{version}")
    return Declarations.read(root / "models", root / "api")


@pytest.fixture
def pipedrive() -> PipedriveSimulator:
    sim = PipedriveSimulator()
    sim.seed_demo(120)
    return sim


@pytest.fixture
def recorder(pipedrive: PipedriveSimulator) -> Recorder:
    return Recorder(pipedrive)


@pytest.fixture
async def context(recorder: Recorder) -> AsyncIterator[SourceContext]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=recorder)) as client:
        yield make_context(client)


def check_exchange(exchange: Exchange) -> list[str]:
    path = "/" + exchange.path.split("/", 2)[2]  # drop the company segment of the simulator's URL
    version, request_interface, response_type = OPERATIONS[path]
    models = declarations(version)
    problems: list[str] = []
    if request_interface is not None:
        request = models.check_query(request_interface, exchange.query)
        problems += request.problems
        count("pipedrive", requests=1, request_fields=request.values)
    else:
        problems += [f"{path}: {name} is not a parameter" for name in exchange.query]
        count("pipedrive", requests=1)
    if exchange.status == 200:
        asked = frozenset(",".join(exchange.query.get("include_fields", [])).split(",")) - {""}
        answer = models.check(response_type, exchange.json(), extra_keys=asked)
        problems += answer.problems
        count("pipedrive", responses=1, fields=answer.values)
    return problems


async def connector_life(pipedrive: PipedriveSimulator, context: SourceContext) -> None:
    connector = PipedriveConnector()
    connected = await connector.connect(dict(SETTINGS), context)
    harness = PipedriveHarness(pipedrive, context)
    harness.settings = connected.settings
    for key in ("owner_id", "label"):
        await connector.criterion_choices(key, connected.settings, context, harness_saver)
    await EngineLike(harness).sync(500)  # type: ignore[arg-type]


async def harness_saver(settings: dict[str, object]) -> None:
    return None


async def test_every_request_and_answer_of_a_connector_life_matches_the_client_declarations(
        pipedrive: PipedriveSimulator, recorder: Recorder, context: SourceContext) -> None:
    await connector_life(pipedrive, context)
    problems = [p for exchange in recorder.exchanges for p in check_exchange(exchange)]
    assert {e.path.split("/", 2)[2] for e in recorder.exchanges} >= {"api/v2/persons", "api/v1/users/me"}
    assert problems == [], "\n".join(sorted(set(problems))[:30])


async def test_the_requests_alone_match_the_client_declarations(
        pipedrive: PipedriveSimulator, recorder: Recorder, context: SourceContext) -> None:
    await connector_life(pipedrive, context)
    for exchange in recorder.exchanges:
        path = "/" + exchange.path.split("/", 2)[2]
        version, request_interface, _ = OPERATIONS[path]
        if request_interface is not None:
            declarations(version).check_query(request_interface, exchange.query).ok()


def test_the_checker_refuses_what_the_declarations_do_not_have() -> None:
    models = declarations("v2")
    answer = {"success": True, "data": [{"id": "7", "emails": [{"value": "a@example.com", "primary": "yes"}],
                                         "abc123_colour": "red"}], "additional_data": {"next_start": 2}}
    problems = models.check("GetPersonsResponse", answer).problems
    refused = models.check_query("PersonsApiGetPersonsRequest", {"sort_by": ["name"], "start": ["0"]}).problems

    assert (len(problems) == 4 and any("abc123_colour" in p for p in problems)
            and any("next_start" in p for p in problems))
    assert len(refused) == 2
