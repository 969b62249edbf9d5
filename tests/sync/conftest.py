"""Fixtures of the sync-engine tests (the shared ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from app.connectors import http as http_module


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Transient failures are retried at once: the tests count syncs, not seconds."""
    monkeypatch.setattr(http_module, "backoff_delay", lambda attempt: 0.0)
