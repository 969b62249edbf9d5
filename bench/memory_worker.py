"""The process the memory benchmark watches: the engine draining one import's backlog, sync after sync.

`python -m bench.memory_worker <database_url> <external_account_id> <contacts>`. Each sync takes
the usual 500-record budget from the in-process source (records made on demand, so the source
itself holds none); the clock moves one interval per sync, so the import is due each time.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta, timezone

import httpx

from app import db
from app.autoimports.models import AutoImport
from app.config import Settings
from app.connectors.base import SourceContext
from app.security import SettingsCipher
from app.sync.engine import SyncEnvironment, sync_external_account
from bench.source import PreparedFeed, contact_record, register


async def drain(database_url: str, external_account_id: int, contacts: int) -> int:
    source = register()
    source.feeds["feed-0"] = PreparedFeed(contacts, lambda n: contact_record(n, prefix="memory"))
    settings = Settings(DATABASE_URL=database_url, AUTOIMPORT_SECRET_KEY="bench-secret-key")  # type: ignore[call-arg]
    await db.connect(database_url)
    env = SyncEnvironment(settings=settings, cipher=SettingsCipher(b"bench-secret-key"),
                          source=SourceContext(http=httpx.AsyncClient(), production=False, max_bytes=1), owner="memory")
    start, syncs = datetime.now(timezone.utc), 0
    try:
        while True:
            moment = start + timedelta(seconds=(settings.sync_interval + 1) * syncs)
            env.clock = lambda moment=moment: moment  # type: ignore[misc]
            await sync_external_account(external_account_id, env)
            syncs += 1
            if not await AutoImport.filter(external_account_id=external_account_id, has_backlog=True).exists():
                return syncs
    finally:
        await db.disconnect()


if __name__ == "__main__":
    done = asyncio.run(drain(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
    print(f"drained in {done} syncs", flush=True)
