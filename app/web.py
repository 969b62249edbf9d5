"""The HTTP app on Starlette: GraphQL (subscriptions over WebSocket too), `/health`, the OAuth
callback, and the import page with GraphiQL (`app.webapp`, built from `web/`)."""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from arq import create_pool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from tortoise import connections

from app import db
from app.accounts.models import Account
from app.accounts.token_cache import AccountsByToken
from app.config import Settings
from app.connections import oauth_flow
from app.connections.choices import ChoiceCache
from app.connectors.base import OAuthClient, SourceContext
from app.connectors.registry import CONNECTORS
from app.errors import DomainError, SourceError
from app.graphql.context import Context
from app.graphql.schema import production_schema, schema
from app.graphql.websocket import TokenInConnectionInit
from app.http_limits import RequestBodyLimits
from app.logging_setup import install_secret_redaction
from app.redis import redis_settings
from app.security import SettingsCipher
from app.sync.progress_hub import ProgressHub
from app.sync.schedule import ArqSyncQueue, SyncQueue
from app.webapp import graphiql_redirect, is_built, web_routes

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the app shares between requests; built at start-up (or by a test)."""

    settings: Settings
    cipher: SettingsCipher
    source: SourceContext
    queue: SyncQueue | None
    redis: Any = None
    choices: ChoiceCache = field(default_factory=ChoiceCache)
    progress: ProgressHub | None = None


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


class AutoImportGraphQL(GraphQL):
    graphql_transport_ws_handler_class = TokenInConnectionInit

    def __init__(self, services: Services) -> None:
        production = services.settings.is_production
        super().__init__(
            production_schema if production else schema,
            graphql_ide=None,  # GraphiQL is built into the page (`/graphiql`), not loaded from a CDN
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),  # its connection_init carries the token
        )
        self.services = services

    async def get_context(self, request: Request, response: Response) -> Context | None:  # type: ignore[override]
        """No context for a GET: it only serves GraphiQL and never runs an operation (operations
        over GET are refused), and `RequireToken` authenticates only the requests that can. A
        WebSocket gets its context from `connection_init` (`TokenInConnectionInit`)."""
        if getattr(request.state, "account", None) is None:
            return None
        return await self.context_for(request.state.account)

    async def context_for(self, account: Account) -> Context:
        s = self.services
        return Context(account=account, settings=s.settings, cipher=s.cipher, source=s.source, queue=s.queue,
                       choices=s.choices, progress=s.progress)


class RequireToken:
    """Every GraphQL operation needs `Authorization: Bearer <token>`; without one: HTTP 401.
    A browser's `GET /graphql` in development is sent to GraphiQL at `/graphiql`."""

    def __init__(self, app: AutoImportGraphQL, *, graphiql: bool, accounts: AccountsByToken) -> None:
        self.app = app
        self.graphiql = graphiql
        self.accounts = accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.graphiql and _wants_graphiql(scope):
            await graphiql_redirect()(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] != "GET":
            request = Request(scope)
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            account = await self.accounts.authenticate(token.strip()) if scheme.lower() == "bearer" else None
            if account is None:
                await _unauthenticated()(scope, receive, send)
                return
            scope.setdefault("state", {})["account"] = account
        await self.app(scope, receive, send)


