"""The API under load: one account with 200 imports and 100,000 contacts, beside the stack's floor.

For each query, in the same run:
- latency: p50/p99 of single requests through the real app (`create_app(services=...)` over
  `httpx.ASGITransport`), alternating request by request with the floor (`bench.api_floor`: bare
  Strawberry answering the same JSON from memory, checked equal to the app's answer);
- throughput: CLIENTS concurrent clients for SECONDS against the app under uvicorn (a process of
  its own, on the benchmark's database), then the same against the floor under uvicorn; requests
  still unanswered 5 s after the deadline are abandoned and counted as unfinished;
- the SQL statements the query issues, counted at 20 and at 200 imports (they must not grow).
Targets: p50 ≤ 2× the floor's, throughput ≥ 0.5× the floor's, p99 < 50 ms, statements constant.

`AUTOIMPORT_BENCH_SIZE=tiny` runs it on a few hundred contacts for a fraction of a second per load,
which is what the test of the benchmark code uses.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from app.connectors.base import SourceContext
from app.security import SettingsCipher
from app.web import Services, create_app
from bench.api_floor import ANSWERS_FILE, floor_app
from bench.api_load import Server, load, uvicorn_processes
from bench.api_seed import add_imports, seed_account
from bench.support import Backend, median, percentile, print_table, ratio, run_main

TINY = os.environ.get("AUTOIMPORT_BENCH_SIZE") == "tiny"
CONTACTS = 300 if TINY else 100_000
REQUESTS = 3 if TINY else 100
CLIENTS = 4 if TINY else 20
SECONDS = 0.2 if TINY else 3.0
SMALL, LARGE = (1, 2) if TINY else (2, 18)  # external accounts of 10 imports: 20 imports, then 200
QUERIES = {
    "me": ("{ me { id name } }", None),
    "services": ("{ services { id name } }", None),
    "autoImports": ("{ autoImports { id name status service { name } lists { name } totals { added } "
                    "troubleshooting { healthy problems { code count } } } }", None),
    "contacts(first: 50)": ("{ contacts(first: 50) { edges { node { email tags lists { name } } } } }", None),
    "contact(email:)": ("query($email: String!) { contact(email: $email) { email firstName tags lists { name } } }",
                        "email"),
}


class StatementCounter(logging.Handler):
    """Counts the SQL statements Tortoise logs at DEBUG on `tortoise.db_client` (as the API tests do)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        first = record.getMessage().lstrip().split(" ", 1)[0].upper()
        self.count += first in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@contextmanager
def counting_statements() -> Iterator[StatementCounter]:
    logger, counter = logging.getLogger("tortoise.db_client"), StatementCounter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


def body_of(name: str, n: int) -> dict[str, Any]:
    query, variable = QUERIES[name]
    variables = {variable: f"PERSON{(n * 7919) % CONTACTS}@example.com"} if variable else {}
    return {"query": query, "variables": variables}


async def _answer(client: httpx.AsyncClient, name: str, n: int) -> dict[str, Any]:
    response = await client.post("/graphql", json=body_of(name, n))
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return body["data"]  # type: ignore[no-any-return]


async def _timed(client: httpx.AsyncClient, name: str, n: int) -> float:
    started = time.perf_counter()
    await _answer(client, name, n)
    return time.perf_counter() - started


async def _statements(client: httpx.AsyncClient) -> dict[str, int]:
    await _answer(client, "me", 0)  # the token's first request looks it up; the count is of the next ones
    counts = {}
    for name in QUERIES:
        with counting_statements() as counter:
            await _answer(client, name, 1)
        counts[name] = counter.count
    return counts


async def _answers(client: httpx.AsyncClient) -> dict[str, Any]:
    """The app's answer to each query, by root field: what the floor serves."""
    answers: dict[str, Any] = {}
    for name in QUERIES:
        answers.update(await _answer(client, name, 1))
    return answers


async def _check_floor(app: httpx.AsyncClient, floor: httpx.AsyncClient) -> None:
    for name in QUERIES:
        mine, floors = await _answer(app, name, 1), await _answer(floor, name, 1)
        assert mine == floors, f"The floor answers {name} differently: {floors} != {mine}"


def _stats(times: list[float]) -> dict[str, float]:
    return {"p50_ms": round(median(times) * 1000, 2), "p99_ms": round(percentile(times, 0.99) * 1000, 2)}


