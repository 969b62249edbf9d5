"""The `autoimport accounts` commands, run as a user runs them (a subprocess, real database)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.accounts.models import Account
from app.accounts.service import authenticate
from app.config import Settings

AUTOIMPORT = str(Path(sys.executable).parent / "autoimport")


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": settings.resolved_database_url,
           "AUTOIMPORT_VAR_DIR": str(settings.var_dir)}
    return subprocess.run([AUTOIMPORT, *args], env=env, capture_output=True, text=True, timeout=60)


async def test_accounts_create_prints_a_working_token_alone_on_the_last_line(settings: Settings) -> None:
    done = _run(settings, "accounts", "create", "--name", "Globex", "--contact-limit", "250")

    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    account = await authenticate(token)
    assert account is not None and (account.name, account.contact_limit) == ("Globex", 250)


async def test_set_limit_changes_the_plan_and_errors_are_plain(settings: Settings) -> None:
    assert _run(settings, "accounts", "create", "--name", "Globex", "--contact-limit", "250").returncode == 0

    assert _run(settings, "accounts", "set-limit", "Globex", "--contact-limit", "900").returncode == 0
    assert (await Account.get(name="Globex")).contact_limit == 900

    missing = _run(settings, "accounts", "set-limit", "Nobody", "--contact-limit", "5")
    duplicate = _run(settings, "accounts", "create", "--name", "Globex", "--contact-limit", "1")
    negative = _run(settings, "accounts", "set-limit", "Globex", "--contact-limit", "-1")
    for failed in (missing, duplicate, negative):
        assert failed.returncode != 0 and "Traceback" not in failed.stderr
        assert failed.stderr.startswith("Error: ")
    assert (await Account.get(name="Globex")).contact_limit == 900
