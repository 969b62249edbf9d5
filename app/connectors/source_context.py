"""The HTTP client and `SourceContext` a process gives its connectors, built from the settings.

Both the API (`app.web`) and the workers (`workers`) build them here, so a worker imports neither
Starlette nor Strawberry.
"""

from __future__ import annotations

import httpx

from app.config import Settings
from app.connectors.base import OAuthClient, SourceContext


def source_context(settings: Settings, http: httpx.AsyncClient) -> SourceContext:
    return SourceContext(
        http=http, production=settings.is_production, max_bytes=settings.csv_max_bytes, retries=settings.http_retries,
        deadline=settings.source_request_deadline,
        endpoints=dict(settings.endpoints), public_url=settings.resolved_public_url,
        oauth_clients={service: OAuthClient(*pair) for service, pair in settings.oauth_clients().items()},
    )


def new_http_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=settings.http_timeout, follow_redirects=False,
                             headers={"User-Agent": "autoimport/0.1"})
