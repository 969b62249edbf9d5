"""The real `arq workers.WorkerSettings` CLI as a subprocess, for the tests that start, kill and stop
it, and what those tests wait for and check in the database meanwhile."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from app.autoimports.models import SyncOutcome, SyncRun
from app.config import Settings
from app.contacts.models import Contact
from tests.conftest import HEADER, AccountUnderTest, connect_feed, create_feed_import, rows
from tests.processes import BIN, process_environment
from tests.simulators.csv_feed import CsvFeedSimulator, serve_in_thread

ARQ = str(BIN / "arq")

Condition = Callable[[], Awaitable[bool]]


def start_worker(settings: Settings, repo_root: Path, log: Path, contacts: int) -> subprocess.Popen[bytes]:
    """A worker syncing up to `contacts` records a job, a page of 100 at a time: many commits, so a
    signal lands between them, and a lease of 3 s, so a killed worker's lease lapses soon."""
    env = process_environment(
        settings,
        AUTOIMPORT_SYNC_LIMIT=str(contacts),
        AUTOIMPORT_SYNC_PAGE_SIZE="100",
        AUTOIMPORT_SYNC_LEASE_SECONDS="3",
        AUTOIMPORT_SYNC_JOB_TIMEOUT="60",  # a loaded machine must not time the sync out
    )
    with log.open("ab") as out:
        return subprocess.Popen([ARQ, "workers.WorkerSettings"], cwd=repo_root, env=env, stdout=out, stderr=out)


def terminate(worker: subprocess.Popen[bytes], within: float = 15) -> None:
    """SIGTERM, then SIGKILL if the worker is still running after `within` seconds."""
    worker.terminate()
    try:
        worker.wait(within)
    except subprocess.TimeoutExpired:
        worker.kill()


def interrupt(worker: subprocess.Popen[bytes], log: Path, within: float) -> float:
    """Ctrl-C, as an operator stops a worker; returns how long it took to exit. A worker still
    running after `within` seconds is killed and the test fails with the end of its log."""
    started = time.monotonic()
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(within)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(10)
        tail = log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"the worker did not stop within {within} s of SIGINT; its log ends:\n{tail}") from None
    return time.monotonic() - started


async def wait_for(condition: Condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@asynccontextmanager
async def served_feed_import(acme: AccountUnderTest, feed: CsvFeedSimulator, contacts: int) -> AsyncIterator[int]:
    """An import of a CSV feed of `contacts` rows, the feed served on a real socket (a worker is
    another process) until the block ends; yields the import's id."""
    feed.set_rows(HEADER, rows(contacts))
    with serve_in_thread(feed) as base_url:
        connection = await connect_feed(acme.api, url=f"{base_url}/feed.csv")
        yield int(await create_feed_import(acme.api, connection))


def first_pages_committed(account_id: int) -> Condition:
    """For `wait_for`: the account has a contact, so a sync has committed a page."""
    async def committed() -> bool:
        return await Contact.filter(account_id=account_id).count() > 0
    return committed


def sync_completed(import_id: int, account_id: int, contacts: int) -> Condition:
    """For `wait_for`: a run of the import completed and the account has all `contacts`."""
    async def completed() -> bool:
        finished = await SyncRun.filter(auto_import_id=import_id, outcome=SyncOutcome.COMPLETED).exists()
        return finished and await Contact.filter(account_id=account_id).count() == contacts
    return completed


async def assert_each_contact_once(account_id: int, contacts: int) -> list[str]:
    """Nothing lost and nothing duplicated: exactly `contacts` contacts, each address once; returns
    the addresses."""
    emails = [str(email) for email in await Contact.filter(account_id=account_id).values_list("email_key", flat=True)]
    assert len(emails) == len(set(emails)) == contacts
    return emails
