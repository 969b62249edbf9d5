"""Fixtures of the hostile-input tests: the API's production-mode client as well."""

from tests.api.conftest import production_client  # noqa: F401 - a fixture, used by name
