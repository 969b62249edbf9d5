"""The import page and GraphiQL, built from `web/` (`npm run build` writes `web/dist`), served by
the app itself so that both work offline and on a LAN.

- `/assets/*`: content-hashed files, cached for a year (`immutable`); a missing one is a 404.
- `/graphiql`: GraphiQL, development only (a 404 in production, like GraphiQL on `/graphql`).
- any other GET path without a file extension: `index.html`, so client routes survive a reload;
  never for the API's own paths (`/graphql`, `/health`, `/oauth/`, `/metrics`), which keep their
  own answers or a 404.
- `index.html` and `graphiql.html`: `no-store`, and a Content-Security-Policy allowing only this
  origin. Mantine writes `<style>` elements: each page load gets a nonce for them (in a
  `csp-nonce` meta tag the page hands to Mantine); `style` attributes need 'unsafe-inline'.
- without `web/dist`: a plain page saying how to build it; the API works all the same.
"""

from __future__ import annotations

import html
import os
import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# Paths the page never answers for: the API's own, and where a typo must not look like a page.
RESERVED_PREFIXES = ("/graphql", "/health", "/oauth/", "/metrics", "/assets/")
IMMUTABLE = "public, max-age=31536000, immutable"
HEAD_OPENING_TAG = "<head>"

_COMMON_POLICY = ("default-src 'self'; script-src 'self'; img-src 'self' data:; font-src 'self' data:; "
                  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# GraphiQL's editor (Monaco) writes style elements of its own without a nonce and runs its
# language services in workers.
GRAPHIQL_POLICY = f"{_COMMON_POLICY}; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:"

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>autoimport: the page is not built</title>
</head><body><main><h1>The import page is not built yet</h1>
<p>The API works: <code>POST /graphql</code> with <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<p>To build the page, install Node.js 20 or newer (<a href="https://nodejs.org/">nodejs.org</a>, or your
system's package manager) and run <code>make run</code>, or by hand:
<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>.
Then reload this page.</p><p>Looked for: <code>{dist}</code></p></main></body></html>"""


def app_policy(nonce: str) -> str:
    """The import page's CSP: this origin only; Mantine's style elements by this load's nonce."""
    return f"{_COMMON_POLICY}; style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'"


def is_built(dist: Path) -> bool:
    return (dist / "index.html").is_file()


def is_client_route(path: str) -> bool:
    """A path the page's router handles: not the API's, and not a file (those have an extension)."""
    if any(path == prefix.rstrip("/") or path.startswith(prefix) for prefix in RESERVED_PREFIXES):
        return False
    return "." not in path.rsplit("/", 1)[-1]


class HashedAssets(StaticFiles):
    """Vite's `assets/` folder: every name carries a content hash, so a file never changes."""

    def file_response(self, full_path: os.PathLike[str] | str, stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _document(path: Path, policy: str, nonce: str | None = None) -> HTMLResponse:
    body = path.read_text(encoding="utf-8")
    if nonce is not None:
        body = body.replace(HEAD_OPENING_TAG, f'<head><meta name="csp-nonce" content="{nonce}">', 1)
    return HTMLResponse(body, headers={"Cache-Control": "no-store", "Content-Security-Policy": policy,
                                       "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                                       "X-Frame-Options": "DENY"})


def _not_built(dist: Path) -> HTMLResponse:
    return HTMLResponse(NOT_BUILT.replace("{dist}", html.escape(str(dist))), status_code=503,
                        headers={"Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'"})


def web_routes(dist: Path, *, graphiql: bool) -> list[BaseRoute]:
    """Routes of the page, to go after the API's own: assets, GraphiQL (when `graphiql`), and the
    client-route fallback. Whether the page is built is checked per request, so building it while
    the app runs needs no restart."""

    async def page(request: Request) -> Response:
        if not is_client_route(request.url.path):
            return PlainTextResponse("Not Found", status_code=404)
        if not is_built(dist):
            return _not_built(dist)
        nonce = secrets.token_urlsafe(18)
        return _document(dist / "index.html", app_policy(nonce), nonce)

    async def graphiql_page(request: Request) -> Response:
        if not graphiql:
            return PlainTextResponse("Not Found", status_code=404)
        if not (dist / "graphiql.html").is_file():
            return _not_built(dist)
        return _document(dist / "graphiql.html", GRAPHIQL_POLICY)

    return [
        Mount("/assets", app=HashedAssets(directory=dist / "assets", check_dir=False), name="assets"),
        Route("/graphiql", graphiql_page, methods=["GET", "HEAD"]),
        Route("/{path:path}", page, methods=["GET", "HEAD"]),
    ]


def graphiql_redirect() -> RedirectResponse:
    """`GET /graphql` in a browser, in development: GraphiQL lives at `/graphiql`."""
    return RedirectResponse("/graphiql", status_code=307)
