"""Where `make official-specs` (a part of `make test`) puts the services' material that the npm
registry serves (see the Makefile): Shopify's Admin GraphQL schemas, Pipedrive's generated client
declarations. Without them a test is skipped here, and fails in CI, saying what to run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

OFFICIAL = Path(__file__).resolve().parents[3] / ".venv" / "official"


def official(relative: str) -> Path:
    path = OFFICIAL / relative
    if not path.exists():
        message = f"{path} is missing: run `make official-specs` (it fetches the services' published material)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
