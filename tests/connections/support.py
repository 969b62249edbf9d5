"""A tiny OAuth service for the connection-flow tests: an authorization server (the generic
OAuth simulator) plus two API endpoints, and a connector for it, so the flow is tested without
waiting for the real Google or HubSpot connectors."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.connectors.base import (
    AuthKind,
    ConnectedAccount,
    FetchRequest,
    FieldSpec,
    Page,
    ServiceDescription,
    SourceContext,
    SourceRecord,
)
from app.connectors.http import request_with_retries
from app.connectors.oauth import OAuthEndpoints, build_authorize_url, exchange_code, fresh_access_token, oauth_client
from app.errors import Invalid, NeedsReauth
from tests.simulators.oauth import OAuthSimulator

BASE = "http://crm.test"
SERVICE_ID = "example_crm"
OTHER_SERVICE_ID = "other_crm"
ENDPOINTS = OAuthEndpoints(authorize_url=f"{BASE}/authorize", token_url=f"{BASE}/token", scopes=("contacts.read",))


class ExampleCrm:
    """The service: `/authorize`, `/token` (OAuthSimulator), `GET /me`, `GET /contacts?after=N`."""

    def __init__(self) -> None:
        self.auth = OAuthSimulator()
        self.contacts: dict[str, list[dict[str, str]]] = {}  # by account
        self._app = Starlette(routes=[*self.auth.routes(), Route("/me", self._me), Route("/contacts", self._contacts)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    def add_contacts(self, account: str, count: int, start: int = 0) -> None:
        self.contacts.setdefault(account, []).extend(
            {"id": str(n), "email": f"crm{n}@example.com", "name": f"Person {n}"} for n in range(start, start + count))

    async def _me(self, request: Request) -> Response:
        account = self.auth.bearer_account(request)
        if account is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse({"email": account})

    async def _contacts(self, request: Request) -> Response:
        account = self.auth.bearer_account(request)
        if account is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        after = int(request.query_params.get("after", "0"))
        return JSONResponse({"results": self.contacts.get(account, [])[after:after + 100]})


class ExampleCrmConnector:
    """An OAuth connector built on app.connectors.oauth, the way Google and HubSpot use it."""

    def __init__(self, service_id: str = SERVICE_ID, name: str = "Example CRM") -> None:
        self.description = ServiceDescription(id=service_id, name=name, auth=AuthKind.OAUTH2,
                                              fields=(FieldSpec("email", "Email", True),))

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return {}

    def authorize_url(self, context: SourceContext, redirect_uri: str, state: str) -> str:
        return build_authorize_url(ENDPOINTS, self._client(context), redirect_uri, state)

    async def exchange_code(self, code: str, redirect_uri: str, context: SourceContext) -> dict[str, Any]:
        return await exchange_code(context, ENDPOINTS, self._client(context), code, redirect_uri)

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        token = settings.get("access_token")
        if not isinstance(token, str) or not token:
            raise Invalid("An access token is required.", ["settings", "access_token"])
        try:
            response = await request_with_retries(context, "GET", f"{BASE}/me",
                                                  headers={"Authorization": f"Bearer {token}"})
        except NeedsReauth:
            raise Invalid("The service refused the access token.", ["settings", "access_token"]) from None
        kept = {key: settings[key] for key in ("access_token", "refresh_token", "expires_at") if key in settings}
        return ConnectedAccount(external_account=response.json()["email"], settings=kept)

    async def fetch_page(self, request: FetchRequest) -> Page:
        token = await fresh_access_token(request, ENDPOINTS, self._client(request.context))
        after = int(request.cursor.get("after", 0))
        response = await request_with_retries(request.context, "GET", f"{BASE}/contacts", params={"after": str(after)},
                                              headers={"Authorization": f"Bearer {token}"})
        results = response.json()["results"][: request.limit]
        records = [SourceRecord(external_id=item["id"], email=item["email"], first_name=item["name"])
                   for item in results]
        return Page(records=records, cursor={"after": after + len(records)}, has_more=False)

    def _client(self, context: SourceContext) -> Any:
        return oauth_client(context, self.description.id, self.description.name)
