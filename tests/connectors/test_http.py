"""The shared HTTP layer's own rules, where no connector shows them."""

from __future__ import annotations

import httpx
import pytest

from app.connectors.base import SourceContext
from app.connectors.http import format_size, request_with_retries


@pytest.mark.parametrize(("size", "shown"), [(100, "100 bytes"), (1024, "1 KB"), (512 * 1024, "512 KB"),
                                             (1024 * 1024, "1 MB"), (5_000_000, "4.8 MB")])
def test_sizes_are_shown_in_the_largest_whole_unit(size: int, shown: str) -> None:
    assert format_size(size) == shown


def answering(response: httpx.Response) -> SourceContext:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: response),
                               follow_redirects=True)
    return SourceContext(http=client, production=True, max_bytes=1000, retries=0)


async def test_a_304_declaring_the_full_length_is_not_truncated() -> None:
    context = answering(httpx.Response(304, headers={"Content-Length": "500"}))
    async with context.http:
        assert (await request_with_retries(context, "GET", "http://feed.test/x")).status_code == 304


async def test_redirects_are_not_followed_even_by_a_following_client() -> None:
    context = answering(httpx.Response(302, headers={"Location": "http://127.0.0.1/"}))
    async with context.http:
        assert (await request_with_retries(context, "GET", "http://feed.test/x")).status_code == 302
