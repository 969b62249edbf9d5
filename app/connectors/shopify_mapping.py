"""What the Shopify connector asks for and how a customer becomes a `SourceRecord`.

The GraphQL documents, the service description, settings and criteria checks, and the mapping of
one `Customer` node. No I/O here: `app.connectors.shopify` does the calls.

The API version is a connection setting (`api_version`, `YYYY-MM` of a quarterly release); left
empty it is `DEFAULT_API_VERSION`, the newest stable version when this was written, so moving
every shop to a newer version is a change of that constant. Shopify supports each version for
at least 12 months (2026-10 until October 2027) and then answers with the oldest supported one.

Fields are the ones of those versions that are not deprecated: the email address, its marketing
state and the phone number come from `defaultEmailAddress` / `defaultPhoneNumber` (the top-level
`email`, `phone` and `emailMarketingConsent` are deprecated since 2025-04). Names, email
addresses, phone numbers and addresses are Shopify's "protected customer data" (level 2): an
app not approved for them gets errors or nulls instead (see `app.connectors.shopify`).
"""

from __future__ import annotations

import re
from typing import Any

from app.connectors.base import (
    STANDARD_FIELDS,
    AuthKind,
    CriterionSpec,
    FieldSpec,
    ServiceDescription,
    SettingSpec,
    SettingType,
    SourceRecord,
)
from app.errors import Invalid
from app.text import quoted

DEFAULT_API_VERSION = "2026-10"
API_VERSION_FIELD = ["settings", "api_version"]
SHOP_FIELD = ["settings", "shop"]
TOKEN_FIELD = ["settings", "access_token"]
_API_VERSION = re.compile(r"20[0-9]{2}-(?:01|04|07|10)")
MAX_TAGS = 20
SUBSCRIBED = "SUBSCRIBED"
UNSUBSCRIBED = "UNSUBSCRIBED"

