"""Reads of an account's contacts and everything hanging off them, scoped by construction.

`ContactRepository(account_id)` is the only way the API reaches these tables: each method is the
readable statement (Polar's `get_readable_statement`) of one model, already filtered to the
account, so a caller adds its own filters and can never forget the account's. Another account's
rows are simply not in the statements. The sync engine (`app/sync/`) writes these tables in bulk
for its import and is the one other place allowed to query them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from pypika_tortoise.queries import Table
from pypika_tortoise.terms import NullValue, Parameter, ValueWrapper
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from app.contacts.models import (
    Contact,
    ContactEvent,
    ContactList,
    ContactSource,
    ContactStatus,
    ContactTag,
    CustomField,
    FieldValue,
    ListMembership,
)
from app.db_values import required_moment

_MOMENTS = ("created_at", "updated_at")
# What `ShownContact` holds, in its order: the columns a page selects.
_SHOWN_COLUMNS = ("id", "email", "first_name", "last_name", "phone", "status", *_MOMENTS)


@dataclass(slots=True)
class ShownContact:
    """A contact as the API pages it: its columns in a plain object, never saved (a page of 50
    models cost 2.8 ms on SQLite, these rows 0.1 ms plus their decoding); `Contact` where one is
    changed."""

    id: int
    email: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    status: ContactStatus
    created_at: datetime
    updated_at: datetime


# What the API's contact type reads: a model or a paged row, the same attributes.
ContactState = Contact | ShownContact


@dataclass(slots=True)
class ShownContactWithParts:
    """A contact as `shown_by_key` and `page_after` read it, with what `lists_of` and `tags_of`
    answer for it."""

    contact: ShownContact
    lists: list[tuple[int, str]]  # (list id, list name), by list id
    tags: list[str]  # by name


def _parameters(count: int) -> list[Parameter]:
    """Positional parameters 2..count+1 (the account id is the first)."""
    return [Parameter(idx=position) for position in range(2, count + 2)]


@lru_cache(maxsize=64)
def _tags_sql(dialect: str, count: int) -> str:
    """(contact id, tag) of `count` contacts of the account (parameter 1), by tag name, in the
    dialect of the connection (whose query class renders it)."""
    query_class: Any = ContactTag._meta.db.query_class
    tag, contact = Table(ContactTag._meta.db_table), Table(Contact._meta.db_table)
    query = (query_class.from_(tag).join(contact).on(contact.id == tag.contact_id)
             .select(tag.contact_id, tag.name)
             .where((contact.account_id == Parameter(idx=1)) & tag.contact_id.isin(_parameters(count)))
             .orderby(tag.name))
    return str(query.get_sql())


@lru_cache(maxsize=64)
def _lists_sql(dialect: str, count: int) -> str:
    """(contact id, list id, list name) of `count` contacts' memberships in the account's lists
    (parameter 1), by list id, in the dialect of the connection."""
    query_class: Any = ListMembership._meta.db.query_class
    membership, lists = Table(ListMembership._meta.db_table), Table(ContactList._meta.db_table)
    query = (query_class.from_(membership).join(lists).on(lists.id == membership.list_id)
             .select(membership.contact_id, membership.list_id, lists.name)
             .where((lists.account_id == Parameter(idx=1)) & membership.contact_id.isin(_parameters(count)))
             .orderby(membership.list_id))
    return str(query.get_sql())


@lru_cache(maxsize=64)
def _parts_sql(dialect: str, count: int) -> str:
    """(0, contact id, NULL, tag) of `count` contacts' tags, by tag name, then (1, contact id, list
    id, list name) of their lists, by list id: `_tags_sql` and `_lists_sql` in one statement (one
    round trip instead of two), the account parameter 1, the ids the next `count` (given twice on
    SQLite, whose parameter markers are positional)."""
    query_class: Any = ContactTag._meta.db.query_class
    tag, contact = Table(ContactTag._meta.db_table), Table(Contact._meta.db_table)
    membership, lists = Table(ListMembership._meta.db_table), Table(ContactList._meta.db_table)
    tags = (query_class.from_(tag).join(contact).on(contact.id == tag.contact_id)
            .select(ValueWrapper(0), tag.contact_id, NullValue(), tag.name)
            .where((contact.account_id == Parameter(idx=1)) & tag.contact_id.isin(_parameters(count))))
    links = (query_class.from_(membership).join(lists).on(lists.id == membership.list_id)
             .select(ValueWrapper(1), membership.contact_id, membership.list_id, lists.name)
             .where((lists.account_id == Parameter(idx=1)) & membership.contact_id.isin(_parameters(count))))
    # By kind, then list id (NULL for every tag), then name: each part in its own statement's order.
    return f"{tags.get_sql()} UNION ALL {links.get_sql()} ORDER BY 1,3,4"


@lru_cache(maxsize=256)
def _page_sql(dialect: str, limit: int) -> str:
    """`_SHOWN_COLUMNS` of at most `limit` contacts of the account (parameter 1) after a contact id
    (parameter 2), by id, in the dialect of the connection: the statement `contacts()` filtered on
    `id__gt`, ordered by id and limited sends. One per limit (a page is at most 201 rows)."""
    query_class: Any = Contact._meta.db.query_class
    contact = Table(Contact._meta.db_table)
    query = (query_class.from_(contact).select(*_SHOWN_COLUMNS)
             .where((contact.account_id == Parameter(idx=1)) & (contact.id > Parameter(idx=2)))
             .orderby(contact.id).limit(limit))
    return str(query.get_sql())


@lru_cache(maxsize=8)
def _by_key_sql(dialect: str) -> str:
    """`_SHOWN_COLUMNS` of the account's contact (parameter 1) with this email key (parameter 2),
    in the dialect of the connection: what `contacts().filter(email_key=...)` selects (the key is
    unique per account)."""
    query_class: Any = Contact._meta.db.query_class
    contact = Table(Contact._meta.db_table)
    query = (query_class.from_(contact).select(*_SHOWN_COLUMNS)
             .where((contact.account_id == Parameter(idx=1)) & (contact.email_key == Parameter(idx=2))))
    return str(query.get_sql())


def _parts_columns(dialect: str) -> str:
    """Two columns of the contact `c`: JSON arrays of its tags by name and of its (list id, list
    name) pairs by list id, only lists of the contact's account: what `tags_of` and `lists_of`
    answer for it (a contact is on a list at most once). Written out because pypika has neither
    aggregate that orders its input nor JSON constructor. PostgreSQL plans each execution anew
    (`plan_cache_mode`, see `app.db`): it reads the lists by `= ANY(ARRAY(...))` of the contact's
    list ids, which costs it a third less than the join of memberships and lists, planning
    included. SQLite before 3.44 has no ORDER BY inside an aggregate: it aggregates an ordered
    subquery, which it never flattens into an aggregate query."""
    tag, membership, lists = ContactTag._meta.db_table, ListMembership._meta.db_table, ContactList._meta.db_table
    tags_from = f'FROM "{tag}" t WHERE t."contact_id"=c."id"'
    list_ids = f'SELECT m."list_id" FROM "{membership}" m WHERE m."contact_id"=c."id"'
    if dialect == "sqlite":
        tags_json = f'(SELECT json_group_array("name") FROM (SELECT t."name" {tags_from} ORDER BY t."name"))'
        lists_json = (f'(SELECT json_group_array(json_array("id","name")) FROM (SELECT l."id",l."name" '
                      f'FROM "{lists}" l WHERE l."id" IN ({list_ids}) AND l."account_id"=c."account_id" '
                      'ORDER BY l."id"))')
    else:
        tags_json = f'(SELECT json_agg(t."name" ORDER BY t."name") {tags_from})'
        lists_json = (f'(SELECT json_agg(json_build_array(l."id",l."name") ORDER BY l."id") FROM "{lists}" l '
                      f'WHERE l."id"=ANY(ARRAY({list_ids})) AND l."account_id"=c."account_id")')
    return f"{tags_json},{lists_json}"


def _with_parts_from(dialect: str) -> str:
    """`SELECT` of `_SHOWN_COLUMNS` and `_parts_columns` from the contacts `c`, up to its `WHERE`."""
    columns = ",".join(f'c."{name}"' for name in _SHOWN_COLUMNS)
    return f'SELECT {columns},{_parts_columns(dialect)} FROM "{Contact._meta.db_table}" c'


def _markers(dialect: str) -> tuple[str, str]:
    return ("?", "?") if dialect == "sqlite" else ("$1", "$2")


@lru_cache(maxsize=8)
def _by_key_with_parts_sql(dialect: str) -> str:
    """`_by_key_sql` and the contact's lists and tags (`_parts_columns`), in the statement that
    finds it: one round trip instead of two."""
    account, key = _markers(dialect)
    return f'{_with_parts_from(dialect)} WHERE c."account_id"={account} AND c."email_key"={key}'


@lru_cache(maxsize=256)
def _page_with_parts_sql(dialect: str, limit: int) -> str:
    """`_page_sql` and each contact's lists and tags (`_parts_columns`): one statement instead of
    the page's and `_parts_sql`'s (on PostgreSQL 1.0 ms instead of 1.5 ms for 50 contacts with
    100,000 in the account, round trips included)."""
    account, after = _markers(dialect)
    return (f'{_with_parts_from(dialect)} WHERE c."account_id"={account} AND c."id">{after} '
            f'ORDER BY c."id" LIMIT {int(limit)}')


def _json_array(text: str | None) -> list[Any]:
    """A JSON array column as the driver answers it (text; NULL where PostgreSQL aggregated no row)."""
    return json.loads(text) if text else []


def _with_parts_row(row: Any) -> ShownContactWithParts:
    """A row of `_SHOWN_COLUMNS` and `_parts_columns` as the driver answers it, decoded."""
    *columns, tags, lists = row
    return ShownContactWithParts(_shown_row(columns), [(list_id, name) for list_id, name in _json_array(lists)],
                                 _json_array(tags))


def _shown_row(row: Any) -> ShownContact:
    """A row of `_SHOWN_COLUMNS` as the driver answers it, decoded (see `app.db_values`)."""
    id_, email, first, last, phone, status, created, updated = row
    return ShownContact(id_, email, first, last, phone, ContactStatus(status), required_moment(created),
                        required_moment(updated))


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

    async def tags_of(self, contact_ids: list[int]) -> list[tuple[int, str]]:
        """(contact id, tag) of these contacts, by tag name: what `tags()` filtered on the ids
        answers, from a statement built once per number of ids (Tortoise built it per request, a
        third of the read) with the connection's public pypika-tortoise query class."""
        if not contact_ids:
            return []
        db = ContactTag._meta.db
        _, rows = await db.execute_query(_tags_sql(db.capabilities.dialect, len(contact_ids)),
                                         [self.account_id, *contact_ids])
        return [(row[0], row[1]) for row in rows]

    async def lists_of(self, contact_ids: list[int]) -> list[tuple[int, int, str]]:
        """(contact id, list id, list name) of these contacts' lists, by list id: what
        `memberships()` filtered on the ids answers, from a statement built once per number of ids."""
        if not contact_ids:
            return []
        db = ListMembership._meta.db
        _, rows = await db.execute_query(_lists_sql(db.capabilities.dialect, len(contact_ids)),
                                         [self.account_id, *contact_ids])
        return [(row[0], row[1], row[2]) for row in rows]

    async def parts_of(self, contact_ids: list[int]) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]]]:
        """`lists_of` and `tags_of` these contacts, from one statement built once per number of ids."""
        if not contact_ids:
            return [], []
        db = Contact._meta.db
        dialect = db.capabilities.dialect
        params = [self.account_id, *contact_ids]
        _, rows = await db.execute_query(_parts_sql(dialect, len(contact_ids)),
                                         params * 2 if dialect == "sqlite" else params)
        lists = [(row[1], row[2], row[3]) for row in rows if row[0] == 1]
        return lists, [(row[1], row[3]) for row in rows if row[0] == 0]

    async def page_after(self, after_id: int, limit: int) -> list[ShownContact]:
        """At most `limit` of the account's contacts with an id above `after_id`, by id: what
        `shown(contacts().filter(id__gt=after_id).order_by("id").limit(limit))` answers, from a
        statement built once per limit (Tortoise built it per request, a fifth of the read)."""
        db = Contact._meta.db
        _, rows = await db.execute_query(_page_sql(db.capabilities.dialect, limit), [self.account_id, after_id])
        return [_shown_row(row) for row in rows]

    async def shown_by_key(self, email_key: str) -> ShownContact | None:
        """The account's contact with this email key as a plain row, None when there is none: from
        a statement built once (Tortoise built `get_or_none(email_key=...)` and its model per request)."""
        db = Contact._meta.db
        _, rows = await db.execute_query(_by_key_sql(db.capabilities.dialect), [self.account_id, email_key])
        return _shown_row(rows[0]) if rows else None

    async def shown_with_parts_by_key(self, email_key: str) -> ShownContactWithParts | None:
        """`shown_by_key` with the contact's lists and tags, from one statement built once; None
        when the account has no contact with this key."""
        db = Contact._meta.db
        _, rows = await db.execute_query(_by_key_with_parts_sql(db.capabilities.dialect),
                                         [self.account_id, email_key])
        return _with_parts_row(rows[0]) if rows else None

    async def page_with_parts_after(self, after_id: int, limit: int) -> list[ShownContactWithParts]:
        """`page_after` with each contact's lists and tags, from one statement built once per limit."""
        db = Contact._meta.db
        _, rows = await db.execute_query(_page_with_parts_sql(db.capabilities.dialect, limit),
                                         [self.account_id, after_id])
        return [_with_parts_row(row) for row in rows]

    @staticmethod
    async def shown(query: QuerySet[Contact]) -> list[ShownContact]:
        """The contacts `query` selects (a statement of `contacts()`, filtered, ordered, limited) as
        plain rows. The datetimes are selected as raw columns, which Tortoise hands over as the
        driver answers them, and are decoded by `app.db_values` (Tortoise's pure-Python ISO 8601
        parser was most of the cost); the other columns convert for next to nothing."""
        table = Contact._meta.db_table
        moments = {f"raw_{name}": RawSQL(f'"{table}"."{name}"') for name in _MOMENTS}
        rows = await query.annotate(**moments).values_list(*_SHOWN_COLUMNS[:-len(_MOMENTS)], *moments)
        return [_shown_row(row) for row in rows]
