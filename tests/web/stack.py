"""The live stack the browser tests drive: what `make run` starts, on free ports, in a temp folder.

`LiveStack` runs `autoimport migrate`, then uvicorn serving `app.asgi:app` (which serves the
built `web/dist`) and a real `arq workers.WorkerSettings` worker as subprocesses, all pointed
at one database and one Redis: a temp SQLite file and an embedded redis-server, or (backend
"services") a fresh PostgreSQL database and `AUTOIMPORT_TEST_REDIS_URL`. The simulated Google,
Shopify, HubSpot and Pipedrive (`tests/simulators/demo_server.py`'s `demo_app`, as `make run`
serves them) and the CSV feeds (`tests/web/feeds.py`) are served from threads of the test
process, so a test can script them (expire Google's tokens, publish a failing feed).
Accounts are created and their limits changed with the `autoimport` CLI, as an operator does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.simulators.csv_feed import serve_in_thread
from tests.simulators.demo_server import ByPrefix, demo_app, demo_environment
from tests.web.feeds import FeedServer, serve_feeds

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
SYNC_PAGE_SIZE = 25  # several committed pages (and progress events) per first retrieval
T = TypeVar("T")


@dataclass
class Account:
    """An account created for one test, with its API client."""

    name: str
    token: str
    api: GraphQL


class GraphQL:
    """The public API as one account sees it (for set-up and for checking what the page did)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=30,
                                   headers={"Authorization": f"Bearer {token}"})

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.client.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), body
        return body["data"]  # type: ignore[no-any-return]

    def mutate(self, query: str, field_name: str, **variables: Any) -> dict[str, Any]:
        """Runs a mutation and returns its payload, which must carry no userErrors."""
        payload = self(query, **variables)[field_name]
        assert not payload["userErrors"], payload["userErrors"]
        return payload  # type: ignore[no-any-return]


def wait_until(check: Callable[[], T], timeout: float = 30.0, what: str = "the condition") -> T:
    """Polls `check` (an API read, never the page) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}; last value: {value!r}")
        time.sleep(0.2)


@dataclass
class LiveStack:
    backend: str
    workdir: Path
    database_url: str
    redis_url: str
    base_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    feeds: FeedServer = field(default_factory=FeedServer)
    simulators: ByPrefix | None = None
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def autoimport(self, *args: str) -> str:
        """Runs the `autoimport` CLI against the stack's database; returns its standard output."""
        done = subprocess.run([str(BIN / "autoimport"), *args], env=self.env, cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"autoimport {' '.join(args)} failed: {done.stderr}"
        return done.stdout

    def create_account(self, label: str, contact_limit: int = 100_000) -> Account:
        name = f"{label[:40]}-{uuid.uuid4().hex[:6]}"
        token = self.autoimport("accounts", "create", "--name", name, "--contact-limit",
                                str(contact_limit)).strip().splitlines()[-1]
        return Account(name, token, GraphQL(self.base_url, token))

    def set_limit(self, account: Account, contact_limit: int) -> None:
        self.autoimport("accounts", "set-limit", account.name, "--contact-limit", str(contact_limit))

    def simulator(self, prefix: str) -> Any:
        """One of the demo simulators ("google", "shopify", "hubspot", "pipedrive"), to script it."""
        assert self.simulators is not None
        return self.simulators.apps[prefix]

    def logs(self) -> str:
        """The last lines of the API's and the worker's logs, for a failure message."""
        tails = []
        for name in ("api", "worker"):
            path = self.workdir / f"{name}.log"
            if path.exists():
                tails.append(f"--- {name}.log ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-40:]))
        return "\n".join(tails)

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.workdir / f"{name}.log").open("wb")
        self.processes.append(subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True))

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(f"A process of the live stack exited early.\n{self.logs()}")
            try:
                health = httpx.get(f"{self.base_url}/health", timeout=2).json()
                if health.get("database") and health.get("redis"):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"The live stack did not become healthy in {timeout:.0f} s.\n{self.logs()}")

    def stop(self) -> None:
        """Stops the processes this stack started (and only those), gently first."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _in_thread(coroutine: Any) -> Any:
    """Runs a coroutine on a loop of its own thread: the test session's event loop stays untouched."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


@contextmanager
def _database(backend: str, workdir: Path) -> Iterator[tuple[str, str]]:
    """(database URL, Redis URL) for the stack; a PostgreSQL database is dropped afterwards."""
    if backend == "embedded":
        from app.config import Settings
        from app.redis import redis_url

        yield f"sqlite://{workdir / 'web.sqlite3'}", redis_url(Settings(AUTOIMPORT_VAR_DIR=workdir))  # type: ignore[call-arg]
        return
    from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, _create_postgres_database, _drop_postgres_database

    database_url, name = _in_thread(_create_postgres_database(TEST_DATABASE_URL))
    try:
        yield database_url, TEST_REDIS_URL
    finally:
        _in_thread(_drop_postgres_database(TEST_DATABASE_URL, name))


@contextmanager
def live_stack(backend: str, workdir: Path, database: tuple[str, str] | None = None) -> Iterator[LiveStack]:
    """Starts everything (see the module docstring) and stops it all when the block ends.
    `database` (URL, Redis URL) uses an existing database instead of making one."""
    with ExitStack() as cleanup:
        database_url, redis_url = database or cleanup.enter_context(_database(backend, workdir))
        stack = LiveStack(backend, workdir, database_url, redis_url)
        stack.feeds = cleanup.enter_context(serve_feeds())
        stack.simulators = demo_app()
        simulators_url = cleanup.enter_context(serve_in_thread(stack.simulators))
        port = _free_port()
        stack.base_url = f"http://127.0.0.1:{port}"
        stack.env = {
            "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", str(workdir)),
            "DATABASE_URL": database_url, "REDIS_URL": redis_url, "AUTOIMPORT_VAR_DIR": str(workdir),
            "AUTOIMPORT_SECRET_KEY": "web-test-secret-key", "PORT": str(port),
            "AUTOIMPORT_PUBLIC_URL": stack.base_url, "AUTOIMPORT_SYNC_PAGE_SIZE": str(SYNC_PAGE_SIZE),
            "AUTOIMPORT_HTTP_RETRIES": "1", "PYTHONUNBUFFERED": "1",
            **demo_environment(simulators_url),
        }
        stack.autoimport("migrate")
        cleanup.callback(stack.stop)
        stack._spawn("api", [str(BIN / "uvicorn"), "app.asgi:app", "--host", "127.0.0.1", "--port", str(port),
                             "--no-access-log"])
        stack._spawn("worker", [str(BIN / "arq"), "workers.WorkerSettings"])
        stack._wait_healthy()
        yield stack