# Connection cost is 2 + first x (1 per node + 1 per nested object). The four nested objects
# below make a node cost 5, so 199 keeps a page under the 1,000-point single-query limit.
NODE_COST = 5
MAX_QUERY_COST = 1000
API_MAX_PAGE = 250
PAGE_SIZE = min(API_MAX_PAGE, (MAX_QUERY_COST - 2) // NODE_COST)

CUSTOMERS_QUERY = """
query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes {
      id firstName lastName tags note state verifiedEmail createdAt updatedAt numberOfOrders
      amountSpent { amount currencyCode }
      defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt }
      defaultPhoneNumber { phoneNumber }
      defaultAddress { city province country zip company }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""

# The `tag` criterion's choices: the tags the shop's customers carry (250 at most; the most a page gives).
CUSTOMER_TAGS_QUERY = """
query CustomerTags {
  shop { customerTags(first: 250) { nodes } }
}"""

# connect: names the shop, and proves the token may read customers (scope read_customers) and
# their email addresses (protected customer data, level 2).
SHOP_QUERY = """
query Shop {
  shop { name myshopifyDomain }
  customers(first: 1) { nodes { id defaultEmailAddress { emailAddress } } }
}"""

DESCRIPTION = ServiceDescription(
    id="shopify",
    name="Shopify",
    auth=AuthKind.API_KEY,
    criteria=(
        CriterionSpec("subscribed_only", "Only customers who accept email marketing", "boolean",
                      help="On by default: customers whose email marketing state is not SUBSCRIBED are "
                           "not imported."),
        CriterionSpec("tag", "Only customers tagged", "string",
                      help="A Shopify customer tag, e.g. VIP, or several separated by commas (VIP, wholesale) for "
                           "customers with any of them. Leave empty for every customer."),
    ),
    fields=(
        *STANDARD_FIELDS,
        FieldSpec("total_spent", "Total spent"),
        FieldSpec("currency", "Currency"),
        FieldSpec("orders_count", "Orders count"),
        FieldSpec("tags", "Tags"),
        FieldSpec("note", "Note"),
        FieldSpec("city", "City"),
        FieldSpec("province", "Province"),
        FieldSpec("country", "Country"),
        FieldSpec("zip", "Zip"),
        FieldSpec("company", "Company"),
        FieldSpec("account_state", "Account state"),
        FieldSpec("verified_email", "Verified email"),
        FieldSpec("marketing_state", "Email marketing"),
        FieldSpec("marketing_opt_in_level", "Marketing opt-in level"),
        FieldSpec("marketing_updated_at", "Marketing consent updated at"),
        FieldSpec("customer_since", "Customer since"),
    ),
    settings=(
        SettingSpec("shop", "Shop domain", SettingType.TEXT,
                    help="Your shop's myshopify.com address, e.g. acme or acme.myshopify.com (not a custom domain)."),
        SettingSpec("access_token", "Admin API access token", SettingType.SECRET,
                    help="In Shopify admin: Settings > Apps > Develop apps > your app > API credentials "
                         "(starts with shpat_). The app needs the read_customers scope and access to protected "
                         "customer data (name, email, phone, address)."),
        SettingSpec("api_version", "Admin API version", SettingType.TEXT, required=False,
                    help=f"Leave empty for {DEFAULT_API_VERSION}. Otherwise a stable version such as 2026-07 "
                         "(Shopify releases one each quarter and supports it for 12 months)."),
    ),
)

_SHOP_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def normalise_shop(value: object) -> str:
    """`acme`, `acme.myshopify.com` or `https://acme.myshopify.com/` -> `acme.myshopify.com`.

    Anything else (a custom domain, another host, a path) is refused: the access token is sent to
    this host, so it must be a Shopify admin domain."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("Enter your shop, like acme or acme.myshopify.com.", SHOP_FIELD)
    shop = value.strip().lower().removeprefix("https://").rstrip("/")
    name = shop.removesuffix(".myshopify.com")
    if not _SHOP_NAME.fullmatch(name):
        raise Invalid("The shop must be its myshopify.com address, like acme.myshopify.com "
                      "(not a custom domain).", SHOP_FIELD)
    return f"{name}.myshopify.com"


def normalise_token(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("Enter the Admin API access token of your Shopify app.", TOKEN_FIELD)
    token = value.strip()
    if not token.isascii() or not token.isprintable() or " " in token:
        raise Invalid("The access token has characters a Shopify token never has.", TOKEN_FIELD)
    return token


def normalise_api_version(value: object) -> str | None:
    """A stable quarterly version (`2026-10`), or None for the default; `Invalid` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or not _API_VERSION.fullmatch(value.strip()):
        raise Invalid(f"The API version is a Shopify release such as {DEFAULT_API_VERSION} (year-month, the month "
                      "01, 04, 07 or 10).", API_VERSION_FIELD)
    return value.strip()


def normalise_settings(settings: object) -> dict[str, str]:
    """`shop` and `access_token`, and `api_version` only when one was chosen (so that the default
    moves every other connection on)."""
    if not isinstance(settings, dict):
        raise Invalid("Settings must be an object with 'shop' and 'access_token'.", ["settings"])
    clean = {"shop": normalise_shop(settings.get("shop")),
             "access_token": normalise_token(settings.get("access_token"))}
    version = normalise_api_version(settings.get("api_version"))
    return clean | ({"api_version": version} if version else {})


def api_version(settings: dict[str, str]) -> str:
    return settings.get("api_version") or DEFAULT_API_VERSION


def normalise_criteria(criteria: dict[str, Any] | None) -> dict[str, Any]:
    """`{"subscribed_only": bool, "tag"?: str}`; subscribed_only defaults to true."""
    criteria = criteria or {}
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be an object with 'subscribed_only' and 'tag'.", ["criteria"])
    for key in criteria:
        if key not in ("subscribed_only", "tag"):
            raise Invalid(f"Unknown criterion {quoted(key)}: Shopify takes 'subscribed_only' and 'tag'.",
                          ["criteria", str(key)])
    subscribed_only = criteria.get("subscribed_only", True)
    if subscribed_only is None:
        subscribed_only = True
    if not isinstance(subscribed_only, bool):
        raise Invalid("'subscribed_only' must be true or false.", ["criteria", "subscribed_only"])
    normalised: dict[str, Any] = {"subscribed_only": subscribed_only}
    tags = _tags(criteria.get("tag"))
    if tags:
        normalised["tag"] = ", ".join(tags)
    return normalised


def _tags(value: object) -> list[str]:
    """The tags of the `tag` criterion: comma-separated (a Shopify tag never holds a comma),
    each trimmed, each once."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise Invalid("The tag must be text.", ["criteria", "tag"])
    tags = list(dict.fromkeys(t.strip() for t in value.split(",") if t.strip()))
    if any(len(t) > 255 for t in tags):
        raise Invalid("A Shopify tag has at most 255 characters.", ["criteria", "tag"])
    if len(tags) > MAX_TAGS:
        raise Invalid(f"Choose at most {MAX_TAGS} tags.", ["criteria", "tag"])
    return tags


def _quoted(value: str) -> str:
    """A value for Shopify's search syntax, single-quoted with backslash escapes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def search_query(since: str | None, criteria: dict[str, Any]) -> str | None:
    """The `query:` argument: `updated_at:>='…'` (inclusive) and the tags, joined with AND; several
    tags are a group of `tag:'…'` terms joined with OR (any of them)."""
    terms = []
    if since:
        terms.append(f"updated_at:>={_quoted(since)}")
    tags = [f"tag:{_quoted(tag)}" for tag in _tags(criteria.get("tag"))]
    if tags:
        terms.append(tags[0] if len(tags) == 1 else "(" + " OR ".join(tags) + ")")
    return " AND ".join(terms) or None


def marketing_state(node: dict[str, Any]) -> str | None:
    consent = node.get("defaultEmailAddress") or {}
    return consent.get("marketingState") if isinstance(consent, dict) else None


def wanted(node: dict[str, Any], criteria: dict[str, Any]) -> bool:
    """Whether the criteria take this customer (the tag is filtered by Shopify already)."""
    return not criteria.get("subscribed_only", True) or marketing_state(node) == SUBSCRIBED


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = ("true" if value else "false") if isinstance(value, bool) else str(value).strip()
    return text or None


def _custom_fields(node: dict[str, Any]) -> dict[str, str]:
    spent = node.get("amountSpent") or {}
    address = node.get("defaultAddress") or {}
    consent = node.get("defaultEmailAddress") or {}
    tags = node.get("tags") or []
    values = {
        "total_spent": spent.get("amount"), "currency": spent.get("currencyCode"),
        "orders_count": node.get("numberOfOrders"),
        "tags": ", ".join(str(tag) for tag in tags) if isinstance(tags, list) else None,
        "note": node.get("note"),
        **{key: address.get(key) for key in ("city", "province", "country", "zip", "company")},
        "account_state": node.get("state"), "verified_email": node.get("verifiedEmail"),
        "marketing_state": consent.get("marketingState"),
        "marketing_opt_in_level": consent.get("marketingOptInLevel"),
        "marketing_updated_at": consent.get("marketingUpdatedAt"),
        "customer_since": node.get("createdAt"),
    }
    return {key: text for key, value in values.items() if (text := _text(value)) is not None}


def record_from_node(node: dict[str, Any]) -> SourceRecord:
    """One customer; empty values are left out, so they never erase stored ones."""
    consent = node.get("defaultEmailAddress") or {}
    phone = node.get("defaultPhoneNumber") or {}
    return SourceRecord(
        external_id=str(node["id"]),
        email=_text(consent.get("emailAddress")),
        first_name=_text(node.get("firstName")),
        last_name=_text(node.get("lastName")),
        phone=_text(phone.get("phoneNumber")),
        fields=_custom_fields(node),
        unsubscribed=consent.get("marketingState") == UNSUBSCRIBED,
    )
