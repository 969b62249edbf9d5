"""The embedded default (one SQLite file) shared by two processes, the shape of `make run`: the
API's mutations and the worker's page commits, both read-then-write transactions, at the same
time. Neither may fail the other with "database is locked": a transaction waits for the write
lock instead (on PostgreSQL the same test shows nothing changed there)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from app.contacts.service import create_contact
from tests.concurrency.page_committer import PAGES, start_committer
from tests.conftest import AccountUnderTest, Backend

pytestmark = pytest.mark.slow

MUTATIONS = 60


async def _mutations(account_id: int) -> list[str]:
    """API-shaped writes: `createContact` checks (reads) and then inserts, in one transaction."""
    errors = []
    for number in range(MUTATIONS):
        try:
            await create_contact(account_id, 100_000, f"api{number}@api.example", tags=["typed"])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        await asyncio.sleep(0)
    return errors


async def test_api_mutations_and_worker_page_commits_in_two_processes_do_not_fail_each_other(
    db_ready: Backend, acme: AccountUnderTest, repo_root: Path
) -> None:
    committer = await start_committer(db_ready, acme.account.id, repo_root)
    assert committer.stdin is not None and committer.stdout is not None
    try:
        committer.stdin.write(b"go\n")
        await committer.stdin.drain()
        api_errors = await _mutations(acme.account.id)
        report = json.loads(await asyncio.wait_for(committer.stdout.readline(), 120))
    finally:
        if committer.returncode is None:
            await asyncio.wait_for(committer.wait(), 30)
    print(f"\napi mutations: {MUTATIONS - len(api_errors)}/{MUTATIONS} ok; "
          f"worker pages: {report['committed']}/{PAGES} ok")
    assert api_errors == [] and report["errors"] == [], (api_errors[:3], report["errors"][:3])
    assert report["committed"] == PAGES
