"""The platform's own contact paths. Unlike imports, these record contact events in the outbox."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app.contacts.models import (
    Contact,
    ContactEvent,
    ContactList,
    ContactStatus,
    ContactTag,
    CustomField,
    ListMembership,
)
from app.contacts.repository import ContactRepository, ContactState, ShownContact, ShownContactWithParts
from app.errors import Conflict, Invalid, NotFound
from app.sync.emails import check_email, email_key
from app.text import quoted

Found = TypeVar("Found")

MAX_PAGE = 200
MAX_EMAIL = 320  # the longest address the contact columns hold
MAX_TAG = 200


@dataclass
class ContactPage:
    contacts: list[ShownContact]
    has_next: bool
    filtered: QuerySet[Contact]  # counted only when a caller asks for the total
    parts: dict[int, ShownContactWithParts] | None = None  # by contact id, when read with the page

    async def total(self) -> int:
        return await self.filtered.count()


def clean_tags(tags: list[str] | None) -> list[str]:
    cleaned = []
    for tag in tags or []:
        tag = tag.strip()
        if not tag or len(tag) > MAX_TAG:
            raise Invalid("Tags must be 1 to 200 characters.", ["tags"])
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


async def create_list(account_id: int, name: str) -> ContactList:
    name = name.strip()
    if not name or len(name) > 200:
        raise Invalid("A list name must be 1 to 200 characters.", ["name"])
    if await ContactRepository(account_id).lists().filter(name=name).exists():
        raise Conflict(f"A list named {name!r} already exists.", ["name"])
    try:
        return await ContactList.create(account_id=account_id, name=name)
    except IntegrityError:  # created by a concurrent request since the check above
        raise Conflict(f"A list named {name!r} already exists.", ["name"]) from None


def _optional_text(value: str | None, field: str, max_length: int) -> str | None:
    if value and len(value) > max_length:
        raise Invalid(f"The {field} is longer than {max_length} characters.", [field])
    return value or None


async def lists_of_account(account_id: int) -> list[ContactList]:
    return await ContactRepository(account_id).lists().order_by("id")


async def owned_lists(account_id: int, list_ids: list[int]) -> list[ContactList]:
    """The account's lists with these ids; an unknown or foreign id is `NotFound`."""
    found = await ContactRepository(account_id).lists().filter(id__in=list_ids)
    if len(found) != len(set(list_ids)):
        raise NotFound("One of the lists does not exist.", ["listIds"])
    return found


async def list_contact_counts(account_id: int, list_ids: list[int]) -> dict[int, int]:
    rows = (
        await ContactRepository(account_id).memberships().filter(list_id__in=list_ids)
        .annotate(n=Count("id"))
        .group_by("list_id")
        .values_list("list_id", "n")
    )
    return dict(rows)


async def create_contact(
    account_id: int,
    contact_limit: int,
    email: str,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    list_ids: list[int] | None = None,
    tags: list[str] | None = None,
) -> Contact:
    """Creates a contact the platform's own way: the limit applies and events are recorded."""
    checked = check_email(email)
    if checked.problem:
        raise Invalid(f"{quoted(email)} is not a valid email address.", ["email"])
    first_name = _optional_text(first_name, "firstName", 200)
    last_name = _optional_text(last_name, "lastName", 200)
    phone = _optional_text(phone, "phone", 100)
    tags = clean_tags(tags)
    lists = await owned_lists(account_id, list_ids or [])
    conflict = Conflict(f"A contact with the email {checked.email} already exists.", ["email"])
    contacts = ContactRepository(account_id).contacts()
    async with in_transaction():
        if await contacts.filter(email_key=checked.key).exists():
            raise conflict
        if await contacts.count() >= contact_limit:
            raise Invalid(f"The account has reached its limit of {contact_limit} contacts.", ["email"])
        now = datetime.now(timezone.utc)
        try:
            contact = await Contact.create(account_id=account_id, email=checked.email, email_key=checked.key,
                                           first_name=first_name, last_name=last_name, phone=phone,
                                           created_at=now, updated_at=now)
        except IntegrityError:  # created by a concurrent request (or a sync) since the check above
            raise conflict from None
        await ContactTag.bulk_create([ContactTag(contact=contact, name=tag) for tag in tags])
        await ListMembership.bulk_create([ListMembership(contact=contact, list=lst) for lst in lists])
        events = [ContactEvent(account_id=account_id, contact=contact, kind="contact_created", payload={})]
        events += [
            ContactEvent(account_id=account_id, contact=contact, kind="list_subscribed", payload={"listId": lst.id})
            for lst in lists
        ]
        await ContactEvent.bulk_create(events)
    return contact


