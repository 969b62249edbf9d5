"""The explicit registry of connectors, by service id."""

from __future__ import annotations

from app.connectors.base import Connector
from app.connectors.csv_feed import CsvFeedConnector
from app.connectors.google_contacts import GoogleContactsConnector
from app.connectors.hubspot import HubSpotConnector
from app.connectors.mailchimp import MailchimpConnector
from app.connectors.pipedrive import PipedriveConnector
from app.connectors.salesforce import SalesforceConnector
from app.connectors.shopify import ShopifyConnector
from app.errors import NotFound
from app.text import quoted

CONNECTORS: dict[str, Connector] = {
    connector.description.id: connector
    for connector in (
        CsvFeedConnector(), GoogleContactsConnector(), HubSpotConnector(), PipedriveConnector(), ShopifyConnector(),
        SalesforceConnector(), MailchimpConnector(),
    )
}


def get_connector(service_id: str) -> Connector:
    try:
        return CONNECTORS[service_id]
    except KeyError:
        raise NotFound(f"There is no service {quoted(service_id)}.", ["serviceId"]) from None
