"""The import page's additions for provenance, statuses and the preview: served as the contract
says, and every type, field, argument and enum value of them described."""

from __future__ import annotations

from typing import Any

from tests.conftest import AccountUnderTest

TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
INTROSPECTION = f"""{{ __schema {{ types {{
  name description
  fields {{ name description type {{ {TYPE_REF} }} args {{ name description type {{ {TYPE_REF} }} }} }}
  inputFields {{ name description type {{ {TYPE_REF} }} }}
  enumValues {{ name description }}
}} }} }}"""
ADDED_FIELDS = {
    "AutoImport.contactCount": "Int!",
    "Contact.sources": "[ContactSource!]!",
    "ContactSource.autoImport": "AutoImport", "ContactSource.service": "Service!",
    "ContactSource.externalId": "String!", "ContactSource.firstSeenAt": "DateTime!",
    "ContactSource.lastSeenAt": "DateTime!",
    "Mutation.previewAutoImport": "PreviewPayload!",
    "PreviewAutoImportInput.serviceId": "ID!", "PreviewAutoImportInput.connectionId": "ID!",
    "PreviewAutoImportInput.criteria": "JSON",
    "PreviewPayload.records": "[PreviewRecord!]!", "PreviewPayload.matchedEstimate": "Int",
    "PreviewPayload.userErrors": "[UserError!]!",
    "PreviewRecord.externalId": "String!", "PreviewRecord.email": "String", "PreviewRecord.firstName": "String",
    "PreviewRecord.lastName": "String", "PreviewRecord.verdict": "PreviewVerdict!", "PreviewRecord.reason": "String",
}
ADDED_VALUES = {
    "AutoImportStatus": {"LIMIT_REACHED"},
    "SyncOutcome": {"RATE_LIMITED"},
    "PreviewVerdict": {"WOULD_ADD", "WOULD_UPDATE", "KEPT_UNSUBSCRIBED", "NOT_ADDED_CONTACT_LIMIT", "MISSING_EMAIL",
                       "INVALID_EMAIL", "MALFORMED"},
}
ADDED_TYPES = ("ContactSource", "PreviewAutoImportInput", "PreviewPayload", "PreviewRecord", "PreviewVerdict")


def _printed(ref: dict[str, Any]) -> str:
    if ref["kind"] == "NON_NULL":
        return _printed(ref["ofType"]) + "!"
    if ref["kind"] == "LIST":
        return "[" + _printed(ref["ofType"]) + "]"
    return str(ref["name"])


async def test_the_additions_are_served_with_their_types_and_descriptions(acme: AccountUnderTest) -> None:
    types = {t["name"]: t for t in (await acme.api(INTROSPECTION))["__schema"]["types"]}
    fields = {f"{name}.{f['name']}": f for name, t in types.items()
              for f in (t["fields"] or []) + (t["inputFields"] or [])}

    assert {key: _printed(fields[key]["type"]) for key in ADDED_FIELDS if key in fields} == ADDED_FIELDS
    assert [key for key in ADDED_FIELDS if not fields[key]["description"]] == []
    assert [name for name in ADDED_TYPES if not types[name]["description"]] == []
    [argument] = fields["Mutation.previewAutoImport"]["args"]
    assert (argument["name"], _printed(argument["type"])) == ("input", "PreviewAutoImportInput!")
    assert argument["description"]
    for enum, added in ADDED_VALUES.items():
        values = {v["name"]: v["description"] for v in types[enum]["enumValues"]}
        assert added <= set(values) and all(values[name] for name in added), (enum, values)
