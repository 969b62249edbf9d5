"""Every read of a tenant-owned table goes through a repository built with the account.

An AST scan of app/: a query started on a tenant-owned model (`Contact.filter(...)`,
`AutoImport.get_or_none(...)`, ...) may appear only in a domain's `repository.py` (which scopes it
to the account) or in the sync engine (`app/sync/`, which works on the one import it leased).
Creating rows (`create`, `bulk_create`, `get_or_create`) is a write that names its account and is
not a query; it stays in the services.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
TENANT_OWNED = {
    "ApiToken", "AutoImport", "AutoImportList", "Connection", "Contact", "ContactEvent", "ContactList",
    "ContactSource", "ContactTag", "CustomField", "DeferredContact", "ExternalAccount", "FieldValue",
    "ListMembership", "OAuthState", "RecordFingerprint", "SkippedRecord", "SyncRun",
}
QUERIES = {"all", "annotate", "exclude", "exists", "filter", "first", "get", "get_or_none", "raw",
           "select_for_update", "select_related", "update_or_create", "values", "values_list"}


def _allowed(path: Path) -> bool:
    relative = path.relative_to(APP)
    return relative.parts[0] == "sync" or relative.name == "repository.py"


def unscoped_queries(source: str) -> list[str]:
    """`Model.method` of each query started on a tenant-owned model in `source`, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERIES
                and isinstance(node.func.value, ast.Name) and node.func.value.id in TENANT_OWNED):
            found.append(f"{node.lineno}: {node.func.value.id}.{node.func.attr}")
    return found


def test_tenant_owned_models_are_queried_only_in_repositories_or_the_sync_engine() -> None:
    offenders = {
        str(path.relative_to(APP.parent)): hits
        for path in sorted(APP.rglob("*.py")) if not _allowed(path)
        if (hits := unscoped_queries(path.read_text()))
    }
    assert offenders == {}


def test_the_scan_sees_a_query_outside_a_repository() -> None:
    assert unscoped_queries("async def f(i):\n    return await Contact.filter(id=i)\n") == ["2: Contact.filter"]
    assert unscoped_queries("def f(r):\n    return r.contacts().filter(id=1)\n") == []
