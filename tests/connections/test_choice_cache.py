"""The in-process cache of criterion choices: per key, expiring, bounded, forgetting a connection."""

from __future__ import annotations

from app.connections.choices import ChoiceCache
from app.connectors.base import Choice

VIP = [Choice("VIP", "VIP")]


def test_an_entry_lives_for_the_ttl_only() -> None:
    now = [0.0]
    cache = ChoiceCache(ttl=60, clock=lambda: now[0])
    cache.put((1, 7, 0.0, "tag"), VIP)

    now[0] = 59.9
    assert cache.get((1, 7, 0.0, "tag")) == VIP
    now[0] = 60.0
    assert cache.get((1, 7, 0.0, "tag")) is None


def test_keys_keep_accounts_connections_and_criteria_apart() -> None:
    cache = ChoiceCache()
    cache.put((1, 7, 0.0, "tag"), VIP)

    for other in ((2, 7, 0.0, "tag"), (1, 8, 0.0, "tag"), (1, 7, 5.0, "tag"), (1, 7, 0.0, "label")):
        assert cache.get(other) is None


def test_the_oldest_entries_go_beyond_the_bound() -> None:
    cache = ChoiceCache(max_entries=3)
    for connection in range(5):
        cache.put((1, connection, 0.0, "tag"), VIP)

    assert [cache.get((1, c, 0.0, "tag")) is not None for c in range(5)] == [False, False, True, True, True]


def test_a_deleted_connection_is_forgotten() -> None:
    cache = ChoiceCache()
    cache.put((1, 7, 0.0, "tag"), VIP)
    cache.put((1, 7, 0.0, "label"), VIP)
    cache.put((1, 8, 0.0, "tag"), VIP)

    cache.forget_connection(7)

    assert cache.get((1, 7, 0.0, "tag")) is None and cache.get((1, 7, 0.0, "label")) is None
    assert cache.get((1, 8, 0.0, "tag")) == VIP


def test_a_caller_cannot_change_what_is_cached() -> None:
    cache = ChoiceCache()
    cache.put((1, 7, 0.0, "tag"), VIP)
    cache.get((1, 7, 0.0, "tag")).append(Choice("x", "x"))  # type: ignore[union-attr]

    assert cache.get((1, 7, 0.0, "tag")) == VIP
