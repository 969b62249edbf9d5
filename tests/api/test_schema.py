"""The served schema: equal to the exported `schema.graphql`, holding the contract's names and types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from app.graphql.schema import production_schema, schema
from tests.api.conftest import error_messages
from tests.conftest import AccountUnderTest

# The contract (api-contract.md) as "Type.field": "type as GraphQL prints it".
CONTRACT_FIELDS = {
    "Query.me": "Account!", "Query.services": "[Service!]!", "Query.service": "Service",
    "Query.connections": "[Connection!]!", "Query.autoImports": "[AutoImport!]!", "Query.autoImport": "AutoImport",
    "Query.lists": "[ContactList!]!", "Query.customFields": "[CustomField!]!",
    "Query.contacts": "ContactConnection!", "Query.contact": "Contact",
    "Account.id": "ID!", "Account.name": "String!", "Account.contactLimit": "Int!", "Account.contactCount": "Int!",
    "Service.id": "ID!", "Service.name": "String!", "Service.auth": "ServiceAuth!", "Service.importCount": "Int!",
    "Service.recommendedMaxImports": "Int!", "Service.criteria": "[CriterionSpec!]!",
    "Service.fields": "[ServiceField!]!",
    "CriterionSpec.key": "String!", "CriterionSpec.label": "String!", "CriterionSpec.type": "String!",
    "CriterionSpec.required": "Boolean!", "CriterionSpec.help": "String!", "CriterionSpec.choices": "[String!]!",
    "ServiceField.key": "String!", "ServiceField.label": "String!", "ServiceField.perstag": "String",
    "AutoImport.id": "ID!", "AutoImport.name": "String!", "AutoImport.service": "Service!",
    "AutoImport.connection": "Connection", "AutoImport.criteria": "JSON!", "AutoImport.lists": "[ContactList!]!",
    "AutoImport.tags": "[String!]!", "AutoImport.status": "AutoImportStatus!", "AutoImport.createdAt": "DateTime!",
    "AutoImport.lastSyncAt": "DateTime", "AutoImport.nextSyncAt": "DateTime", "AutoImport.totals": "SyncCounts!",
    "AutoImport.syncs": "[SyncRun!]!", "AutoImport.troubleshooting": "Troubleshooting!",
    **{f"SyncCounts.{f}": "Int!" for f in ("fetched", "added", "updated", "unchanged", "skippedMissingEmail",
                                            "skippedInvalidEmail", "notAddedContactLimit", "keptUnsubscribed")},
    "SyncRun.id": "ID!", "SyncRun.startedAt": "DateTime!", "SyncRun.finishedAt": "DateTime",
    "SyncRun.outcome": "SyncOutcome!", "SyncRun.counts": "SyncCounts!", "SyncRun.backlogEstimate": "Int",
    "SyncRun.error": "String",
    "Troubleshooting.healthy": "Boolean!", "Troubleshooting.problems": "[Problem!]!",
    "Problem.code": "ProblemCode!", "Problem.message": "String!", "Problem.action": "String!", "Problem.count": "Int",
    "Problem.samples": "[SkippedRecord!]!",
    "SkippedRecord.externalId": "String!", "SkippedRecord.email": "String", "SkippedRecord.reason": "String!",
    "Contact.id": "ID!", "Contact.email": "String!", "Contact.firstName": "String", "Contact.lastName": "String",
    "Contact.phone": "String", "Contact.status": "ContactStatus!", "Contact.lists": "[ContactList!]!",
    "Contact.tags": "[String!]!", "Contact.fieldValues": "[FieldValue!]!", "Contact.createdAt": "DateTime!",
    "Contact.updatedAt": "DateTime!",
    "FieldValue.field": "CustomField!", "FieldValue.value": "String!",
    "CustomField.id": "ID!", "CustomField.title": "String!", "CustomField.perstag": "String!",
    "CustomField.service": "Service",
    "Connection.id": "ID!", "Connection.service": "Service!", "Connection.name": "String!",
    "Connection.externalAccount": "String!", "Connection.status": "ConnectionStatus!",
    "Connection.autoImports": "[AutoImport!]!",
    "ContactList.id": "ID!", "ContactList.name": "String!", "ContactList.contactCount": "Int!",
    "ContactConnection.edges": "[ContactEdge!]!", "ContactConnection.pageInfo": "PageInfo!",
    "ContactConnection.totalCount": "Int!", "ContactEdge.cursor": "String!", "ContactEdge.node": "Contact!",
    "UserError.field": "[String!]", "UserError.code": "String!", "UserError.message": "String!",
    "Mutation.createList": "ListPayload!", "Mutation.createContact": "ContactPayload!",
    "Mutation.unsubscribeContact": "ContactPayload!", "Mutation.connectService": "ConnectServicePayload!",
    "Mutation.createAutoImport": "AutoImportPayload!", "Mutation.updateAutoImport": "AutoImportPayload!",
    "Mutation.deleteAutoImport": "DeletePayload!", "Mutation.syncAutoImportNow": "AutoImportPayload!",
    "Mutation.pauseAutoImport": "AutoImportPayload!", "Mutation.resumeAutoImport": "AutoImportPayload!",
    "ConnectServicePayload.connection": "Connection", "ConnectServicePayload.authorizeUrl": "String",
    "ConnectServicePayload.userErrors": "[UserError!]!",
    "AutoImportPayload.autoImport": "AutoImport", "AutoImportPayload.userErrors": "[UserError!]!",
    "ContactPayload.contact": "Contact", "ContactPayload.userErrors": "[UserError!]!",
    "ListPayload.list": "ContactList", "ListPayload.userErrors": "[UserError!]!",
    "DeletePayload.deletedId": "ID", "DeletePayload.userErrors": "[UserError!]!",
    # inputs
    "ConnectServiceInput.serviceId": "ID!", "ConnectServiceInput.name": "String",
    "ConnectServiceInput.settings": "JSON!",
    "CreateAutoImportInput.serviceId": "ID!", "CreateAutoImportInput.connectionId": "ID!",
    "CreateAutoImportInput.name": "String", "CreateAutoImportInput.criteria": "JSON",
    "CreateAutoImportInput.listIds": "[ID!]", "CreateAutoImportInput.tags": "[String!]",
    "UpdateAutoImportInput.name": "String", "UpdateAutoImportInput.criteria": "JSON",
    "UpdateAutoImportInput.listIds": "[ID!]", "UpdateAutoImportInput.tags": "[String!]",
    "CreateListInput.name": "String!",
    "CreateContactInput.email": "String!", "CreateContactInput.firstName": "String",
    "CreateContactInput.lastName": "String", "CreateContactInput.phone": "String",
    "CreateContactInput.listIds": "[ID!]", "CreateContactInput.tags": "[String!]",
}
# "Type.field(arg)": "type = default"
CONTRACT_ARGS = {
    "Query.service(id)": "ID!", "Query.connections(serviceId)": "ID", "Query.autoImports(serviceId)": "ID",
    "Query.autoImport(id)": "ID!", "Query.customFields(serviceId)": "ID", "Query.contacts(first)": "Int = 50",
    "Query.contacts(after)": "String", "Query.contacts(email)": "String", "Query.contacts(listId)": "ID",
    "Query.contacts(tag)": "String", "Query.contact(email)": "String!", "AutoImport.syncs(last)": "Int = 10",
    "Mutation.createList(input)": "CreateListInput!", "Mutation.createContact(input)": "CreateContactInput!",
    "Mutation.unsubscribeContact(email)": "String!", "Mutation.connectService(input)": "ConnectServiceInput!",
    "Mutation.createAutoImport(input)": "CreateAutoImportInput!", "Mutation.updateAutoImport(id)": "ID!",
    "Mutation.updateAutoImport(input)": "UpdateAutoImportInput!", "Mutation.deleteAutoImport(id)": "ID!",
    "Mutation.syncAutoImportNow(id)": "ID!", "Mutation.pauseAutoImport(id)": "ID!",
    "Mutation.resumeAutoImport(id)": "ID!",
}
CONTRACT_ENUMS = {
    "ServiceAuth": {"NONE", "API_KEY", "OAUTH2"},
    "AutoImportStatus": {"ACTIVE", "PAUSED", "SYNCING", "BACKLOG", "NEEDS_REAUTH", "FAILING", "DISABLED"},
    "SyncOutcome": {"RUNNING", "COMPLETED", "PARTIAL", "FAILED"},
    "ProblemCode": {"CONTACT_LIMIT_REACHED", "MISSING_EMAIL", "INVALID_EMAIL", "BACKLOG", "SHARED_EXTERNAL_ACCOUNT",
                    "TOO_MANY_IMPORTS_FOR_SERVICE", "NEEDS_REAUTH", "RATE_LIMITED", "SOURCE_ERROR"},
    "ContactStatus": {"ACTIVE", "UNSUBSCRIBED", "BOUNCED"},
    "ConnectionStatus": {"ACTIVE", "NEEDS_REAUTH"},
}

TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"
INTROSPECTION = f"""{{ __schema {{ types {{
  name kind enumValues {{ name }}
  fields {{ name type {{ {TYPE_REF} }} args {{ name defaultValue type {{ {TYPE_REF} }} }} }}
  inputFields {{ name type {{ {TYPE_REF} }} }}
}} }} }}"""


def _printed(ref: dict[str, Any]) -> str:
    if ref["kind"] == "NON_NULL":
        return _printed(ref["ofType"]) + "!"
    if ref["kind"] == "LIST":
        return "[" + _printed(ref["ofType"]) + "]"
    return str(ref["name"])


async def _served_schema(acme: AccountUnderTest) -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    types = (await acme.api(INTROSPECTION))["__schema"]["types"]
    fields, args, enums = {}, {}, {}
    for t in types:
        for f in (t["fields"] or []) + (t["inputFields"] or []):
            fields[f"{t['name']}.{f['name']}"] = _printed(f["type"])
            for a in f.get("args") or []:
                default = f" = {a['defaultValue']}" if a["defaultValue"] not in (None, "null") else ""
                args[f"{t['name']}.{f['name']}({a['name']})"] = _printed(a["type"]) + default
        if t["kind"] == "ENUM":
            enums[t["name"]] = {v["name"] for v in t["enumValues"]}
    return fields, args, enums


def test_schema_graphql_is_the_exported_schema(repo_root: Path) -> None:
    """If this fails, run `.venv/bin/autoimport export-schema` and commit the result."""
    assert (repo_root / "schema.graphql").read_text() == schema.as_str() + "\n"


def test_production_serves_the_same_schema() -> None:
    assert production_schema.as_str() == schema.as_str()


async def test_the_contract_names_and_types_are_served(acme: AccountUnderTest) -> None:
    fields, args, enums = await _served_schema(acme)

    assert {k: fields.get(k) for k in CONTRACT_FIELDS} == CONTRACT_FIELDS
    assert {k: args.get(k) for k in CONTRACT_ARGS} == CONTRACT_ARGS
    assert {k: enums.get(k, set()) >= v for k, v in CONTRACT_ENUMS.items()} == dict.fromkeys(CONTRACT_ENUMS, True)
    assert {"DateTime", "JSON"} <= {t.strip("[]!") for t in fields.values()}


async def test_production_disables_introspection(
    production_client: httpx.AsyncClient, acme: AccountUnderTest
) -> None:
    headers = {"Authorization": f"Bearer {acme.token}"}

    introspection = await production_client.post("/graphql", json={"query": "{ __schema { types { name } } }"},
                                                  headers=headers)
    by_type = await production_client.post("/graphql", json={"query": '{ __type(name: "Query") { name } }'},
                                           headers=headers)
    ordinary = await production_client.post("/graphql", json={"query": "{ me { name } }"}, headers=headers)

    for response in (introspection, by_type):
        body = response.json()
        assert response.status_code == 200 and body.get("data") is None, body
        assert any("introspection" in m.lower() for m in error_messages(body)), body
    assert ordinary.json() == {"data": {"me": {"name": "Acme"}}}
