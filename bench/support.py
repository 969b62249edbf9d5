"""What every benchmark needs: a throwaway database (and Redis), timing statistics, results.

SQLite always; PostgreSQL too when `AUTOIMPORT_TEST_DATABASE_URL` is set (a fresh database per
benchmark, dropped afterwards). Redis is `AUTOIMPORT_TEST_REDIS_URL` or an embedded redis-server.
One backend per process: Tortoise binds its models to one SQL dialect, so `bench/__main__.py`
runs each benchmark in a process of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from app import db
from app.config import Settings

RESULTS_DIR = Path(os.environ.get("AUTOIMPORT_BENCH_RESULTS", Path(__file__).resolve().parent / "results"))
# PostgreSQL for the benchmarks: their own variable first, else the tests' (as `.ci/run` sets it)
POSTGRES_URL = os.environ.get("AUTOIMPORT_BENCH_DATABASE_URL") or os.environ.get("AUTOIMPORT_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("AUTOIMPORT_TEST_REDIS_URL", "")


@dataclass
class Backend:
    name: str  # "sqlite" | "postgres"
    database_url: str
    tmp: Path

    @cached_property
    def redis_url(self) -> str:
        """`AUTOIMPORT_TEST_REDIS_URL`, or an embedded redis-server started on first use."""
        return _redis_url(self.tmp)

    @property
    def is_sqlite(self) -> bool:
        return self.name == "sqlite"

    @property
    def sqlite_path(self) -> str:
        return self.database_url.removeprefix("sqlite://")

    @property
    def asyncpg_dsn(self) -> str:
        return self.database_url.replace("postgres://", "postgresql://", 1)

    def settings(self, **overrides: Any) -> Settings:
        """Settings for this backend; pass `REDIS_URL=backend.redis_url` where Redis is used."""
        values = {"AUTOIMPORT_VAR_DIR": self.tmp, "DATABASE_URL": self.database_url,
                  "AUTOIMPORT_SECRET_KEY": "bench-secret-key", **overrides}
        return Settings(**values)  # type: ignore[arg-type]


def backend_names() -> list[str]:
    return ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


def _server(url: str) -> str:
    return url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)


async def _create_postgres_database() -> tuple[str, str]:
    import asyncpg

    name = f"autoimport_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(_server(POSTGRES_URL) + "/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}", name


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_server(POSTGRES_URL) + "/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _redis_url(tmp: Path) -> str:
    if REDIS_URL:
        return REDIS_URL
    from app.redis import redis_url

    return redis_url(Settings(AUTOIMPORT_VAR_DIR=tmp))  # type: ignore[call-arg]


@asynccontextmanager
async def open_backend(name: str) -> AsyncIterator[Backend]:
    """A migrated, connected, empty database of this kind, and a Redis; all removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=f"autoimport-bench-{name}-"))
    dropped: str | None = None
    try:
        if name == "sqlite":
            database_url = f"sqlite://{tmp / 'bench.sqlite3'}"
        else:
            database_url, dropped = await _create_postgres_database()
        await db.apply_migrations(database_url)
        await db.connect(database_url)
        try:
            yield Backend(name, database_url, tmp)
        finally:
            await db.disconnect()
    finally:
        if dropped:
            await _drop_postgres_database(dropped)
        shutil.rmtree(tmp, ignore_errors=True)


class Stopwatch:
    """`with Stopwatch() as watch: ...` then `watch.seconds`."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 100 samples is the 99th)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 2) if denominator else float("inf")


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print("  " + "  ".join(value.rjust(width) if i else value.ljust(width)
                               for i, (value, width) in enumerate(zip(row, widths, strict=False))))
        if index == 0:
            print("  " + "  ".join("-" * width for width in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_results(benchmark: str, backend: str, figures: dict[str, Any]) -> Path:
    """Writes `bench/results/<benchmark>-<backend>-<timestamp>.json` and returns its path."""
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{benchmark}-{backend}-{stamp}.json"
    document = {"benchmark": benchmark, "backend": backend, "measured_at": stamp, "cpus": os.cpu_count(),
                **figures}
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path


def run_main(benchmark: str, measure: Any, show: Any) -> None:
    """The entry point of one benchmark process: `python -m bench.<module> <backend>`.

    `measure(backend)` returns the figures (a JSON-able dict); `show(backend_name, figures)` prints them.
    """
    import asyncio
    import sys

    name = sys.argv[1] if len(sys.argv) > 1 else "sqlite"

    async def measured() -> dict[str, Any]:
        async with open_backend(name) as backend:
            return await measure(backend)  # type: ignore[no-any-return]

    figures = asyncio.run(measured())
    show(name, figures)
    path = write_results(benchmark, name, figures)
    print(f"  -> {path}")
