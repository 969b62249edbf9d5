"""The `autoimport` command: account administration, migrations, and running the whole service."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from app import db
from app.config import Settings, get_settings
from app.errors import DomainError
from app.logging_setup import install_secret_redaction


def _with_db(settings: Settings, action: Callable[[], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        await db.connect(settings.resolved_database_url)
        try:
            return await action()
        finally:
            await db.disconnect()

    return asyncio.run(run())


def accounts_create(args: argparse.Namespace, settings: Settings) -> None:
    from app.accounts.service import create_account

    account, token = _with_db(settings, lambda: create_account(args.name, args.contact_limit))
    print(f"Created account {account.name!r} (id {account.id}, contact limit {account.contact_limit}). API token:")
    print(token)


def accounts_set_limit(args: argparse.Namespace, settings: Settings) -> None:
    from app.accounts.service import set_contact_limit

    account = _with_db(settings, lambda: set_contact_limit(args.name, args.contact_limit))
    print(f"Account {account.name!r} now has a contact limit of {account.contact_limit}.")


def accounts_token(args: argparse.Namespace, settings: Settings) -> None:
    from app.accounts.service import new_token

    print(_with_db(settings, lambda: new_token(args.name)))


def migrate(args: argparse.Namespace, settings: Settings) -> None:
    asyncio.run(db.apply_migrations(settings.resolved_database_url))
    print(f"Database is up to date ({_describe_database(settings)}).")


def export_schema(args: argparse.Namespace, settings: Settings) -> None:
    from app.graphql.schema import schema

    Path(args.output).write_text(schema.as_str() + "\n")
    print(f"Wrote {args.output}")


def _describe_database(settings: Settings) -> str:
    url = settings.resolved_database_url
    return url if url.startswith("sqlite") else url.split("@")[-1]


def run(args: argparse.Namespace, settings: Settings) -> None:
    """Migrates, seeds the demo, then runs the API (uvicorn) and a worker (arq) until Ctrl-C."""
    from app.demo import ensure_demo, sign_in_example
    from app.redis import redis_url

    asyncio.run(db.apply_migrations(settings.resolved_database_url))
    demo = asyncio.run(ensure_demo(settings))
    env = dict(os.environ, REDIS_URL=redis_url(settings))  # children share this process's Redis
    children, how_to_connect = _start_simulators(settings, env)
    children += [
        # No access log: an OAuth callback's query string holds the code and the state.
        subprocess.Popen([_tool("uvicorn"), "app.asgi:app", "--host", "127.0.0.1", "--port", str(settings.port),
                          "--no-access-log"], env=env),
        subprocess.Popen([_tool("arq"), "workers.WorkerSettings"], env=env),
    ]
    print(f"Demo account 'Demo' (sample feed {demo.feed_path}). API token:\n{demo.token}")
    print(sign_in_example(settings.resolved_public_url, demo.token), flush=True)
    if how_to_connect:
        print(how_to_connect, flush=True)
    _supervise(children)


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


DEMO_SERVER = "tests.simulators.demo_server"


def _start_simulators(settings: Settings, env: dict[str, str]) -> tuple[list[subprocess.Popen[bytes]], str]:
    """In development, from a checkout: the simulated Google, Shopify, HubSpot and Pipedrive, and
    settings pointing the API and worker at them (unless the user set endpoints). It runs as its
    own process: the app never imports test code."""
    if settings.is_production or settings.endpoints or not Path(*DEMO_SERVER.split(".")).with_suffix(".py").exists():
        return [], ""
    port = str(settings.port + 100)
    described = subprocess.run([sys.executable, "-m", DEMO_SERVER, "--port", port, "--describe"],
                               capture_output=True, text=True, check=True)
    demo = json.loads(described.stdout)
    env.update(demo["environment"])
    server = subprocess.Popen([sys.executable, "-m", DEMO_SERVER, "--port", port], env=env)
    return [server], demo["how_to_connect"]


def _supervise(children: list[subprocess.Popen[bytes]]) -> None:
    """Waits until Ctrl-C (or one child dies), then stops every child it started."""
    stop = False

    def request_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stop and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        _stop_children(children, signalled=stop)
    failed = [child for child in children if child.returncode not in (0, -signal.SIGINT, -signal.SIGTERM)]
    if failed and not stop:
        sys.exit(f"A process stopped unexpectedly (exit {failed[0].returncode}); everything was stopped.")


# Ctrl-C in a terminal signals the whole foreground group, the children too: they are given this
# long to stop on that one signal, since a second SIGINT makes uvicorn force its exit (and print a
# traceback). A child still running then (or when only this process was signalled) gets its own.
OWN_SIGNAL_GRACE = 3.0  # seconds


def _stop_children(children: list[subprocess.Popen[bytes]], *, signalled: bool) -> None:
    deadline = time.monotonic() + (OWN_SIGNAL_GRACE if signalled else 0.0)
    while time.monotonic() < deadline and any(child.poll() is None for child in children):
        time.sleep(0.1)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="autoimport", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    accounts = commands.add_parser("accounts", help="create accounts and change their plan limit")
    account_commands = accounts.add_subparsers(dest="accounts_command", required=True)
    create = account_commands.add_parser("create", help="create an account; prints its API token last")
    create.add_argument("--name", required=True)
    create.add_argument("--contact-limit", type=int, required=True)
    create.set_defaults(handler=accounts_create)
    set_limit = account_commands.add_parser("set-limit", help="change an account's contact limit")
    set_limit.add_argument("name")
    set_limit.add_argument("--contact-limit", type=int, required=True)
    set_limit.set_defaults(handler=accounts_set_limit)
    token = account_commands.add_parser("token", help="issue a new API token for an account")
    token.add_argument("name")
    token.set_defaults(handler=accounts_token)
    commands.add_parser("migrate", help="apply the database migrations").set_defaults(handler=migrate)
    schema = commands.add_parser("export-schema", help="write the GraphQL SDL")
    schema.add_argument("--output", default="schema.graphql")
    schema.set_defaults(handler=export_schema)
    commands.add_parser("run", help="migrate, seed the demo, run the API and a worker").set_defaults(handler=run)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    install_secret_redaction()
    try:
        settings = get_settings()
    except ValueError as exc:
        sys.exit(f"Invalid settings: {exc}")
    try:
        args.handler(args, settings)
    except DomainError as exc:
        sys.exit(f"Error: {exc.message}")
