"""Reads of an account's contacts and everything hanging off them, scoped by construction.

`ContactRepository(account_id)` is the only way the API reaches these tables: each method is the
readable statement (Polar's `get_readable_statement`) of one model, already filtered to the
account, so a caller adds its own filters and can never forget the account's. Another account's
rows are simply not in the statements. The sync engine (`app/sync/`) writes these tables in bulk
for its import and is the one other place allowed to query them.
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from app.contacts.models import (
    Contact,
    ContactEvent,
    ContactList,
    ContactSource,
    ContactTag,
    CustomField,
    FieldValue,
    ListMembership,
)


class ContactRepository:
    def __init__(self, account_id: int) -> None:
        self.account_id = account_id

    def contacts(self) -> QuerySet[Contact]:
        return Contact.filter(account_id=self.account_id)

    def lists(self) -> QuerySet[ContactList]:
        return ContactList.filter(account_id=self.account_id)

    def memberships(self) -> QuerySet[ListMembership]:
        return ListMembership.filter(list__account_id=self.account_id)

    def tags(self) -> QuerySet[ContactTag]:
        return ContactTag.filter(contact__account_id=self.account_id)

    def custom_fields(self) -> QuerySet[CustomField]:
        return CustomField.filter(account_id=self.account_id)

    def field_values(self) -> QuerySet[FieldValue]:
        return FieldValue.filter(field__account_id=self.account_id)

    def sources(self) -> QuerySet[ContactSource]:
        return ContactSource.filter(contact__account_id=self.account_id)

    def events(self) -> QuerySet[ContactEvent]:
        return ContactEvent.filter(account_id=self.account_id)
