"""A second OS process writing to the test database as the worker's engine does: each page is one
transaction that reads (the account, the contacts it already has) and then writes (new contacts
and their tags), like `SyncEngine._commit_page`.

Run as `python -m tests.concurrency.page_committer DATABASE_URL ACCOUNT_ID PAGES PAGE_SIZE` (or
through `start_committer`): it prints `ready` once connected, waits for a line on stdin, commits
the pages, then prints one JSON line `{"committed": n, "errors": [...]}`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from app import db
from app.accounts.models import Account
from app.contacts.models import Contact, ContactTag

if TYPE_CHECKING:
    from tests.conftest import Backend

PAGES, PAGE_SIZE = 40, 25


async def commit_page(account_id: int, page: int, page_size: int) -> None:
    """One engine-shaped page commit: reads first, then writes, in one transaction."""
    now = datetime.now(timezone.utc)
    emails = [f"page{page}-row{row}@worker.example" for row in range(page_size)]
    async with in_transaction():
        await Account.filter(id=account_id).first()
        known = set(await Contact.filter(account_id=account_id, email_key__in=emails).values_list(
            "email_key", flat=True))
        await Contact.filter(account_id=account_id).count()
        fresh = [Contact(account_id=account_id, email=email, email_key=email, created_at=now, updated_at=now)
                 for email in emails if email not in known]
        await Contact.bulk_create(fresh)
        created = await Contact.filter(account_id=account_id, email_key__in=emails).values_list("id", flat=True)
        await ContactTag.bulk_create([ContactTag(contact_id=contact_id, name="imported") for contact_id in created],
                                     ignore_conflicts=True)


async def start_committer(backend: Backend, account_id: int, repo_root: Path) -> asyncio.subprocess.Process:
    """Starts this module as its own process for `account_id`; returns once it is connected
    (write a line to its stdin to start it, then read its JSON report from its stdout)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.concurrency.page_committer", backend.database_url, str(account_id),
        str(PAGES), str(PAGE_SIZE), cwd=repo_root, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    assert line.strip() == b"ready", line
    return process


async def main(database_url: str, account_id: int, pages: int, page_size: int) -> None:
    context = await db.connect(database_url)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    committed, errors = 0, []
    try:
        for page in range(pages):
            try:
                await commit_page(account_id, page, page_size)
                committed += 1
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await db.disconnect(context)
    print(json.dumps({"committed": committed, "errors": errors}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
