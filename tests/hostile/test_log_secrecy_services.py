"""Every service connected with known secrets, synced, then failing (refused credentials, server
errors), with every logger at DEBUG: no secret of any connection reaches a log line. The API and
the worker run this same code (the engine is what a worker's job calls) and install the same
redaction at start-up (`test_log_secrecy.py` checks they do)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from app.connections.models import Connection
from app.connections.service import decrypt_connection_settings
from app.logging_setup import install_secret_redaction
from app.security import SettingsCipher
from app.web import Services
from tests.api.simulated import (  # noqa: F401
    FEED,
    FORM_SETTINGS,
    Simulated,
    browser,
    connect,
    connect_through_consent,
    connect_with_form,
    no_backoff,
    simulated,
    source,
)
from tests.conftest import AccountUnderTest, Sync
from tests.simulators.shopify import ShopifySimulator

FEED_SECRET = "feed-secret-6f1e2d"
BY_FORM = ("shopify", "pipedrive", "hubspot", "mailchimp")
BY_CONSENT = ("google_contacts", "hubspot", "salesforce", "mailchimp")
CRITERIA: dict[str, dict[str, Any]] = {"mailchimp": {"audience": "a1b2c3d4e5"}, "salesforce": {"object": "lead"}}
CREATE = """mutation($serviceId: ID!, $connectionId: ID!, $criteria: JSON) {
  createAutoImport(input: {serviceId: $serviceId, connectionId: $connectionId, criteria: $criteria}) {
    autoImport { id } userErrors { field code message }
  }
}"""
SECRET_KEYS = ("token", "secret", "key", "password")


def _fail_everything(simulated: Simulated, status: int) -> None:
    """The next few calls to every service answer `status`, each in its own API's error shape."""
    shop: ShopifySimulator = simulated.shopify
    faults: list[Callable[[], None]] = [
        lambda: simulated.feed.fail_next(status, times=5),
        lambda: simulated.google.fail_next(status, times=5),
        lambda: simulated.hubspot.fail_next(status, times=5),
        lambda: simulated.pipedrive.fail_next(status, times=5),
        lambda: simulated.mailchimp.fail_next(status, "Scripted failure", times=5),
        lambda: simulated.salesforce.fail_next(status, "INVALID_SESSION_ID" if status == 401 else "SERVER_UNAVAILABLE",
                                               times=5),
        lambda: shop.fail_next("acme.myshopify.com", status, times=5),
    ]
    for fault in faults:
        fault()


def _secrets_of(connection: Connection, cipher: SettingsCipher) -> set[str]:
    """Every credential-looking value the connection keeps (8 characters or more)."""
    settings = decrypt_connection_settings(connection, cipher)
    found: set[str] = set()
    for key, value in settings.items():
        if key == "url" and isinstance(value, str) and "token=" in value:  # the feed's, with its token
            found.add(value.split("token=")[-1])
        elif isinstance(value, str) and len(value) >= 8 and any(word in key for word in SECRET_KEYS):
            found.add(value)
    return found


async def _create_imports(acme: AccountUnderTest) -> None:
    for connection in await Connection.filter(account_id=acme.account.id).select_related("external_account"):
        service_id = connection.external_account.service_id
        answer = await acme.api(CREATE, serviceId=service_id, connectionId=str(connection.id),
                                criteria=CRITERIA.get(service_id, {}))
        assert answer["createAutoImport"]["userErrors"] == [], (service_id, answer)


@pytest.mark.usefixtures("no_backoff")
async def test_no_secret_of_any_service_reaches_a_log_line(
        acme: AccountUnderTest, simulated: Simulated, browser: httpx.AsyncClient, client: httpx.AsyncClient,
        sync: Sync, services: Services, caplog: pytest.LogCaptureFixture) -> None:
    install_secret_redaction()
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # even if an operator turns them up
    caplog.set_level(logging.DEBUG)
    simulated.feed.set_rows(["email", "first name"], [["ann@example.com", "Ann"]])

    feed = await connect(acme.api, "csv_feed", {"url": f"{FEED}?token={FEED_SECRET}"})
    assert feed["userErrors"] == [], feed
    for service_id in BY_FORM:
        await connect_with_form(acme.api, service_id)
    for service_id in BY_CONSENT:
        await connect_through_consent(acme.api, browser, client, service_id)
    await _create_imports(acme)
    await sync.due()
    later = datetime.now(timezone.utc)
    for status in (401, 500, 429):
        _fail_everything(simulated, status)
        later += timedelta(hours=1)
        await sync.due(later)

    connections = await Connection.filter(account_id=acme.account.id)
    # A form's secret may have been replaced by the consent's tokens on the same external account.
    typed = {value for form in FORM_SETTINGS.values() for key, value in form.items()
             if any(word in key for word in SECRET_KEYS)}
    secrets = set().union(*(_secrets_of(c, services.cipher) for c in connections)) | typed | {FEED_SECRET, acme.token}
    text = "\n".join(f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert len(connections) == 7 and len(secrets) >= 12, (len(connections), len(secrets))
    assert "services.test" in text  # the requests were logged...
    assert sorted(secret for secret in secrets if secret in text) == []  # ...without a secret
