"""Set-up and checks through the public API, so each browser test drives only the part it tests."""

from __future__ import annotations

from typing import Any

from tests.simulators import pipedrive, shopify
from tests.web.stack import GraphQL, wait_until

CONNECT = """mutation($serviceId: ID!, $settings: JSON!, $name: String) {
  connectService(input: {serviceId: $serviceId, settings: $settings, name: $name}) {
    connection { id name externalAccount status } authorizeUrl userErrors { field code message } } }"""
CREATE_IMPORT = """mutation($input: CreateAutoImportInput!) {
  createAutoImport(input: $input) { autoImport { id name status } userErrors { field code message } } }"""
CREATE_LIST = """mutation($name: String!) {
  createList(input: {name: $name}) { list { id name } userErrors { message } } }"""
IMPORT = """query($id: ID!) { autoImport(id: $id) {
  id name status tags lists { name } criteria nextSyncAt
  totals { fetched added updated notAddedContactLimit }
  syncs(last: 20) { outcome finishedAt counts { added updated } }
  troubleshooting { healthy problems { code message action count samples { externalId email reason } } } } }"""
SERVICES = "{ services { id name auth importCount recommendedMaxImports } }"
API_KEY_SETTINGS = {
    "shopify": {"shop": "demo", "access_token": shopify.DEMO_TOKEN},
    "pipedrive": {"company_domain": "demo", "api_token": pipedrive.TOKEN},
}


def service_names(api: GraphQL) -> dict[str, str]:
    """Service id -> name, as the page shows them."""
    return {s["id"]: s["name"] for s in api(SERVICES)["services"]}


def connect(api: GraphQL, service_id: str, settings: dict[str, Any], name: str | None = None) -> str:
    payload = api.mutate(CONNECT, "connectService", serviceId=service_id, settings=settings, name=name)
    return str(payload["connection"]["id"])


def create_list(api: GraphQL, name: str) -> str:
    return str(api.mutate(CREATE_LIST, "createList", name=name)["list"]["id"])


def create_import(api: GraphQL, service_id: str, connection_id: str, name: str, **fields: Any) -> str:
    payload = api.mutate(CREATE_IMPORT, "createAutoImport",
                         input={"serviceId": service_id, "connectionId": connection_id, "name": name, **fields})
    return str(payload["autoImport"]["id"])


def feed_import(api: GraphQL, url: str, name: str, **fields: Any) -> str:
    """A CSV feed connection and an import on it (its first retrieval is enqueued at once)."""
    return create_import(api, "csv_feed", connect(api, "csv_feed", {"url": url}), name, **fields)


def auto_import(api: GraphQL, import_id: str) -> dict[str, Any]:
    return api(IMPORT, id=import_id)["autoImport"]  # type: ignore[no-any-return]


def finished_syncs(api: GraphQL, import_id: str, at_least: int = 1, timeout: float = 60.0) -> dict[str, Any]:
    """Waits until the import has `at_least` finished syncs; returns the import as read after that.

    One response reads the import's row before its syncs: a sync that ends in between is in its
    `syncs` but not yet in what the row gives (status, troubleshooting). The next read starts
    after that end was committed, so it has all of it."""
    def done() -> bool:
        finished = [s for s in auto_import(api, import_id)["syncs"] if s["outcome"] != "RUNNING"]
        return len(finished) >= at_least

    wait_until(done, timeout, f"{at_least} finished sync(s) of import {import_id}")
    return auto_import(api, import_id)


def contact_count(api: GraphQL) -> int:
    return int(api("{ me { contactCount } }")["me"]["contactCount"])


def criteria_specs(api: GraphQL, service_id: str) -> list[dict[str, Any]]:
    query = "query($id: ID!) { service(id: $id) { criteria { key label type required choices } } }"
    return api(query, id=service_id)["service"]["criteria"]  # type: ignore[no-any-return]


def setting_specs(api: GraphQL, service_id: str) -> list[dict[str, Any]]:
    """`Service.settings` (added for the import page): what connectService takes, with labels."""
    query = "query($id: ID!) { service(id: $id) { settings { key label type required } } }"
    return api(query, id=service_id)["service"]["settings"]  # type: ignore[no-any-return]


def criterion_choices(api: GraphQL, connection_id: str, key: str) -> list[dict[str, str]]:
    """The connected account's own choices for a criterion (labels, owners, lists, stages)."""
    query = """query($key: String!) { connections { id criterionChoices(key: $key) { value label } } }"""
    connections = api(query, key=key)["connections"]
    return next(c["criterionChoices"] for c in connections if c["id"] == connection_id)  # type: ignore[no-any-return]


def connections(api: GraphQL) -> list[dict[str, Any]]:
    query = "{ connections { id name externalAccount status service { id } } }"
    return api(query)["connections"]  # type: ignore[no-any-return]


def complete_consent(api: GraphQL, authorize_url: str) -> None:
    """Follows an OAuth consent as a browser would (the simulator approves at once), carrying the
    cookies `api` received with the consent URL: the callback wants the browser that started it."""
    import httpx

    response = httpx.get(authorize_url, follow_redirects=True, timeout=30, cookies=api.client.cookies)
    assert response.status_code < 400, response.text
