"""Logs an operator expects: in production one JSON object per line, carrying the account,
import, sync run and external account ids of the sync it is about, and no secret; in development
a plain line with the same ids."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.autoimports.models import AutoImport, SyncRun
from app.logging_setup import install_secret_redaction, log_handler
from tests.conftest import (
    HEADER,
    AccountUnderTest,
    Sync,
    connect_feed,
    create_feed_import,
    rows,
)
from tests.simulators.csv_feed import CsvFeedSimulator

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-feed-token-9f2"
SECRET_FEED = f"http://feed.test/feed.csv?token={SECRET}"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The root logger printing through the handler `configure_logging` installs in production."""
    stream, root = io.StringIO(), logging.getLogger()
    handler, level = log_handler(stream, json_lines=True), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_secret_redaction()
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_a_sync_logs_json_lines_with_its_ids_and_no_secret(
        acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, captured: io.StringIO) -> None:
    feed.set_rows(HEADER, rows(3))
    import_id = int(await create_feed_import(acme.api, await connect_feed(acme.api, SECRET_FEED)))
    await sync.due()
    feed.fail_next(500, times=10)
    await AutoImport.filter(id=import_id).update(next_sync_at=(await AutoImport.get(id=import_id)).created_at)
    await sync.due()

    lines = [json.loads(line) for line in captured.getvalue().splitlines()]  # every line parses
    auto_import = await AutoImport.get(id=import_id)
    runs = await SyncRun.filter(auto_import_id=import_id).order_by("id").values_list("id", flat=True)
    finished = [line for line in lines if line["message"].startswith("Sync finished")]
    assert [line["message"].split(" (")[0] for line in finished] == ["Sync finished: COMPLETED",
                                                                      "Sync finished: FAILED"]
    for line, run_id in zip(finished, runs, strict=True):
        assert {key: line[key] for key in ("account_id", "auto_import_id", "sync_run_id", "external_account_id")} == {
            "account_id": acme.account.id, "auto_import_id": import_id, "sync_run_id": run_id,
            "external_account_id": auto_import.external_account_id}
        assert line["level"] == "INFO" and line["logger"] == "app.sync.engine" and line["time"]
    assert "HTTP 500" in finished[1]["message"]
    assert SECRET not in captured.getvalue() and acme.token not in captured.getvalue()


def test_production_logging_prints_json_and_development_plain_lines() -> None:
    script = ("import logging; from app.logging_setup import configure_logging; from app import log_context\n"
              "configure_logging()\n"
              "with log_context.bound(account_id=7, auto_import_id=8):\n"
              "    logging.getLogger('probe').info('hello %s', 'https://x.test/f.csv?sig=abc123')\n")

    def run(environment: str) -> str:
        env = dict(os.environ, AUTOIMPORT_ENV=environment, AUTOIMPORT_SECRET_KEY="k" * 32)
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=60, check=True)
        return done.stderr.strip()

    line = json.loads(run("production"))
    assert (line["message"], line["account_id"], line["auto_import_id"]) == (
        "hello https://x.test/f.csv?sig=[REDACTED]", 7, 8)
    plain = run("development")
    assert plain.endswith("probe: hello https://x.test/f.csv?sig=[REDACTED] [account_id=7 auto_import_id=8]"), plain
