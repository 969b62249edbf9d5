"""What Mailchimp's audience members look like to us: the service description, the criteria and the
mapping of a member (Marketing API 3.0, `GET /lists/{id}/members`) to a `SourceRecord`.

Standard fields: `email_address`, merge fields `FNAME`, `LNAME`, `PHONE`. Every other merge field of
the audience becomes a custom field titled by its name in Mailchimp ("Mailchimp Company",
`%MAILCHIMP_COMPANY%`; the names come from `GET /lists/{id}/merge-fields`), `ADDRESS` written on one
line; the member's tags and status are custom fields too. Empty values are left out, so they never
erase stored ones.

Statuses: `unsubscribed` and `cleaned` (an address that bounced hard) are imported as
unsubscribed, so the engine never makes them active again (the engine has no separate bounced
status for a source to set: the "Mailchimp Status" field says `cleaned`); `archived` members are
skipped; `subscribed`, `pending` and `transactional` are imported as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    field_key,
)
from app.errors import Invalid
from app.text import quoted

SERVICE_ID = "mailchimp"
SERVICE_NAME = "Mailchimp"
STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional")
KEPT_UNSUBSCRIBED = ("unsubscribed", "cleaned")
STANDARD_MERGE_FIELDS = {"FNAME", "LNAME", "PHONE"}
MEMBER_FIELDS = ("id", "email_address", "status", "merge_fields", "tags", "last_changed")

DESCRIPTION = ServiceDescription(
    id=SERVICE_ID,
    name=SERVICE_NAME,
    auth=AuthKind.OAUTH2,
    criteria=(
        CriterionSpec("audience", "Audience", "string", required=True,
                      help="The Mailchimp audience to import (the connection lists them)."),
        CriterionSpec("status", "Only members with the status", "choice",
                      help="Leave empty to import every member except archived ones; unsubscribed and cleaned "
                           "members are imported as unsubscribed.", choices=STATUSES),
        CriterionSpec("tag", "Only members with the tag", "string",
                      help="A tag of the audience, by name (the connection lists them). Leave empty to import "
                           "every member."),
    ),
    fields=(*STANDARD_FIELDS, FieldSpec("address", "Address"), FieldSpec("birthday", "Birthday"),
            FieldSpec("tags", "Tags"), FieldSpec("status", "Status")),
    settings=(
        SettingSpec("api_key", "API key", SettingType.SECRET, required=False,
                    help="Optional. Leave empty to sign in with Mailchimp instead. Otherwise: in Mailchimp, "
                         "Profile > Extras > API keys (it ends with your data centre, like -us21)."),
    ),
)


def normalise_criteria(criteria: object) -> dict[str, str]:
    """`{"audience": <list id>}` plus, when given, `status` and `tag`; raises `Invalid` on the
    offending key."""
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be an object, like {\"audience\": \"a1b2c3d4e5\"}.", ["criteria"])
    for key in criteria:
        if key not in ("audience", "status", "tag"):
            raise Invalid(f"Unknown criterion {quoted(key)}: this service takes 'audience', 'status' and 'tag'.",
                          ["criteria", str(key)])
    audience = _text(criteria, "audience")
    if audience is None:
        raise Invalid("Choose the audience to import.", ["criteria", "audience"])
    if not (audience.isalnum() and len(audience) <= 20):
        raise Invalid(f"{quoted(audience)} is not an audience id.", ["criteria", "audience"])
    clean = {"audience": audience}
    status = _text(criteria, "status")
    if status is not None:
        if status.lower() not in STATUSES:
            raise Invalid(f"Unknown status {quoted(status)}; choose one of {', '.join(STATUSES)}.",
                          ["criteria", "status"])
        clean["status"] = status.lower()
    tag = _text(criteria, "tag")
    if tag is not None:
        clean["tag"] = tag
    return clean


def _text(criteria: Mapping[str, Any], key: str) -> str | None:
    value = criteria.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"The {key} must be text.", ["criteria", key])
    if len(value) > 200:
        raise Invalid(f"The {key} is longer than 200 characters.", ["criteria", key])
    return value.strip() or None


def merge_value(value: object) -> str | None:
    """A merge field's value as text: an ADDRESS object on one line, blanks as None."""
    if isinstance(value, dict):
        parts = [str(value.get(k) or "").strip() for k in ("addr1", "addr2", "city", "state", "zip", "country")]
        value = ", ".join(p for p in parts if p)
    if value is None or isinstance(value, (list, bool)):
        return None
    text = str(value).strip()
    return text or None


def tag_names(member: Mapping[str, Any]) -> list[str]:
    tags = member.get("tags")
    return [str(t["name"]) for t in tags if isinstance(t, dict) and t.get("name")] if isinstance(tags, list) else []


def record_from_member(member: Mapping[str, Any], merge_names: Mapping[str, str]) -> SourceRecord | None:
    """The record of a member, None for an archived one. `merge_names` maps the audience's merge
    tags to their names ("COMPANY" -> "Company")."""
    status = str(member.get("status") or "")
    if status == "archived":
        return None
    merges = member.get("merge_fields")
    merges = merges if isinstance(merges, dict) else {}
    fields, labels = {}, {}
    for tag, raw in merges.items():
        value = merge_value(raw)
        if tag in STANDARD_MERGE_FIELDS or value is None:
            continue
        label = merge_names.get(tag) or tag.title()
        key = field_key(label)
        fields[key], labels[key] = value, label
    if tags := tag_names(member):
        fields["tags"], labels["tags"] = ", ".join(tags), "Tags"
    if status:
        fields["status"], labels["status"] = status, "Status"
    return SourceRecord(
        external_id=str(member.get("id")),
        email=merge_value(member.get("email_address")),
        first_name=merge_value(merges.get("FNAME")),
        last_name=merge_value(merges.get("LNAME")),
        phone=merge_value(merges.get("PHONE")),
        fields=fields,
        field_labels=labels,
        unsubscribed=status in KEPT_UNSUBSCRIBED,
    )
