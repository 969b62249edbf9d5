"""The CSV feed connector's safety: size caps, transport failures, connect and address checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.csv_feed import CsvFeedConnector
from app.errors import Invalid, NeedsReauth, RateLimited, SourceRejected, SourceUnavailable
from tests.connectors.csv_feed_support import FEED_URL, SwitchableResolver, fetch, make_context
from tests.simulators.csv_feed import CsvFeedSimulator, serve_in_thread

# --- size caps -------------------------------------------------------------------------------

@pytest.mark.parametrize(("max_bytes", "shown"), [(1024, "1 KB"), (512 * 1024, "512 KB"),
                                               (3 * 1024 * 1024 // 2, "1.5 MB")])
async def test_a_file_over_the_size_cap_is_rejected_naming_the_cap(
        sim: CsvFeedSimulator, client: httpx.AsyncClient, max_bytes: int, shown: str) -> None:
    row = "a@example.com\n"
    sim.set_text("email\n" + row * (max_bytes // len(row) + 1))
    with pytest.raises(SourceRejected) as raised:
        await fetch(make_context(client, max_bytes=max_bytes))
    assert str(raised.value) == f"The source is larger than the {shown} this service reads."


# --- transport failures ----------------------------------------------------------------------

async def test_a_503_is_retried(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [["a@example.com"]])
    sim.fail_next(503)
    assert len((await fetch(context)).records) == 1
    assert len(sim.requests) == 2


async def test_a_persistent_503_becomes_source_unavailable(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.fail_next(503, times=3)
    with pytest.raises(SourceUnavailable):
        await fetch(context)
    assert len(sim.requests) == 3


async def test_a_401_needs_reauthorisation(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.fail_next(401)
    with pytest.raises(NeedsReauth):
        await fetch(context)


async def test_a_429_with_retry_after_is_a_rate_limit(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.fail_next(429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimited) as raised:
        await fetch(context)
    assert raised.value.retry_after == 120
    assert len(sim.requests) == 1


async def test_a_truncated_body_is_retried(sim: CsvFeedSimulator, context: SourceContext) -> None:
    # The in-process transport does not check Content-Length; the HTTP layer does.
    sim.set_rows(["email"], [[f"user{i}@example.com"] for i in range(50)])
    sim.truncate_next()
    assert len((await fetch(context)).records) == 50
    assert len(sim.requests) == 2


async def test_a_body_truncated_on_every_try_becomes_source_unavailable(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [[f"user{i}@example.com"] for i in range(50)])
    sim.truncate_next(times=3)
    with pytest.raises(SourceUnavailable, match="RemoteProtocolError"):
        await fetch(context)
    assert len(sim.requests) == 3


async def test_redirects_are_followed(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [["a@example.com"]])
    sim.fail_next(307, headers={"Location": "/feed.csv?fresh=1"})
    assert len((await fetch(context)).records) == 1
    assert [path for _, path, _ in sim.requests] == ["/feed.csv", "/feed.csv"]


# --- over a real socket ----------------------------------------------------------------------

async def test_over_a_socket_a_truncated_body_is_retried_then_unavailable(sim: CsvFeedSimulator) -> None:
    sim.set_rows(["email"], [[f"user{i}@example.com"] for i in range(50)])
    with serve_in_thread(sim) as base_url:
        async with httpx.AsyncClient() as client:
            context = make_context(client)
            sim.truncate_next()
            assert len((await fetch(context, url=f"{base_url}/feed.csv")).records) == 50
            sim.truncate_next(times=3)
            with pytest.raises(SourceUnavailable):
                await fetch(context, url=f"{base_url}/feed.csv")
    assert len(sim.requests) == 5


# --- connect and production safety -----------------------------------------------------------

async def test_connect_reads_the_file_and_names_the_account(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [["a@example.com"]])
    url = "http://user:secret@feed.test/feed.csv?token=abc"
    account = await CsvFeedConnector().connect({"url": f" {url} "}, context)
    assert account.external_account == "feed.test/feed.csv"


async def test_tabs_of_one_sheet_are_distinct_feeds_but_secrets_stay_out_of_the_name(
        sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["email"], [["a@example.com"]])
    url = "http://feed.test/feed.csv?format=csv&gid=2&access_token=abc&sig=xyz"
    account = await CsvFeedConnector().connect({"url": url}, context)
    assert account.external_account == "feed.test/feed.csv?format=csv&gid=2"
    assert account.settings == {"url": url}
    assert len(sim.requests) == 1


@pytest.mark.parametrize("settings", [{}, {"url": 5}, {"url": " "}, {"url": "ftp://feed.test/x.csv"},
                                      {"url": "http:///feed.csv"}, {"url": "http://feed.test:99999/x"}])
async def test_connect_refuses_malformed_urls(context: SourceContext, settings: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as raised:
        await CsvFeedConnector().connect(settings, context)
    assert raised.value.field == ["settings", "url"]


async def test_connect_refuses_an_unusable_file_with_the_reason(sim: CsvFeedSimulator, context: SourceContext) -> None:
    sim.set_rows(["Name"], [["Ann"]])
    with pytest.raises(Invalid, match="no email column") as raised:
        await CsvFeedConnector().connect({"url": FEED_URL}, context)
    assert raised.value.field == ["settings", "url"]


@pytest.mark.parametrize("url", ["http://127.0.0.1/feed.csv", "http://localhost/", "http://10.0.0.1/x.csv",
                                 "http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]/x",
                                 "http://100.64.0.1/x", "http://224.0.0.1/x", "http://[::]/x"])
async def test_production_refuses_internal_addresses(client: httpx.AsyncClient, sim: CsvFeedSimulator,
                                                     url: str) -> None:
    with pytest.raises(Invalid, match="private or local address") as raised:
        await CsvFeedConnector().connect({"url": url}, make_context(client, production=True))
    assert raised.value.field == ["settings", "url"]
    assert sim.requests == []


async def test_production_checks_the_address_again_before_every_fetch(
        sim: CsvFeedSimulator, client: httpx.AsyncClient) -> None:
    resolver, context = SwitchableResolver(), make_context(client, production=True)
    connector = CsvFeedConnector(resolver=resolver)
    sim.set_rows(["email"], [["a@example.com"]])
    await connector.connect({"url": FEED_URL}, context)
    resolver.address = "192.168.1.10"
    with pytest.raises(SourceRejected, match="private or local address"):
        await fetch(context, connector=connector)
    assert len(sim.requests) == 1


async def test_production_checks_every_redirect_hop(sim: CsvFeedSimulator, client: httpx.AsyncClient) -> None:
    sim.fail_next(302, headers={"Location": "http://127.0.0.1:6379/"})
    connector = CsvFeedConnector(resolver=SwitchableResolver())
    with pytest.raises(SourceRejected, match="private or local address"):
        await fetch(make_context(client, production=True), connector=connector)
    assert len(sim.requests) == 1


async def test_a_client_that_follows_redirects_cannot_skip_the_address_check(sim: CsvFeedSimulator) -> None:
    sim.fail_next(302, headers={"Location": "http://127.0.0.1:6379/feed.csv"})
    transport = httpx.ASGITransport(app=sim)
    async with httpx.AsyncClient(transport=transport, follow_redirects=True) as client:
        with pytest.raises(SourceRejected, match="private or local address"):
            await fetch(make_context(client, production=True),
                        connector=CsvFeedConnector(resolver=SwitchableResolver()))
    assert len(sim.requests) == 1


async def test_local_files_are_read_in_development_only(tmp_path: Path, context: SourceContext,
                                                        client: httpx.AsyncClient) -> None:
    feed = tmp_path / "contacts.csv"
    feed.write_text("email,first name\na@example.com,Ann\n")
    account = await CsvFeedConnector().connect({"url": feed.as_uri()}, context)
    assert account.external_account == f"file:{feed}"
    first = await fetch(context, url=feed.as_uri())
    assert [r.first_name for r in first.records] == ["Ann"]
    assert (await fetch(context, url=feed.as_uri(), cursor=first.cursor)).records == []  # unchanged
    with pytest.raises(Invalid, match="only read in development"):
        await CsvFeedConnector().connect({"url": feed.as_uri()}, make_context(client, production=True))


@pytest.mark.parametrize("name", ["missing.csv", "."])
async def test_a_local_path_that_is_not_a_file_is_refused(tmp_path: Path, context: SourceContext, name: str) -> None:
    with pytest.raises(Invalid):
        await CsvFeedConnector().connect({"url": (tmp_path / name).as_uri()}, context)


async def test_a_local_file_over_the_size_cap_is_rejected(tmp_path: Path, client: httpx.AsyncClient) -> None:
    feed = tmp_path / "big.csv"
    feed.write_text("email\n" + "".join(f"user{i}@example.com\n" for i in range(100)))
    with pytest.raises(SourceRejected, match="larger than the 1 KB "):
        await fetch(make_context(client, max_bytes=1024), url=feed.as_uri())
