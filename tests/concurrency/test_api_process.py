"""The API as its own process (uvicorn, as `make run` starts it) beside a worker-shaped process on
the same database: its mutations do not fail while the worker commits pages, and an error it
masks as "Unexpected error." is in its log, with level, logger and traceback."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from tortoise import connections

from app.contacts.service import create_contact
from tests.concurrency.page_committer import PAGES, start_committer
from tests.conftest import AccountUnderTest, Backend
from tests.processes import ApiProcess

pytestmark = pytest.mark.slow

CREATE_CONTACT = """mutation($email: String!) { createContact(input: {email: $email}) {
  contact { email } userErrors { code message } } }"""
MUTATIONS = 40


async def _create_contacts(client: httpx.AsyncClient, token: str) -> list[str]:
    """What each `createContact` answered, when it was not a created contact."""
    failures = []
    for number in range(MUTATIONS):
        response = await client.post("/graphql", headers={"Authorization": f"Bearer {token}"}, json={
            "query": CREATE_CONTACT, "variables": {"email": f"api{number}@api.example"}})
        body = response.json()
        payload = (body.get("data") or {}).get("createContact") or {}
        if response.status_code != 200 or body.get("errors") or payload.get("userErrors") or not payload.get("contact"):
            failures.append(response.text[:300])
    return failures


async def test_the_api_process_and_a_committing_worker_process_do_not_fail_each_other(
    db_ready: Backend, acme: AccountUnderTest, api_process: ApiProcess, repo_root: Path
) -> None:
    committer = await start_committer(db_ready, acme.account.id, repo_root)
    assert committer.stdin is not None and committer.stdout is not None
    try:
        committer.stdin.write(b"go\n")
        await committer.stdin.drain()
        async with httpx.AsyncClient(base_url=api_process.base_url, timeout=60) as client:
            failures = await _create_contacts(client, acme.token)
        report = json.loads(await asyncio.wait_for(committer.stdout.readline(), 120))
    finally:
        await asyncio.wait_for(committer.wait(), 30)
    print(f"\napi mutations: {MUTATIONS - len(failures)}/{MUTATIONS} ok; "
          f"worker pages: {report['committed']}/{PAGES} ok")
    assert failures == [] and report["errors"] == [], (failures[:3], report["errors"][:3])


async def test_the_api_process_logs_what_it_masks_as_unexpected_error(
    db_ready: Backend, acme: AccountUnderTest, api_process: ApiProcess
) -> None:
    await create_contact(acme.account.id, 100, "odd@example.com")
    await connections.get("default").execute_query(
        f'UPDATE "contact" SET "status" = \'GONE_WEIRD\' WHERE "account_id" = {int(acme.account.id)}')
    async with httpx.AsyncClient(base_url=api_process.base_url, timeout=30) as client:
        response = await client.post("/graphql", headers={"Authorization": f"Bearer {acme.token}"},
                                     json={"query": "{ contacts { edges { node { email status } } } }"})
    assert [e["message"] for e in response.json()["errors"]] == ["Unexpected error."]
    log = api_process.log.read_text()
    assert "ERROR app.graphql: Unexpected error in ['contacts'" in log, log[-2000:]
    assert "Traceback" in log and "GONE_WEIRD" in log
