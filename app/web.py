"""The HTTP app on Starlette: GraphQL (subscriptions over WebSocket too), `/health`, the OAuth
callback, and the import page with GraphiQL (`app.webapp`, built from `web/`)."""

from __future__ import annotations

import contextlib
import gc
import hmac
import html
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypedDict, cast
from urllib.parse import urlencode

from arq import ArqRedis, create_pool
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from tortoise import connections

from app import db, metrics
from app.accounts.models import Account
from app.accounts.token_cache import AccountsByToken
from app.config import Settings
from app.connections import oauth_flow
from app.connections.choices import ChoiceCache
from app.connectors.base import SourceContext
from app.connectors.registry import CONNECTORS
from app.connectors.source_context import new_http_client, source_context
from app.errors import DomainError, SourceError
from app.graphql.context import Context
from app.graphql.schema import production_schema, schema
from app.graphql.websocket import ContextFactory, TokenInConnectionInit
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
    """What the app shares between requests, complete when built: by the lifespan from the
    settings (then handed to every request as Starlette lifespan state), or by a test. `queue`,
    `redis` and `progress` are None only where a test runs the API without Redis."""

    settings: Settings
    cipher: SettingsCipher
    source: SourceContext
    queue: SyncQueue | None
    redis: ArqRedis | None = None
    choices: ChoiceCache = field(default_factory=ChoiceCache)
    progress: ProgressHub | None = None

    async def context_for(self, account: Account, response: Response | None = None) -> Context:
        return Context(account=account, settings=self.settings, cipher=self.cipher, source=self.source,
                       queue=self.queue, choices=self.choices, progress=self.progress, response=response)


class AppState(TypedDict):
    """What the lifespan yields: Starlette copies it into every request's `state`."""

    services: Services


def services_of(connection: HTTPConnection) -> Services:
    services: Services = connection.state.services
    return services


class AutoImportGraphQL(GraphQL[Context | ContextFactory | None, None]):
    graphql_transport_ws_handler_class = TokenInConnectionInit

    def __init__(self, settings: Settings) -> None:
        production = settings.is_production
        super().__init__(
            production_schema if production else schema,
            graphql_ide=None,  # GraphiQL is built into the page (`/graphiql`), not loaded from a CDN
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),  # its connection_init carries the token
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context | ContextFactory | None:
        """No context for a GET: it only serves GraphiQL and never runs an operation (operations
        over GET are refused), and `RequireToken` authenticates only the requests that can. A
        WebSocket starts with the services, from which `TokenInConnectionInit` builds its context
        once `connection_init` names the account."""
        if isinstance(request, WebSocket):
            return services_of(request)
        account = getattr(request.state, "account", None)
        if account is None:
            return None
        return await services_of(request).context_for(account, response if isinstance(response, Response) else None)


class RequireToken:
    """Every GraphQL operation needs `Authorization: Bearer <token>`; without one: HTTP 401.
    A browser's `GET /graphql` in development is sent to GraphiQL at `/graphiql`."""

    def __init__(self, app: ASGIApp, *, graphiql: bool, accounts: AccountsByToken) -> None:
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


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text format (`app.metrics`). Open in development; in production it needs
    `Authorization: Bearer $AUTOIMPORT_METRICS_TOKEN`, and is a 404 when that is unset."""
    services = services_of(request)
    settings = services.settings
    expected = settings.metrics_token.get_secret_value()
    if settings.is_production:
        if not expected:
            return PlainTextResponse("Not Found", status_code=404)
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            return PlainTextResponse("A metrics token is required.", status_code=401,
                                     headers={"WWW-Authenticate": "Bearer"})
    body = await metrics.exposition(services.redis, datetime.now(timezone.utc))
    return Response(body, media_type=CONTENT_TYPE_LATEST)


async def health(request: Request) -> JSONResponse:
    services = services_of(request)
    checks = {"database": await _database_ok(), "redis": await _redis_ok(services)}
    return JSONResponse({"status": "ok" if all(checks.values()) else "degraded", **checks},
                        status_code=200)


async def _database_ok() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
        return True
    except Exception:
        return False


async def _redis_ok(services: Services) -> bool:
    if services.redis is None:
        return False
    try:
        return bool(await services.redis.ping())
    except Exception:
        return False


async def oauth_callback(request: Request) -> Response:
    """Where a service sends the user's browser back after consent (no API token: the state
    names the account). When the import page is built, the browser goes back to it
    (`/import?service=<id>&connected=<connection id>`, or `&connectError=<message>`), where the
    wizard that started the consent reopens with the new connection chosen; otherwise a small page
    says what happened. Neither ever shows a token or the code."""
    services = services_of(request)
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
                                                             services.cipher, services.source,
                                                             cookies=dict(request.cookies), queue=services.queue)
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


class GivenServices:
    """Hands a test's `Services` to every request: under `httpx.ASGITransport` no lifespan runs,
    so there is no lifespan state to copy."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope["state"] = {**scope.get("state", {}), "services": self.services}
        await self.app(scope, receive, send)


@contextlib.contextmanager
def startup_objects_frozen() -> Iterator[None]:
    """While the app serves, the objects its startup made (modules, both GraphQL schemas, the
    ORM's models, the connections) sit in the collector's permanent generation: a full collection
    walked all of them each time, though none is ever garbage. Under load that was a fifth to a
    third of the process's time (a request allocates enough to start collections every few
    milliseconds). Objects made later are collected as usual; they are thawed at shutdown."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[Services]:
    """The database, an HTTP client, Redis and the progress listener, open while the app runs."""
    await db.connect(settings.resolved_database_url)
    try:
        async with new_http_client(settings) as http:
            pool = await create_pool(redis_settings(settings))
            progress = ProgressHub(pool)  # the process's one subscription to the workers' progress
            await progress.start()
            try:
                yield Services(settings=settings, cipher=SettingsCipher(settings.resolved_secret_key()),
                               source=source_context(settings, http), queue=ArqSyncQueue(pool), redis=pool,
                               progress=progress)
            finally:
                await progress.stop()
                await pool.aclose()
    finally:
        await db.disconnect()


def create_app(services: Services | None = None, settings: Settings | None = None) -> Starlette:
    """The app. Given `services` (tests), it uses them and opens nothing; otherwise its lifespan
    opens the database, Redis and an HTTP client from `settings` and yields them as the lifespan
    state every request reads (`services_of`)."""
    install_secret_redaction()
    if services is None and settings is None:
        raise ValueError("create_app needs the settings to start from, or the services a test built.")
    app_settings = services.settings if services is not None else cast(Settings, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[AppState]:
        if services is not None:
            with startup_objects_frozen():
                yield {"services": services}
            return
        async with _running(app_settings) as running:
            with startup_objects_frozen():
                yield {"services": running}

    development = not app_settings.is_production
    graphql = RequireToken(RequestBodyLimits(AutoImportGraphQL(app_settings), app_settings.max_request_bytes),
                           graphiql=development, accounts=AccountsByToken(app_settings.token_cache_seconds))
    return Starlette(
        routes=[Route("/graphql", graphql, methods=["GET", "POST"]),
                WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
                Route("/health", health),
                Route("/metrics", metrics_endpoint, methods=["GET"]),
                Route("/oauth/{service}/callback", oauth_callback, methods=["GET"]),
                *web_routes(app_settings.web_dist, graphiql=development)],
        middleware=[Middleware(GivenServices, services=services)] if services is not None else [],
        lifespan=lifespan,
    )