def _wants_graphiql(scope: Scope) -> bool:
    """A browser opening `/graphql` (HTML accepted, no operation in the query string)."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    request = Request(scope)
    return "text/html" in request.headers.get("accept", "") and "query" not in request.query_params


def _unauthenticated() -> JSONResponse:
    body = {"data": None, "errors": [{"message": "A valid API token is required (Authorization: Bearer <token>).",
                                      "extensions": {"code": "UNAUTHENTICATED"}}]}
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


async def health(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    checks = {"database": await _database_ok(), "redis": await _redis_ok(services)}
    return JSONResponse({"status": "ok" if all(checks.values()) else "degraded", **checks},
                        status_code=200)


async def _database_ok() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - health reports, it does not raise
        return False


async def _redis_ok(services: Services) -> bool:
    if services.redis is None:
        return False
    try:
        return bool(await services.redis.ping())
    except Exception:  # noqa: BLE001
        return False


async def oauth_callback(request: Request) -> Response:
    """Where a service sends the user's browser back after consent (no API token: the state
    names the account). When the import page is built, the browser goes back to it
    (`/import?service=<id>&connected=<connection id>`, or `&connectError=<message>`), where the
    wizard that started the consent reopens with the new connection chosen; otherwise a small page
    says what happened. Neither ever shows a token or the code."""
    services: Services = request.app.state.services
    service_id = request.path_params["service"]
    connector = CONNECTORS.get(service_id)
    if connector is None:
        return _callback_page("Unknown service", "There is no such service on this server.", 404)
    built = is_built(services.settings.web_dist)
    service = connector.description.name
    params = request.query_params
    state, error = params.get("state", ""), params.get("error")
    if error:
        await oauth_flow.abandon_authorization(service_id, state)
        reason = ("you did not allow access" if error == "access_denied"
                  else f"{service} reported an error ({error[:60]})")
        if built:
            return _back_to_page(service_id, error=f"{service} was not connected: {reason}.")
        return _callback_page(f"{service} was not connected", f"Nothing was connected: {reason}. "
                              "You can close this window and start again from the app.", 400)
    try:
        connection = await oauth_flow.complete_authorization(service_id, params.get("code", ""), state,
                                                             services.cipher, services.source, queue=services.queue)
    except DomainError as exc:
        if built:
            return _back_to_page(service_id, error=f"{service} was not connected: {exc.message}")
        return _callback_page(f"{service} was not connected", exc.message, 400)
    except SourceError:
        log.warning("Completing the %s authorization failed", service_id, exc_info=True)
        if built:
            return _back_to_page(service_id, error=f"{service} was not connected: it could not be reached to "
                                 "finish connecting. Try again in a moment.")
        return _callback_page(f"{service} was not connected", f"{service} could not be reached to finish "
                              "connecting. Start the connection again from the app in a moment.", 400)
    if built:
        return _back_to_page(service_id, connected=str(connection.id))
    account = connection.external_account.name
    return _callback_page(f"{service} connected",
                          f"Connected {service} account {account}. You can close this window.", 200)


# The callback URL carries the code: no caching, no referrer, no framing, no scripts.
CALLBACK_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
                    "Content-Security-Policy": "default-src 'none'"}


def _back_to_page(service_id: str, *, connected: str | None = None, error: str | None = None) -> RedirectResponse:
    """Back to the Import page, which reopens the wizard of `service_id` from its saved draft."""
    params = {"service": service_id, **({"connected": connected} if connected else {}),
              **({"connectError": error} if error else {})}
    return RedirectResponse(f"/import?{urlencode(params)}", status_code=303, headers=CALLBACK_HEADERS)


def _callback_page(title: str, message: str, status: int) -> HTMLResponse:
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>")
    return HTMLResponse(body, status_code=status, headers=CALLBACK_HEADERS)


def create_app(services: Services | None = None, settings: Settings | None = None) -> Starlette:
    """The app. Given `services` (tests), it uses them and opens nothing; otherwise its lifespan
    connects the database, Redis and an HTTP client from `settings`."""
    install_secret_redaction()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if services is not None:
            yield
            return
        assert settings is not None
        await db.connect(settings.resolved_database_url)
        async with new_http_client(settings) as http:
            pool = await create_pool(redis_settings(settings))
            progress = ProgressHub(pool)  # the process's one subscription to the workers' progress
            await progress.start()
            # The GraphQL view holds this same object: filling it in here is what it sees.
            shared.source, shared.queue, shared.redis = source_context(settings, http), ArqSyncQueue(pool), pool
            shared.progress = progress
            try:
                yield
            finally:
                await progress.stop()
                await pool.aclose()
                await db.disconnect()

    shared = services or Services(settings=settings, cipher=SettingsCipher(settings.resolved_secret_key()),  # type: ignore[union-attr, arg-type]
                                  source=None, queue=None)  # type: ignore[arg-type]
    development = not shared.settings.is_production
    graphql = RequireToken(RequestBodyLimits(AutoImportGraphQL(shared), shared.settings.max_request_bytes),  # type: ignore[arg-type]
                           graphiql=development, accounts=AccountsByToken(shared.settings.token_cache_seconds))
    app = Starlette(
        routes=[Route("/graphql", graphql, methods=["GET", "POST"]),  # type: ignore[arg-type]
                WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
                Route("/health", health),
                Route("/oauth/{service}/callback", oauth_callback, methods=["GET"]),
                *web_routes(shared.settings.web_dist, graphiql=development)],
        lifespan=lifespan,
    )
    app.state.services = shared
    return app
