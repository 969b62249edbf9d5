"""Tokens stay secret: encrypted at rest, absent from logs (Tortoise logs SQL parameters at
DEBUG), and the server refuses to run in production without its own encryption key."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from tortoise import connections

from app.config import Settings
from app.contacts.models import Contact
from tests.conftest import AccountUnderTest, Backend, Sync
from tests.connections.flow import CONNECTIONS, connect_through_consent, create_import
from tests.connections.support import ExampleCrm
from tests.sync.helpers import make_due


async def test_tokens_are_never_in_clear_in_the_database_or_the_logs(
        db_ready: Backend, acme: AccountUnderTest, crm: ExampleCrm, browser: httpx.AsyncClient,
        client: httpx.AsyncClient, sync: Sync, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    crm.auth.expires_in = 60  # shorter than the refresh margin: every sync refreshes and saves tokens
    crm.auth.rotate_refresh_tokens = True
    crm.add_contacts("ann@example.com", 3)

    assert (await connect_through_consent(acme.api, browser, client)).status_code == 200
    import_id = await create_import(acme.api, (await acme.api(CONNECTIONS))["connections"][0]["id"])
    await sync.due()
    await make_due(import_id)
    await sync.due()

    assert await Contact.filter(account_id=acme.account.id).count() == 3
    assert crm.auth.count("/token", "refresh_token") == 2
    issued = crm.auth.access_tokens + crm.auth.live_refresh_tokens
    assert len(issued) == 4
    assert "k1:" in caplog.text  # the SQL was logged with its parameters (the encrypted settings)
    for token in issued:
        assert token not in caplog.text
    stored = await connections.get("default").execute_query_dict('SELECT * FROM "connection"')
    assert stored and not any(token in str(stored) for token in issued)
    if db_ready.database_url.startswith("sqlite"):
        content = _sqlite_file_bytes(Path(db_ready.database_url.removeprefix("sqlite://")))
        assert b"ann@example.com" in content  # the file is readable as bytes: the check means something
        for token in issued:
            assert token.encode() not in content


def _sqlite_file_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, read by another process: closing a file
    descriptor of a SQLite file in this process would drop the process's SQLite locks on it."""
    files = [str(p) for p in (path, Path(f"{path}-wal")) if p.exists()]
    return subprocess.run(["cat", *files], capture_output=True, check=True, timeout=30).stdout


def test_production_needs_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOIMPORT_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="AUTOIMPORT_SECRET_KEY is required when AUTOIMPORT_ENV=production"):
        Settings(AUTOIMPORT_ENV="production")  # type: ignore[call-arg]
    assert Settings(AUTOIMPORT_ENV="production", AUTOIMPORT_SECRET_KEY="k").is_production  # type: ignore[call-arg]


def test_the_production_server_does_not_start_without_a_secret_key(repo_root: Path, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUTOIMPORT_")}
    env |= {"AUTOIMPORT_ENV": "production", "AUTOIMPORT_VAR_DIR": str(tmp_path)}
    started = subprocess.run([sys.executable, "-c", "import app.asgi"], cwd=repo_root, env=env,
                             capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "AUTOIMPORT_SECRET_KEY is required when AUTOIMPORT_ENV=production" in started.stderr
    assert not (tmp_path / "secret_key").exists()  # no key was generated in its place
