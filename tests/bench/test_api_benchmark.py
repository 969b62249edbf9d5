"""The API benchmark's code runs: tiny sizes, on this run's backend, in a process of its own (as
`make bench` runs it). It proves the floor answers every query with the app's own JSON, the load
runner reaches both uvicorn processes without errors, and the table prints; not any speed.

It takes about 15 s on a quiet machine and up to a minute on a loaded one (two uvicorn processes
import the app, then ten loads of 0.2 s): worth it as the only guard the API benchmark's code has
against rotting, since `make bench` is never part of `make test`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import BACKENDS, TEST_DATABASE_URL, TEST_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def _environment(results: Path) -> dict[str, str]:
    env = {**os.environ, "AUTOIMPORT_BENCH_SIZE": "tiny", "AUTOIMPORT_BENCH_RESULTS": str(results)}
    if BACKENDS == ["services"]:
        env |= {"AUTOIMPORT_BENCH_DATABASE_URL": TEST_DATABASE_URL, "AUTOIMPORT_TEST_REDIS_URL": TEST_REDIS_URL}
    else:  # an embedded Redis of the benchmark's own, like `make bench` without settings
        env.pop("AUTOIMPORT_TEST_REDIS_URL", None)
    return env


def test_the_api_benchmark_runs_and_measures_every_query_beside_its_floor(tmp_path: Path) -> None:
    name = "postgres" if BACKENDS == ["services"] else "sqlite"
    done = subprocess.run([sys.executable, "-m", "bench.api", name], cwd=ROOT, env=_environment(tmp_path),
                          capture_output=True, text=True, timeout=150)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"API throughput on {name}" in done.stdout
    [result] = tmp_path.glob(f"api-{name}-*.json")
    queries = json.loads(result.read_text())["queries"]
    assert set(queries) == {"me", "services", "autoImports", "contacts(first: 50)", "contact(email:)"}
    for figures in queries.values():
        load = figures["throughput"]
        assert load["requests"] > 0 and load["errors"] == load["floor"]["errors"] == 0, figures
        assert figures["latency"]["floor"]["p50_ms"] > 0
        assert figures["statements_at_20"] == figures["statements_at_200"], figures
