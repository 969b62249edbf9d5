"""An API process for the concurrency tests: uvicorn serving `app.asgi:app`, as `make run` starts it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from tests.processes import ApiProcess, serving_api


@pytest.fixture
def api_process(settings: Settings, repo_root: Path, tmp_path: Path) -> Iterator[ApiProcess]:
    """uvicorn on a socket bound here; its stdout and stderr go to `log`."""
    with serving_api(settings, repo_root, tmp_path / "api.log") as process:
        yield process
