"""What HubSpot's contacts look like to us: the service description, the criteria and the mapping of
a CRM v3 contact (`{"id", "properties": {...}, "archived"}`) to a `SourceRecord`.

Standard fields: `email`, `firstname`, `lastname`, `phone` (else `mobilephone`). The other
properties read become custom fields ("HubSpot Company", `%HUBSPOT_COMPANY%`). HubSpot sends
every property as a string or null; empty values are left out, so they never erase stored ones.
`hs_email_optout == "true"` (opted out of all email) marks the contact unsubscribed. Archived
contacts (the search never returns them; the check is a safety net) are not imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
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

SERVICE_ID = "hubspot"
SERVICE_NAME = "HubSpot"

# HubSpot's default lifecycle stages, by internal name (what the search filters on).
LIFECYCLE_STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
                    "customer", "evangelist", "other")
STAGE_LABELS = {"subscriber": "Subscriber", "lead": "Lead", "marketingqualifiedlead": "Marketing qualified lead",
                "salesqualifiedlead": "Sales qualified lead", "opportunity": "Opportunity",
                "customer": "Customer", "evangelist": "Evangelist", "other": "Other"}

# (HubSpot property, our field key, label) of the custom fields.
CUSTOM_PROPERTIES = (
    ("company", "company", "Company"),
    ("jobtitle", "job_title", "Job title"),
    ("lifecyclestage", "lifecycle_stage", "Lifecycle stage"),
    ("city", "city", "City"),
    ("state", "state", "State/Region"),
    ("zip", "zip", "Postal code"),
    ("country", "country", "Country"),
    ("website", "website", "Website"),
)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MODIFIED = "lastmodifieddate"
OBJECT_ID = "hs_object_id"
OPT_OUT = "hs_email_optout"
SEARCH_PROPERTIES = ("email", "firstname", "lastname", "phone", "mobilephone",
                     *(prop for prop, _, _ in CUSTOM_PROPERTIES), OPT_OUT, MODIFIED, OBJECT_ID)

DESCRIPTION = ServiceDescription(
    id=SERVICE_ID,
    name=SERVICE_NAME,
    auth=AuthKind.OAUTH2,
    criteria=(
        CriterionSpec("lifecycle_stage", "Only contacts in the lifecycle stage", "choice",
                      help="HubSpot's lifecycle stage (internal name). Leave empty to import every contact.",
                      choices=LIFECYCLE_STAGES),
    ),
    fields=(
        *STANDARD_FIELDS,
        *(FieldSpec(key, label) for _, key, label in CUSTOM_PROPERTIES),
    ),
    settings=(
        SettingSpec("private_app_token", "Private app access token", SettingType.SECRET, required=False,
                    help="Optional. Leave empty to sign in with HubSpot instead. Otherwise: in HubSpot, "
                         "Settings > Integrations > Private apps > your app > Auth (starts with pat-), "
                         "with the crm.objects.contacts.read scope."),
    ),
)


def normalise_criteria(criteria: object) -> dict[str, str]:
    """`{}` or `{"lifecycle_stage": <one of LIFECYCLE_STAGES, or a custom stage's numeric internal
    name>}`; raises `Invalid` on the offending key."""
    if not criteria:
        return {}
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be an object, like {\"lifecycle_stage\": \"customer\"}.", ["criteria"])
    for key in criteria:
        if key != "lifecycle_stage":
            raise Invalid(f"Unknown criterion {quoted(key)}: this service takes 'lifecycle_stage'.",
                          ["criteria", str(key)])
    stage = criteria.get("lifecycle_stage")
    if stage is None:
        return {}
    if not isinstance(stage, str):
        raise Invalid("The lifecycle stage must be text.", ["criteria", "lifecycle_stage"])
    stage = stage.strip().lower()
    if not stage:
        return {}
    if stage not in LIFECYCLE_STAGES and not (stage.isdigit() and len(stage) <= 30):
        # a portal's own stages have numeric internal names: the connection's choices offer them
        raise Invalid(f"Unknown lifecycle stage {quoted(stage)}; choose one of {', '.join(LIFECYCLE_STAGES)} "
                      "or one of the portal's own stages.", ["criteria", "lifecycle_stage"])
    return {"lifecycle_stage": stage}


def _text(properties: Mapping[str, Any], name: str) -> str | None:
    value = properties.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def record_from_contact(contact: Mapping[str, Any]) -> SourceRecord | None:
    """The record of a contact; None for an archived one."""
    if contact.get("archived") is True:
        return None
    properties = contact.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    fields: dict[str, str] = {}
    for prop, key, _ in CUSTOM_PROPERTIES:
        value = _text(properties, prop)
        if value is not None:
            fields[key] = STAGE_LABELS.get(value, value) if prop == "lifecyclestage" else value
    return SourceRecord(
        external_id=str(contact.get("id")),
        email=_text(properties, "email"),
        first_name=_text(properties, "firstname"),
        last_name=_text(properties, "lastname"),
        phone=_text(properties, "phone") or _text(properties, "mobilephone"),
        fields=fields,
        unsubscribed=(_text(properties, OPT_OUT) or "").lower() == "true",
    )


def contact_id(contact: Mapping[str, Any]) -> int | None:
    """The contact's numeric id (`id`, or `hs_object_id`), None when unreadable."""
    properties = contact.get("properties")
    for value in (contact.get("id"), properties.get(OBJECT_ID) if isinstance(properties, dict) else None):
        if isinstance(value, str) and value.isdigit():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def modified_ms(contact: Mapping[str, Any]) -> int | None:
    """`lastmodifieddate` in epoch milliseconds (HubSpot sends ISO 8601 with ms, or ms); None when
    unreadable."""
    properties = contact.get("properties")
    value = properties.get(MODIFIED) if isinstance(properties, dict) else None
    value = value or contact.get("updatedAt")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return (moment - EPOCH) // timedelta(milliseconds=1)  # exact: no float rounding