async def unsubscribe_contact(account_id: int, email: str) -> Contact:
    contact = await get_contact(account_id, email)
    async with in_transaction():
        contact.status = ContactStatus.UNSUBSCRIBED
        contact.updated_at = datetime.now(timezone.utc)
        await contact.save(update_fields=["status", "updated_at"])
        await ContactEvent.create(account_id=account_id, contact=contact, kind="unsubscribed", payload={})
    return contact


async def get_contact(account_id: int, email: str) -> Contact:
    contacts = ContactRepository(account_id).contacts()
    return await _one_by_email(email, lambda key: contacts.get_or_none(email_key=key))


async def shown_contact(account_id: int, email: str) -> ShownContact:
    """`get_contact` as a plain row, to show (`NotFound` alike)."""
    return await _one_by_email(email, ContactRepository(account_id).shown_by_key)


async def shown_contact_with_parts(account_id: int, email: str) -> ShownContactWithParts:
    """`shown_contact` with its lists and tags, read in the same statement (`NotFound` alike)."""
    return await _one_by_email(email, ContactRepository(account_id).shown_with_parts_by_key)


async def _one_by_email(email: str, read: Callable[[str], Awaitable[Found | None]]) -> Found:
    """What `read` finds by the email's key, else `NotFound`. A key longer than any stored one
    finds nothing and is not sent (the column would refuse the comparison)."""
    key = email_key(email)
    found = await read(key) if len(key) <= MAX_EMAIL else None
    if found is None:
        raise NotFound("There is no contact with that email.", ["email"])
    return found


def _decode_cursor(after: str | None) -> int:
    """The contact id in a cursor from `contact_cursor`; anything else (including an id no key
    can have, which the database would refuse to compare) is `Invalid`, never an unexpected error."""
    if not after:
        return 0
    try:
        text = base64.urlsafe_b64decode(after.encode()).decode()
    except ValueError:
        text = ""
    number = text.removeprefix("contact:")
    if not (text.startswith("contact:") and number.isascii() and number.isdigit() and int(number) < 2**31):
        raise Invalid("The cursor is not one this API gave.", ["after"])
    return int(number)


def contact_cursor(contact: ContactState) -> str:
    return base64.urlsafe_b64encode(f"contact:{contact.id}".encode()).decode()


async def page_of_contacts(
    account_id: int, first: int, after: str | None, email: str | None, list_id: int | None, tag: str | None,
    *, with_parts: bool = False,
) -> ContactPage:
    """Contacts in creation order, filtered; `first` is capped at 200. `with_parts`: the page's
    `parts` too, when an unfiltered page can read them in its own statement."""
    if first < 0:
        raise Invalid("`first` cannot be negative.", ["first"])
    own = ContactRepository(account_id)
    query, filtered = own.contacts(), bool(email or list_id is not None or tag)
    if email:
        query = query.filter(email_key__contains=email.strip().lower())
    if list_id is not None:
        query = query.filter(memberships__list_id=list_id)
    if tag and len(tag.strip()) > MAX_TAG:
        query = query.filter(id__in=[])  # no tag is that long: an empty page, like any unknown tag
    elif tag:
        query = query.filter(tags__name=tag.strip())
    size = min(first, MAX_PAGE)
    after_id = _decode_cursor(after)
    if filtered:
        rows = await own.shown(query.filter(id__gt=after_id).order_by("id").limit(size + 1))
    elif with_parts:  # paging through all contacts, the usual page: its statements are built once
        found = await own.page_with_parts_after(after_id, size + 1)
        return ContactPage([item.contact for item in found[:size]], len(found) > size, query,
                           {item.contact.id: item for item in found[:size]})
    else:
        rows = await own.page_after(after_id, size + 1)
    return ContactPage(rows[:size], len(rows) > size, query)


async def custom_fields_of_account(account_id: int, service_id: str | None) -> list[CustomField]:
    query = ContactRepository(account_id).custom_fields().order_by("id")
    if service_id:
        query = query.filter(service_id=service_id)
    return await query


async def contact_count(account_id: int) -> int:
    return await ContactRepository(account_id).contacts().count()
