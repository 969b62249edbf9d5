"""No log line, at any level, of the API or the worker holds a credential or a secret URL part."""

from __future__ import annotations

import logging

import pytest

from app.config import Settings
from app.logging_setup import REDACTED, install_secret_redaction, redact_secrets
from tests.conftest import CONNECT, HEADER, AccountUnderTest, Sync, create_feed_import, rows
from tests.simulators.csv_feed import CsvFeedSimulator
from tests.sync.helpers import make_due

SECRETS = ("FEEDPASS-s3cret", "TOKEN-s3cret", "SIG-s3cret", "APIKEY-s3cret", "FEEDUSER-s3cret")
SECRET_URL = ("http://FEEDUSER-s3cret:FEEDPASS-s3cret@feed.test/feed.csv"
              "?token=TOKEN-s3cret&sig=SIG-s3cret&api_key=APIKEY-s3cret&gid=0")


def _logged_text(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


@pytest.fixture
def debug_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """What the API and the worker install at start-up, then every logger at DEBUG."""
    install_secret_redaction()
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # even if an operator turns them up
    caplog.set_level(logging.DEBUG)
    return caplog


async def test_a_feed_url_with_credentials_never_reaches_a_log_line(
    acme: AccountUnderTest, feed: CsvFeedSimulator, sync: Sync, debug_everything: pytest.LogCaptureFixture
) -> None:
    feed.set_rows(HEADER, rows(3))
    connected = (await acme.api(CONNECT, settings={"url": SECRET_URL}))["connectService"]
    assert connected["userErrors"] == [], connected
    import_id = await create_feed_import(acme.api, connected["connection"]["id"])
    await sync.due()
    for status in (500, 404, 401, 429):
        feed.fail_next(status, times=5, headers={"Retry-After": "1"})
        await make_due(import_id)
        await sync.due()
    feed.fail_next(404, times=5)
    await acme.api(CONNECT, settings={"url": SECRET_URL})

    text = _logged_text(debug_everything)
    assert "feed.test" in text  # the requests were logged...
    assert [secret for secret in SECRETS if secret in text] == []  # ...without a secret


@pytest.mark.parametrize(
    "line, secret",
    [
        ('HTTP Request: GET https://u:pw-1@h.test/a.csv?x=1&token=t-1 "HTTP/1.1 200 OK"', ("pw-1", "t-1")),
        ("GET https://h.test/export?format=csv&sig=s-1&api_key=k-1", ("s-1", "k-1")),
        ("GET https://h.test/feed?apikey=k-2&access_token=a-2&code=c-2&state=st-2", ("k-2", "a-2", "c-2", "st-2")),
        ("headers={'Authorization': 'Bearer b-1', 'X-Shopify-Access-Token': 'shpat_x1'}", ("b-1", "shpat_x1")),
        ("{'x-api-token': 'pd-1', 'Accept': 'application/json'}", ("pd-1",)),
        ('token response {"access_token": "ya29.a-3", "refresh_token":"1//r-3", "expires_in": 3599}', ("a-3", "r-3")),
        ("client_secret=cs-4&code=c-4&redirect_uri=x", ("cs-4", "c-4")),
        ("refused: Authorization: Basic dXNlcjpwYXNz", ("dXNlcjpwYXNz",)),
        ("calling with bearer eyJhbGciOi.J9.x-5", ("eyJhbGciOi",)),
    ],
    ids=["httpx-line", "sig-and-key", "oauth-params", "header-dict", "pipedrive-header", "token-json", "form",
         "basic", "bare-bearer"],
)
def test_every_secret_shape_is_redacted(line: str, secret: tuple[str, ...]) -> None:
    redacted = redact_secrets(line)

    assert REDACTED in redacted
    assert [s for s in secret if s in redacted] == []


def test_ordinary_lines_are_left_alone() -> None:
    line = "Synced external account 5: SyncSummary(external_account_id=5, leased=True, records=500) HTTP 404"
    assert redact_secrets(line) == line


def test_a_secret_in_arguments_and_in_an_exception_is_redacted(debug_everything: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("app.test")
    try:
        raise RuntimeError("Client error for url 'https://h.test/f.csv?token=exc-secret'")
    except RuntimeError:
        log.exception("Fetching %s failed", "https://user:arg-secret@h.test/f.csv")

    text = _logged_text(debug_everything)
    assert "RuntimeError" in text and "exc-secret" not in text and "arg-secret" not in text


def test_the_api_and_the_worker_install_the_redaction(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    import workers
    from app.web import create_app

    factory = logging.getLogRecordFactory()
    monkeypatch.setattr(logging, "_logRecordFactory", logging.LogRecord)
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    create_app(settings=settings)
    assert getattr(logging.getLogRecordFactory(), "redacts_secrets", False)
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING

    monkeypatch.setattr(logging, "_logRecordFactory", logging.LogRecord)
    workers.configure_logging()
    assert getattr(logging.getLogRecordFactory(), "redacts_secrets", False)
    logging.setLogRecordFactory(factory)
