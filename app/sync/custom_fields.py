"""Which custom fields a page needs, and what is said about those the per-service cap refuses.

An account gets at most `AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE` custom fields from one
service: a CSV feed with 100,000 columns would otherwise create 100,000 fields. The contacts
still arrive with every other value; each refused field is named in a troubleshooting sample
(code `CUSTOM_FIELD_LIMIT`, external id `field:<label>`), and the problem lasts while the
account is at the cap. Values of a refused field are not stored later by themselves: a record
brings them the next time it changes after the cap was raised (its fingerprint is unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.connectors.base import ServiceDescription, SourceRecord
from app.text import quoted

FIELD_LIMIT_CODE = "CUSTOM_FIELD_LIMIT"
SAMPLES_KEPT = 5


def wanted_fields(service: ServiceDescription, records: Iterable[SourceRecord]) -> dict[str, str]:
    """The label of each field key that has a value in some record, in the order first seen."""
    labels: dict[str, str] = {}
    known_labels = {spec.key: spec.label for spec in service.fields}
    for record in records:
        for key, value in record.fields.items():
            if value and value.strip():
                labels.setdefault(key, record.field_labels.get(key) or known_labels.get(key) or key)
    return labels


def field_limit_samples(service: ServiceDescription, refused_labels: list[str], cap: int) -> list[dict[str, Any]]:
    """A few samples naming refused fields, each carrying how many this page refused in all."""
    return [
        {"externalId": f"field:{label[:120]}", "email": None, "code": FIELD_LIMIT_CODE,
         "fieldsNotCreated": len(refused_labels),
         "reason": f"No field was created for {quoted(label)}: the account has the {cap} "
                   f"{service.name} custom fields it may have."}
        for label in refused_labels[:SAMPLES_KEPT]
    ]
