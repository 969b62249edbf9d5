"""The app's lifespan: what it sets up for the requests it serves, and takes down after."""

from __future__ import annotations

import gc

from app.web import Services, create_app


async def test_startup_objects_are_frozen_while_serving(services: Services) -> None:
    app = create_app(services=services)
    before = gc.get_freeze_count()
    async with app.router.lifespan_context(app) as state:
        assert state is not None and state["services"] is services
        # Everything alive at startup, the schemas among them, is out of the collector's way.
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0  # thawed at shutdown: nothing stays out of collection