async def _latencies(app: httpx.AsyncClient, floor: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """Single requests, the app's and the floor's alternating, so both see the same machine."""
    figures = {}
    for name in QUERIES:
        for n in range(5):  # warm-up
            await _timed(app, name, n)
            await _timed(floor, name, n)
        mine, floors = [], []
        for n in range(REQUESTS):
            mine.append(await _timed(app, name, n))
            floors.append(await _timed(floor, name, n))
        figures[name] = {**_stats(mine), "floor": _stats(floors)}
    return figures


def _app_environment(backend: Backend) -> dict[str, str]:
    return {"DATABASE_URL": backend.database_url, "REDIS_URL": backend.redis_url,
            "AUTOIMPORT_SECRET_KEY": "bench-secret-key", "AUTOIMPORT_VAR_DIR": str(backend.tmp)}


async def _throughput(backend: Backend, token: str, answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    answers_path = backend.tmp / "floor-answers.json"
    answers_path.write_text(json.dumps(answers))
    auth = {"Authorization": f"Bearer {token}"}
    figures = {}
    servers = (Server("app.asgi:app", _app_environment(backend)),
               Server("bench.api_floor:app_from_environment", {ANSWERS_FILE: str(answers_path)}, factory=True))
    with uvicorn_processes(*servers) as (app_url, floor_url):
        for name in QUERIES:
            mine = await load(app_url, lambda n, name=name: body_of(name, n), auth, clients=CLIENTS, seconds=SECONDS)
            floors = await load(floor_url, lambda n, name=name: body_of(name, n), {}, clients=CLIENTS,
                                seconds=SECONDS)
            figures[name] = {**mine.figures(), "floor": floors.figures()}
    return figures


def _services(backend: Backend) -> Services:
    # The token stays known for the whole run, as it does for any client that calls more often
    # than every AUTOIMPORT_TOKEN_CACHE_SECONDS: statement counts do not depend on the run's pace.
    settings = backend.settings(AUTOIMPORT_TOKEN_CACHE_SECONDS=3600)
    source = SourceContext(http=httpx.AsyncClient(), production=False, max_bytes=1)
    return Services(settings=settings, cipher=SettingsCipher(b"bench-secret-key"), source=source, queue=None)


def _client(app: Any, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.bench", headers=headers)


async def measure(backend: Backend) -> dict[str, Any]:
    account, token, list_ids = await seed_account(backend, CONTACTS)
    async with _client(create_app(services=_services(backend)), {"Authorization": f"Bearer {token}"}) as app:
        await add_imports(account, "small", SMALL, list_ids)
        at_20 = await _statements(app)
        await add_imports(account, "large", LARGE, list_ids)
        at_200 = await _statements(app)
        answers = await _answers(app)
        async with _client(floor_app(answers)) as floor:
            await _check_floor(app, floor)
            latencies = await _latencies(app, floor)
    throughput = await _throughput(backend, token, answers)
    return {"imports": 10 * (SMALL + LARGE), "contacts": CONTACTS, "requests": REQUESTS, "clients": CLIENTS,
            "seconds": SECONDS, "load_average": os.getloadavg(),
            "queries": {name: {"latency": latencies[name], "throughput": throughput[name],
                               "statements_at_20": at_20[name], "statements_at_200": at_200[name]}
                        for name in QUERIES}}


def _met(condition: bool) -> str:
    return "met" if condition else "MISSED"


def _latency_row(name: str, q: dict[str, Any]) -> tuple[object, ...]:
    lat, constant = q["latency"], q["statements_at_20"] == q["statements_at_200"]
    p50_ratio = ratio(lat["p50_ms"], lat["floor"]["p50_ms"])
    return (name, lat["p50_ms"], lat["p99_ms"], lat["floor"]["p50_ms"], lat["floor"]["p99_ms"], p50_ratio,
            q["statements_at_20"], q["statements_at_200"],
            f"{_met(p50_ratio <= 2)}, {_met(lat['p99_ms'] < 50)}, {_met(constant)}")


def _throughput_row(name: str, q: dict[str, Any]) -> tuple[object, ...]:
    mine, floor = q["throughput"], q["throughput"]["floor"]
    rps_ratio = ratio(mine["rps"], floor["rps"])
    return (name, mine["rps"], mine["p50_ms"], mine["p99_ms"], f"{mine['errors']}/{mine['unfinished']}",
            floor["rps"], floor["p50_ms"], floor["p99_ms"], f"{floor['errors']}/{floor['unfinished']}", rps_ratio,
            ratio(mine["p50_ms"], floor["p50_ms"]), _met(rps_ratio >= 0.5))


def show(backend: str, figures: dict[str, Any]) -> None:
    queries = figures["queries"]
    machine = ", ".join(f"{value:.1f}" for value in figures["load_average"])
    print_table(f"API on {backend}: {figures['imports']} imports, {figures['contacts']:,} contacts, "
                f"{figures['requests']} single requests per query, app and floor alternating (load {machine})",
                ["query", "p50 ms", "p99 ms", "floor p50", "floor p99", "p50/floor", "SQL at 20", "SQL at 200",
                 "p50≤2×floor, p99<50ms, SQL constant"],
                [_latency_row(name, q) for name, q in queries.items()])
    print_table(f"API throughput on {backend}: {figures['clients']} clients for {figures['seconds']} s per query "
                "(httpx), one uvicorn process each; errors/unfinished",
                ["query", "req/s", "p50 ms", "p99 ms", "err/unf", "floor req/s", "floor p50", "floor p99",
                 "floor err/unf", "req/s ÷ floor", "p50 ÷ floor", "≥0.5× floor"],
                [_throughput_row(name, q) for name, q in queries.items()])


if __name__ == "__main__":
    run_main("api", measure, show)
