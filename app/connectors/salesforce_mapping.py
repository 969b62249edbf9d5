"""What Salesforce's Contacts and Leads look like to us: the service description, the criteria, the
SOQL the connector sends and the mapping of a record to a `SourceRecord`.

Standard fields: `Email`, `FirstName`, `LastName`, `Phone` (else `MobilePhone`). Title, company
(a contact's `Account.Name`, a lead's `Company`), city, state, postal code, country and, for leads,
status and source become custom fields ("Salesforce Company", `%SALESFORCE_COMPANY%`). Empty values
are left out, so they never erase stored ones. `HasOptedOutOfEmail = true` marks the record
unsubscribed; the engine never makes such a contact active again. Converted leads
(`IsConverted = true`) are left out: their person lives on as a contact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from app.connectors.base import STANDARD_FIELDS, AuthKind, CriterionSpec, FieldSpec, ServiceDescription, SourceRecord
from app.errors import Invalid
from app.text import quoted

SERVICE_ID = "salesforce"
SERVICE_NAME = "Salesforce"
OBJECTS = ("contact", "lead")
SOBJECT = {"contact": "Contact", "lead": "Lead"}
MODSTAMP = "SystemModstamp"


@dataclass(frozen=True)
class ObjectFields:
    """Which Salesforce field holds each of our custom fields, per object."""

    select: tuple[str, ...]  # besides Id, Email, names, phones, opt-out and SystemModstamp
    custom: tuple[tuple[str, str], ...]  # (Salesforce field path, our field key)


CUSTOM_LABELS = (("title", "Title"), ("company", "Company"), ("city", "City"), ("state", "State/Province"),
                 ("postal_code", "Postal code"), ("country", "Country"), ("lead_status", "Lead status"),
                 ("lead_source", "Lead source"))
FIELDS = {
    "contact": ObjectFields(
        select=("Title", "Account.Name", "MailingCity", "MailingState", "MailingPostalCode", "MailingCountry",
                "LeadSource"),
        custom=(("Title", "title"), ("Account.Name", "company"), ("MailingCity", "city"),
                ("MailingState", "state"), ("MailingPostalCode", "postal_code"), ("MailingCountry", "country"),
                ("LeadSource", "lead_source"))),
    "lead": ObjectFields(
        select=("Title", "Company", "City", "State", "PostalCode", "Country", "Status", "LeadSource"),
        custom=(("Title", "title"), ("Company", "company"), ("City", "city"), ("State", "state"),
                ("PostalCode", "postal_code"), ("Country", "country"), ("Status", "lead_status"),
                ("LeadSource", "lead_source"))),
}
BASE_SELECT = ("Id", "Email", "FirstName", "LastName", "Phone", "MobilePhone", "HasOptedOutOfEmail", MODSTAMP)

DESCRIPTION = ServiceDescription(
    id=SERVICE_ID,
    name=SERVICE_NAME,
    auth=AuthKind.OAUTH2,
    criteria=(
        CriterionSpec("object", "Import", "choice", help="Contacts or Leads (converted leads are left out). "
                      "Contacts when left empty.", choices=OBJECTS),
        CriterionSpec("lead_status", "Only leads with the status", "string",
                      help="A lead status of your org (the connection lists them); leads only. "
                           "Leave empty to import every lead."),
        CriterionSpec("list_view", "Only records in the list view", "string",
                      help="The id of a list view of the chosen object (the connection lists them). "
                           "Leave empty to import every record."),
    ),
    fields=(*STANDARD_FIELDS, *(FieldSpec(key, label) for key, label in CUSTOM_LABELS)),
    settings=(),  # Salesforce's sign-in page does it all; the API version is pinned at connect
)


def normalise_criteria(criteria: object) -> dict[str, str]:
    """`{"object": "contact"|"lead"}` plus, when given, `lead_status` (leads only) and
    `list_view` (a Salesforce id); raises `Invalid` on the offending key."""
    if not criteria:
        return {"object": "contact"}
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be an object, like {\"object\": \"lead\"}.", ["criteria"])
    for key in criteria:
        if key not in ("object", "lead_status", "list_view"):
            raise Invalid(f"Unknown criterion {quoted(key)}: this service takes 'object', 'lead_status' and "
                          "'list_view'.", ["criteria", str(key)])
    clean = {"object": _object(criteria.get("object"))}
    status = _optional_text(criteria, "lead_status", 255)
    if status is not None:
        if clean["object"] != "lead":
            raise Invalid("A lead status applies to leads only: choose the Lead object.", ["criteria", "lead_status"])
        clean["lead_status"] = status
    view = _optional_text(criteria, "list_view", 18)
    if view is not None:
        if not (len(view) in (15, 18) and view.isalnum()):
            raise Invalid(f"{quoted(view)} is not a list view id.", ["criteria", "list_view"])
        clean["list_view"] = view
    return clean


def _object(value: object) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "contact"
    if not isinstance(value, str) or value.strip().lower() not in OBJECTS:
        raise Invalid("The object is 'contact' or 'lead'.", ["criteria", "object"])
    return value.strip().lower()


def _optional_text(criteria: Mapping[str, Any], key: str, longest: int) -> str | None:
    value = criteria.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"The {key.replace('_', ' ')} must be text.", ["criteria", key])
    value = value.strip()
    if len(value) > longest:
        raise Invalid(f"The {key.replace('_', ' ')} is longer than {longest} characters.", ["criteria", key])
    return value or None


def soql_string(value: str) -> str:
    """A quoted SOQL string literal: SOQL escapes with a backslash, not by doubling the quote."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


def soql_datetime(moment: datetime) -> str:
    """A SOQL dateTime literal with milliseconds, unquoted: `2026-01-01T00:00:00.000Z`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_modstamp(value: object) -> datetime | None:
    """A `SystemModstamp` as Salesforce answers it (`2026-01-01T00:00:00.000+0000`); None when
    unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.strptime(value.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)


def select_query(criteria: Mapping[str, str], after: tuple[datetime, str] | None, extra_where: str | None,
                 limit: int) -> str:
    """The keyset query: records after `(SystemModstamp, Id)`, in that order, at most `limit`."""
    obj = criteria["object"]
    fields = ", ".join((*BASE_SELECT, *FIELDS[obj].select))
    where = []
    if after is not None:
        stamp, last_id = soql_datetime(after[0]), soql_string(after[1])
        where.append(f"({MODSTAMP} > {stamp} OR ({MODSTAMP} = {stamp} AND Id > {last_id}))")
    if obj == "lead":
        where.append("IsConverted = false")
    if "lead_status" in criteria:
        where.append(f"Status = {soql_string(criteria['lead_status'])}")
    if extra_where:
        where.append(f"({extra_where})")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {fields} FROM {SOBJECT[obj]}{clause} ORDER BY {MODSTAMP} ASC, Id ASC LIMIT {limit}"


def _path(record: Mapping[str, Any], path: str) -> str | None:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def record_from_sobject(record: Mapping[str, Any], obj: str) -> SourceRecord:
    fields = {key: value for path, key in FIELDS[obj].custom if (value := _path(record, path)) is not None}
    return SourceRecord(
        external_id=str(record.get("Id")),
        email=_path(record, "Email"),
        first_name=_path(record, "FirstName"),
        last_name=_path(record, "LastName"),
        phone=_path(record, "Phone") or _path(record, "MobilePhone"),
        fields=fields,
        unsubscribed=record.get("HasOptedOutOfEmail") is True,
    )
