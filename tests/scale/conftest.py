"""The scale-out tests use the workers' real-Redis fixture."""

from tests.workers.conftest import redis_pool  # noqa: F401
