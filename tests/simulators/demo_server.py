"""The simulators of every external service on one port, with believable demo data, for `make run`.

`python -m tests.simulators.demo_server --port 9100` serves Google Contacts under /google,
Shopify under /shopify/{shop}, HubSpot under /hubspot, Pipedrive under /pipedrive/{company} a
Salesforce org under /salesforce and Mailchimp under /mailchimp (data centre us21).
`demo_environment(base_url)` is what the API and worker need to talk to it instead of the real
services. Development only: production code never imports this module.
"""

from __future__ import annotations

import argparse
import json

import uvicorn
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.simulators import hubspot, mailchimp, pipedrive, salesforce, shopify
from tests.simulators.google_contacts import GoogleContactsSimulator
from tests.simulators.hubspot import HubSpotSimulator
from tests.simulators.mailchimp import MailchimpSimulator
from tests.simulators.pipedrive import PipedriveSimulator
from tests.simulators.salesforce import SalesforceSimulator
from tests.simulators.shopify import ShopifySimulator

GOOGLE_CLIENT = ("sim-client-id", "sim-client-secret")


class ByPrefix:
    """Hands each request to the simulator named by its first path segment, the segment removed,
    so every simulator sees paths exactly as at the root of its own service."""

    def __init__(self, apps: dict[str, ASGIApp]) -> None:
        self.apps = apps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        prefix, _, rest = scope["path"].lstrip("/").partition("/")
        app = self.apps.get(prefix)
        if app is None:
            await PlainTextResponse("No such simulated service.", 404)(scope, receive, send)
            return
        await app(dict(scope, path="/" + rest, raw_path=("/" + rest).encode(), root_path=""), receive, send)


def demo_app() -> ByPrefix:
    google = GoogleContactsSimulator(account_email="demo.owner@example.com")
    google.seed_demo(300)
    shop = ShopifySimulator()
    shop.seed_demo(300)
    crm = HubSpotSimulator()
    crm.seed_demo(300)
    deals = PipedriveSimulator(company_domain="demo")
    deals.seed_demo(300)
    org = SalesforceSimulator(mount_prefix="/salesforce")
    org.seed_demo(300)
    newsletter = MailchimpSimulator()
    newsletter.seed_demo(300)
    return ByPrefix({"google": google, "shopify": shop, "hubspot": crm, "pipedrive": deals, "salesforce": org,
                     "mailchimp": newsletter})


def demo_environment(base_url: str) -> dict[str, str]:
    """Settings that point the connectors (and the OAuth flows) at the demo simulators."""
    endpoints = {
        "google_people": f"{base_url}/google",
        "google_oauth": f"{base_url}/google",
        "google_accounts": f"{base_url}/google/o/oauth2/v2/auth",
        "shopify": f"{base_url}/shopify/{{shop}}",
        "hubspot": f"{base_url}/hubspot",
        "hubspot_authorize": f"{base_url}/hubspot/oauth/authorize",
        "pipedrive": f"{base_url}/pipedrive/{{company}}",
        "salesforce_login": f"{base_url}/salesforce",
        "mailchimp": f"{base_url}/mailchimp/{{dc}}/3.0",
        "mailchimp_login": f"{base_url}/mailchimp",
    }
    return {
        "AUTOIMPORT_ENDPOINTS": json.dumps(endpoints),
        "AUTOIMPORT_GOOGLE_CLIENT_ID": GOOGLE_CLIENT[0],
        "AUTOIMPORT_GOOGLE_CLIENT_SECRET": GOOGLE_CLIENT[1],
        "AUTOIMPORT_HUBSPOT_CLIENT_ID": hubspot.CLIENT_ID,
        "AUTOIMPORT_HUBSPOT_CLIENT_SECRET": hubspot.CLIENT_SECRET,
        "AUTOIMPORT_SALESFORCE_CLIENT_ID": salesforce.CLIENT_ID,
        "AUTOIMPORT_SALESFORCE_CLIENT_SECRET": salesforce.CLIENT_SECRET,
        "AUTOIMPORT_MAILCHIMP_CLIENT_ID": mailchimp.CLIENT_ID,
        "AUTOIMPORT_MAILCHIMP_CLIENT_SECRET": mailchimp.CLIENT_SECRET,
    }


def how_to_connect() -> str:
    """What a newcomer pastes into GraphiQL to connect each demo service."""
    # A backslash at the end of a line joins the next one to it: each mutation still prints as one line.
    return f"""Demo services (simulated, no internet needed) — in GraphiQL:
  mutation {{ connectService(input: {{serviceId: "shopify", \
settings: {{shop: "demo", access_token: "{shopify.DEMO_TOKEN}"}}}}) \
{{ connection {{ id externalAccount }} userErrors {{ message }} }} }}
  mutation {{ connectService(input: {{serviceId: "pipedrive", \
settings: {{company_domain: "demo", api_token: "{pipedrive.TOKEN}"}}}}) \
{{ connection {{ id externalAccount }} userErrors {{ message }} }} }}
  mutation {{ connectService(input: {{serviceId: "hubspot", \
settings: {{private_app_token: "{hubspot.PRIVATE_APP_TOKEN}"}}}}) \
{{ connection {{ id externalAccount }} userErrors {{ message }} }} }}
  mutation {{ connectService(input: {{serviceId: "mailchimp", settings: {{api_key: "{mailchimp.API_KEY}"}}}}) \
{{ connection {{ id externalAccount }} userErrors {{ message }} }} }}
    (Mailchimp criteria: {{audience: "a1b2c3d4e5"}}, optionally status and tag; settings {{}} signs in instead)
  mutation {{ connectService(input: {{serviceId: "google_contacts", settings: {{}}}}) \
{{ authorizeUrl userErrors {{ message }} }} }}
  mutation {{ connectService(input: {{serviceId: "salesforce", settings: {{}}}}) \
{{ authorizeUrl userErrors {{ message }} }} }}
    (open an authorizeUrl in a browser: the simulator approves at once and returns to the callback;
     Salesforce criteria: {{object: "lead", lead_status: "Working - Contacted"}} or {{object: "contact"}})
  then: mutation {{ createAutoImport(input: {{serviceId: "shopify", connectionId: "<id>"}}) \
{{ autoImport {{ id status }} }} }}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--describe", action="store_true",
                        help="print the settings that point at this server and how to connect, as JSON, and exit")
    args = parser.parse_args()
    if args.describe:
        base_url = f"http://127.0.0.1:{args.port}"
        print(json.dumps({"environment": demo_environment(base_url), "how_to_connect": how_to_connect()}))
        return
    uvicorn.run(demo_app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
