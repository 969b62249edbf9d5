"""The app serves the built import page and GraphiQL: client routes fall back to index.html,
hashed assets are immutable, documents are never cached and carry a same-origin CSP, the API's
own paths are never shadowed, and without a build a plain page says how to make one."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Environment, Settings
from app.web import Services, create_app
from tests.conftest import AccountUnderTest

pytestmark = pytest.mark.usefixtures("db_ready")

INDEX = '<!doctype html><html lang="en"><head><title>autoimport</title>' \
        '<script type="module" src="/assets/main-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>'
GRAPHIQL = '<!doctype html><html><head><title>GraphiQL</title></head><body><div id="graphiql"></div></body></html>'
ME = {"query": "query { me { name } }"}


def build_page(dist: Path) -> Path:
    """What `npm run build` leaves in web/dist, in miniature."""
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "graphiql.html").write_text(GRAPHIQL)
    (dist / "assets" / "main-Ab12Cd34.js").write_text("console.log('page')")
    return dist


async def app_client(services: Services, settings: Settings) -> httpx.AsyncClient:
    app = create_app(services=Services(settings=settings, cipher=services.cipher, source=services.source,
                                       queue=services.queue))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test")


@pytest.fixture
async def built(services: Services, settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with await app_client(services, settings.model_copy(update={"web_dist": build_page(tmp_path / "dist")})) as c:
        yield c


@pytest.fixture
async def built_production(services: Services, settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    update = {"web_dist": build_page(tmp_path / "dist"), "env": Environment.PRODUCTION}
    async with await app_client(services, settings.model_copy(update=update)) as c:
        yield c


@pytest.mark.parametrize("path", ["/", "/import", "/imports/12", "/contacts", "/connections/", "/fields?x=1"])
async def test_client_routes_get_the_page_never_cached(built: httpx.AsyncClient, path: str) -> None:
    response = await built.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_the_page_allows_only_its_own_origin_and_styles_by_nonce(built: httpx.AsyncClient) -> None:
    first, second = await built.get("/"), await built.get("/")

    policy = first.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "http" not in policy and "*" not in policy  # no other origin, no wildcard
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None and f'<meta name="csp-nonce" content="{nonce.group(1)}">' in first.text
    assert "style-src-attr 'unsafe-inline'" in policy and "script-src 'self' 'unsafe" not in policy
    assert first.headers["content-security-policy"] != second.headers["content-security-policy"]


async def test_hashed_assets_are_cached_for_a_year(built: httpx.AsyncClient) -> None:
    response = await built.get("/assets/main-Ab12Cd34.js")

    assert response.status_code == 200 and response.text == "console.log('page')"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (await built.get("/assets/main-Missing.js")).status_code == 404


@pytest.mark.parametrize("path", ["/favicon.ico", "/metrics/x", "/health/x", "/graphql/x", "/oauth/", "/assets"])
async def test_files_and_the_apis_paths_are_never_answered_with_the_page(built: httpx.AsyncClient, path: str) -> None:
    response = await built.get(path)

    assert response.status_code == 404
    assert '<div id="root">' not in response.text


async def test_the_api_still_answers_beside_the_page(built: httpx.AsyncClient, acme: AccountUnderTest) -> None:
    response = await built.post("/graphql", json=ME, headers={"Authorization": f"Bearer {acme.token}"})
    assert response.json() == {"data": {"me": {"name": "Acme"}}}
    assert (await built.post("/graphql", json=ME)).status_code == 401
    assert (await built.get("/health")).json()["database"] is True
    unknown = await built.get("/oauth/nothing/callback?code=a&state=b")
    assert unknown.status_code == 404 and "no such service" in unknown.text


async def test_graphiql_is_served_by_the_app_in_development(built: httpx.AsyncClient) -> None:
    opened = await built.get("/graphql", headers={"Accept": "text/html"})
    assert opened.status_code == 307 and opened.headers["location"] == "/graphiql"

    response = await built.get("/graphiql")

    assert response.status_code == 200 and '<div id="graphiql">' in response.text
    assert response.headers["cache-control"] == "no-store"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "http" not in policy


async def test_production_serves_the_page_but_no_graphiql(built_production: httpx.AsyncClient) -> None:
    assert (await built_production.get("/import")).status_code == 200
    assert (await built_production.get("/graphiql")).status_code == 404
    opened = await built_production.get("/graphql", headers={"Accept": "text/html"})
    assert opened.status_code == 404 and "graphiql" not in opened.text.lower()


async def test_without_a_build_a_plain_page_says_how_to_build_it(client: httpx.AsyncClient,
                                                                 acme: AccountUnderTest) -> None:
    response = await client.get("/import")

    assert response.status_code == 503
    assert "npm ci" in response.text and "npm run build" in response.text and "Node.js 20" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert (await client.get("/graphiql")).status_code == 503
    api = await client.post("/graphql", json=ME, headers={"Authorization": f"Bearer {acme.token}"})
    assert api.json() == {"data": {"me": {"name": "Acme"}}}
