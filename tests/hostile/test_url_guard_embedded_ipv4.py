"""NAT64 and 6to4 addresses are judged by the IPv4 address they embed (Python rates them global)."""

from __future__ import annotations

import pytest

from app.connectors.url_guard import is_internal_address


@pytest.mark.parametrize(
    "address",
    ["64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "64:ff9b::c0a8:101",
     "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:a00:1::", "2002:c0a8:101:0:0:0:0:1",
     "::ffff:127.0.0.1", "::ffff:169.254.169.254"],
    ids=["nat64-loopback", "nat64-metadata", "nat64-10", "nat64-192.168", "6to4-loopback", "6to4-metadata",
         "6to4-10", "6to4-192.168", "mapped-loopback", "mapped-metadata"],
)
def test_an_embedded_internal_ipv4_address_is_internal(address: str) -> None:
    assert is_internal_address(address)


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "2606:4700::1111", "8.8.8.8"],
                         ids=["nat64-public", "6to4-public", "ipv6-public", "ipv4-public"])
def test_an_embedded_public_ipv4_address_stays_public(address: str) -> None:
    assert not is_internal_address(address)
