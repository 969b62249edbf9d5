"""The process `test_large_feed_memory` measures: one sync of a large CSV feed, then its peak RSS.

`python -m tests.hostile.large_feed_sync <sqlite url> <feed path>`. It migrates the database,
connects a CSV feed (file://, development), creates an import and runs the engine's sync of it
once, then prints one line of JSON: the peak resident memory (`ru_maxrss`), the peak before
the feed was first read (connecting reads it too) and what the sync counted. A subprocess, so
nothing else the test suite holds is counted.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
from pathlib import Path

import httpx

from app import db
from app.accounts.service import create_account
from app.autoimports.models import AutoImport, SyncRun
from app.autoimports.service import create_auto_import
from app.config import Settings
from app.connections.service import connect_service
from app.connectors.base import SourceContext
from app.security import SettingsCipher
from app.sync.engine import SyncEnvironment, sync_external_account

SECRET = b"large-feed-secret-key"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def sync_once(database_url: str, feed: Path) -> dict[str, object]:
    await db.apply_migrations(database_url)
    await db.connect(database_url)
    at_start = peak_rss_mb()
    settings = Settings(DATABASE_URL=database_url, AUTOIMPORT_SECRET_KEY=SECRET.decode())  # type: ignore[call-arg]
    cipher = SettingsCipher(SECRET)
    async with httpx.AsyncClient() as client:
        source = SourceContext(http=client, production=False, max_bytes=settings.csv_max_bytes)
        try:
            account, _ = await create_account("Large feed", 10_000_000)
            connection = await connect_service(account.id, "csv_feed", None, {"url": feed.as_uri()}, cipher, source)
            auto_import = await create_auto_import(account.id, "csv_feed", connection.id, None, {}, None, None, None)
            env = SyncEnvironment(settings=settings, cipher=cipher, source=source, owner="large-feed")
            await sync_external_account(auto_import.external_account_id, env)
            run = await SyncRun.filter(auto_import_id=auto_import.id).order_by("-id").first()
            reloaded = await AutoImport.get(id=auto_import.id)
            return {"peak_rss_mb": round(peak_rss_mb(), 1), "rss_at_start_mb": round(at_start, 1),
                    "outcome": run.outcome.value if run else None, "counts": run.counts if run else None,
                    "backlog_estimate": reloaded.backlog_estimate, "error": run.error if run else None}
        finally:
            await db.disconnect()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(sync_once(sys.argv[1], Path(sys.argv[2])))), flush=True)
