"""The API's plain rows (`ShownImport`, `ShownContact`) hold exactly what Tortoise's models hold.

They skip the models' per-value conversion and decode the driver's values themselves
(`app.db_values`): every column must come out equal, of the same type, on SQLite and PostgreSQL,
or the API would answer differently from the same rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tortoise.functions import Count

from app.autoimports.models import AutoImport, DeferredContact, SkippedRecord, SkipReason
from app.autoimports.repository import SHOWN_COLUMNS, AutoImportRepository
from app.contacts.models import Contact, ContactList, ContactStatus, ContactTag, ListMembership
from app.contacts.repository import ContactRepository
from tests.conftest import AccountUnderTest, connect_feed, create_feed_import

MOMENT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=timezone.utc)


def _same(shown: object, model: object, columns: tuple[str, ...]) -> None:
    for column in columns:
        mine, theirs = getattr(shown, column), getattr(model, column)
        assert (mine, type(mine)) == (theirs, type(theirs)), column
        if isinstance(mine, datetime):
            assert mine.utcoffset() == timedelta(0) and mine.isoformat() == theirs.isoformat(), column


async def test_a_listed_import_equals_its_model_column_by_column(acme: AccountUnderTest) -> None:
    connection_id = await connect_feed(acme.api)
    await create_feed_import(acme.api, connection_id, name="Both", criteria={}, tags=["vip", "ünï"])
    await create_feed_import(acme.api, connection_id, name="Other")
    first = await AutoImport.filter(account_id=acme.account.id, name="Both").get()
    await AutoImport.filter(id=first.id).update(
        paused=True, has_backlog=True, backlog_estimate=12, next_sync_at=MOMENT,
        last_sync_at=MOMENT - timedelta(hours=1), syncing_since=None, rate_limited_until=MOMENT + timedelta(minutes=5),
        failure_streak=3, last_error="Down.",
        disabled_reason=None, totals={"added": 4, "fetched": 9},
        skip_samples=[{"externalId": "row-2", "reason": "MISSING_EMAIL"}])

    shown = await AutoImportRepository(acme.account.id).shown_imports()
    models = await AutoImport.filter(account_id=acme.account.id).order_by("id")

    assert [row.id for row in shown] == [model.id for model in models]
    for row, model in zip(shown, models, strict=True):
        _same(row, model, SHOWN_COLUMNS)
    assert [row.name for row in await AutoImportRepository(acme.account.id).shown_imports("csv_feed")] == [
        "Both", "Other"]
    assert await AutoImportRepository(acme.account.id).shown_imports("shopify") == []


async def test_another_accounts_imports_are_not_listed(acme: AccountUnderTest, make_account: object) -> None:
    await create_feed_import(acme.api, await connect_feed(acme.api))
    other = await make_account("Other")  # type: ignore[operator]

    assert await AutoImportRepository(other.account.id).shown_imports() == []


async def _ann_and_bo(account_id: int, ann_status: ContactStatus) -> ContactRepository:
    """Two contacts of the account, one with every column set, one with the fewest."""
    await Contact.create(account_id=account_id, email="Ann@Example.com", email_key="ann@example.com",
                         first_name="Ann", last_name=None, phone="+1 555", status=ann_status,
                         created_at=MOMENT, updated_at=MOMENT + timedelta(seconds=1))
    await Contact.create(account_id=account_id, email="bo@example.com", email_key="bo@example.com",
                         created_at=MOMENT, updated_at=MOMENT)
    return ContactRepository(account_id)


async def test_a_paged_contact_equals_its_model_column_by_column(acme: AccountUnderTest) -> None:
    own = await _ann_and_bo(acme.account.id, ContactStatus.UNSUBSCRIBED)

    shown = await own.shown(own.contacts().order_by("id"))
    models = await own.contacts().order_by("id")

    assert len(shown) == 2
    for row, model in zip(shown, models, strict=True):
        _same(row, model, ("id", "email", "first_name", "last_name", "phone", "status", "created_at", "updated_at"))


async def test_a_contact_by_its_key_equals_its_model_and_only_the_accounts(acme: AccountUnderTest,
                                                                           make_account: object) -> None:
    own = await _ann_and_bo(acme.account.id, ContactStatus.BOUNCED)
    other = await make_account("Other")  # type: ignore[operator]

    for key in ("ann@example.com", "bo@example.com"):
        shown, model = await own.shown_by_key(key), await own.contacts().get(email_key=key)
        assert shown is not None
        _same(shown, model, ("id", "email", "first_name", "last_name", "phone", "status", "created_at", "updated_at"))
    assert await own.shown_by_key("Ann@Example.com") is None  # the key, as `email_key` normalises it
    assert await own.shown_by_key("cy@example.com") is None
    assert await ContactRepository(other.account.id).shown_by_key("ann@example.com") is None


async def test_a_page_after_a_contact_equals_the_same_page_through_tortoise(acme: AccountUnderTest,
                                                                           make_account: object) -> None:
    for n in range(4):
        await Contact.create(account_id=acme.account.id, email=f"p{n}@example.com", email_key=f"p{n}@example.com",
                             status=ContactStatus.BOUNCED if n == 2 else ContactStatus.ACTIVE,
                             created_at=MOMENT, updated_at=MOMENT + timedelta(minutes=n))
    own = ContactRepository(acme.account.id)
    first = (await own.shown(own.contacts().order_by("id")))[0].id

    built = await own.page_after(first, 2)
    through_tortoise = await own.shown(own.contacts().filter(id__gt=first).order_by("id").limit(2))

    assert len(built) == 2
    for row, theirs in zip(built, through_tortoise, strict=True):
        _same(row, theirs, ("id", "email", "first_name", "last_name", "phone", "status", "created_at", "updated_at"))
    other = await make_account("Other")  # type: ignore[operator]
    assert await ContactRepository(other.account.id).page_after(0, 10) == []


async def test_lists_and_tags_from_one_statement_equal_their_own_statements(acme: AccountUnderTest,
                                                                            make_account: object) -> None:
    ann = await Contact.create(account_id=acme.account.id, email="ann@example.com", email_key="ann@example.com",
                               created_at=MOMENT, updated_at=MOMENT)
    bo = await Contact.create(account_id=acme.account.id, email="bo@example.com", email_key="bo@example.com",
                              created_at=MOMENT, updated_at=MOMENT)
    lists = [await ContactList.create(account_id=acme.account.id, name=name) for name in ("Zed", "Alpha", "Mid")]
    for contact, names in ((ann, ["vip", "Émile", "alpha", "Zulu"]), (bo, ["b"])):
        await ContactTag.bulk_create([ContactTag(contact=contact, name=name) for name in names])
    await ListMembership.bulk_create([ListMembership(contact=ann, list=lst) for lst in reversed(lists)]
                                     + [ListMembership(contact=bo, list=lists[1])])
    own, ids = ContactRepository(acme.account.id), [ann.id, bo.id]

    assert await own.parts_of(ids) == (await own.lists_of(ids), await own.tags_of(ids))
    assert len((await own.parts_of(ids))[1]) == 5
    other = await make_account("Other")  # type: ignore[operator]
    assert await ContactRepository(other.account.id).parts_of(ids) == ([], [])


async def test_a_contact_with_its_lists_and_tags_from_one_statement_equals_the_orms(acme: AccountUnderTest,
                                                                                  make_account: object) -> None:
    own = await _ann_and_bo(acme.account.id, ContactStatus.ACTIVE)
    ann, bo = [await own.contacts().get(email_key=key) for key in ("ann@example.com", "bo@example.com")]
    lists = [await ContactList.create(account_id=acme.account.id, name=name) for name in ("Zed", 'Al "pha"', "Mïd")]
    other = await make_account("Other")  # type: ignore[operator]
    foreign = await ContactList.create(account_id=other.account.id, name="Theirs")
    await ContactTag.bulk_create([ContactTag(contact=ann, name=name)
                                  for name in ("vip", "Émile", "alpha", "Zulu", 'say "hi" \\ ok', "a\nb")])
    # a link to another account's list, which no read of this account shows
    await ListMembership.bulk_create([ListMembership(contact=ann, list=lst) for lst in (*reversed(lists), foreign)])

    for contact in (ann, bo):  # bo: no list, no tag
        found = await own.shown_with_parts_by_key(contact.email_key)
        assert found is not None
        _same(found.contact, contact, ("id", "email", "first_name", "last_name", "phone", "status", "created_at",
                                       "updated_at"))
        links = await own.memberships().filter(contact_id=contact.id).order_by("list_id").values_list(
            "list_id", "list__name")
        tags = await own.tags().filter(contact_id=contact.id).order_by("name").values_list("name", flat=True)
        assert (found.lists, found.tags) == ([tuple(link) for link in links], list(tags))
        assert (found.lists, found.tags) == ([(i, n) for _, i, n in await own.lists_of([contact.id])],
                                             [n for _, n in await own.tags_of([contact.id])])
    assert len((await own.shown_with_parts_by_key("ann@example.com")).lists) == 3  # type: ignore[union-attr]
    assert len((await own.shown_with_parts_by_key("ann@example.com")).tags) == 6  # type: ignore[union-attr]
    assert await own.shown_with_parts_by_key("cy@example.com") is None
    assert await ContactRepository(other.account.id).shown_with_parts_by_key("ann@example.com") is None


async def test_a_page_with_its_lists_and_tags_from_one_statement_equals_the_page_and_its_parts(
        acme: AccountUnderTest, make_account: object) -> None:
    own = await _ann_and_bo(acme.account.id, ContactStatus.UNSUBSCRIBED)
    ann, bo = [await own.contacts().get(email_key=key) for key in ("ann@example.com", "bo@example.com")]
    cy = await Contact.create(account_id=acme.account.id, email="cy@example.com", email_key="cy@example.com",
                              created_at=MOMENT, updated_at=MOMENT)
    lists = [await ContactList.create(account_id=acme.account.id, name=name) for name in ("Zed", 'Al "pha"', "Mïd")]
    other = await make_account("Other")  # type: ignore[operator]
    foreign = await ContactList.create(account_id=other.account.id, name="Theirs")
    await ContactTag.bulk_create([ContactTag(contact=ann, name=name) for name in ("vip", "Émile", "a\nb")]
                                 + [ContactTag(contact=cy, name="z")])
    await ListMembership.bulk_create([ListMembership(contact=ann, list=lst) for lst in (*reversed(lists), foreign)]
                                     + [ListMembership(contact=cy, list=lists[1])])

    for after, limit in ((0, 10), (ann.id, 1), (bo.id, 5)):
        found = await own.page_with_parts_after(after, limit)
        page = await own.page_after(after, limit)
        ids = [row.id for row in page]
        lists_of, tags_of = await own.parts_of(ids)
        assert [item.contact for item in found] == page
        assert [(item.lists, item.tags) for item in found] == [
            ([(list_id, name) for contact_id, list_id, name in lists_of if contact_id == row.id],
             [name for contact_id, name in tags_of if contact_id == row.id]) for row in page]
    everyone = await own.page_with_parts_after(0, 10)
    assert [item.contact.id for item in everyone] == [ann.id, bo.id, cy.id]
    assert [len(item.lists) for item in everyone] == [3, 0, 1] and [len(item.tags) for item in everyone] == [3, 0, 1]
    assert await ContactRepository(other.account.id).page_with_parts_after(0, 10) == []


async def test_the_lists_of_imports_equal_their_links_through_tortoise(acme: AccountUnderTest,
                                                                       make_account: object) -> None:
    zed, alpha = [await ContactList.create(account_id=acme.account.id, name=name) for name in ("Zed", "Alpha")]
    connection_id = await connect_feed(acme.api)
    await create_feed_import(acme.api, connection_id, name="Both", listIds=[str(alpha.id), str(zed.id)])
    await create_feed_import(acme.api, connection_id, name="One", listIds=[str(alpha.id)])
    own = AutoImportRepository(acme.account.id)
    ids = [row.id for row in await own.shown_imports()]

    through_tortoise = await own.list_links().filter(auto_import_id__in=ids).order_by("list_id").values_list(
        "auto_import_id", "list_id", "list__name")
    assert await own.lists_of(ids) == [tuple(row) for row in through_tortoise]
    assert len(through_tortoise) == 3
    other = await make_account("Other")  # type: ignore[operator]
    assert await AutoImportRepository(other.account.id).lists_of(ids) == []


async def test_the_counts_troubleshooting_reads_equal_tortoises_grouped_statements(acme: AccountUnderTest,
                                                                                  make_account: object) -> None:
    connection_id = await connect_feed(acme.api)
    for name in ("One", "Two", "Three"):
        await create_feed_import(acme.api, connection_id, name=name)
    own = AutoImportRepository(acme.account.id)
    one, two, three = [row.id for row in await own.shown_imports()]
    for auto_import_id, reason, copies in ((one, SkipReason.INVALID_EMAIL, 2), (one, SkipReason.MISSING_EMAIL, 1),
                                           (two, SkipReason.MALFORMED_RECORD, 3)):
        for n in range(copies):
            await SkippedRecord.create(auto_import_id=auto_import_id, external_id=f"{reason.value}-{n}", email=None,
                                       reason=reason, seen_at=MOMENT)
    for auto_import_id, copies in ((one, 1), (three, 2)):
        for n in range(copies):
            await DeferredContact.create(auto_import_id=auto_import_id, email_key=f"p{n}@example.com", record={})
    other = AutoImportRepository((await make_account("Other")).account.id)  # type: ignore[operator]

    for ids in ([one, two, three], [two], []):
        skipped = await own.skipped().filter(auto_import_id__in=ids).annotate(n=Count("id")).group_by(
            "auto_import_id", "reason").values_list("auto_import_id", "reason", "n")
        assert sorted(await own.skipped_counts(ids)) == sorted((i, SkipReason(r).value, n) for i, r, n in skipped)
        deferred = await own.deferred().filter(auto_import_id__in=ids).annotate(n=Count("id")).group_by(
            "auto_import_id").values_list("auto_import_id", "n")
        assert await own.deferred_counts(ids) == dict(deferred)  # type: ignore[arg-type]
        assert await other.skipped_counts(ids) == [] and await other.deferred_counts(ids) == {}
    assert await own.deferred_counts([one, two, three]) == {one: 1, three: 2}
    assert sorted(await own.skipped_counts([one, two])) == sorted(
        [(one, "INVALID_EMAIL", 2), (one, "MISSING_EMAIL", 1), (two, "MALFORMED_RECORD", 3)])
    imports = await own.imports().annotate(n=Count("id")).group_by(
        "account_id", "service_id", "external_account_id").values_list(
        "account_id", "service_id", "external_account_id", "n")
    assert await own.import_counts() == [tuple(row) for row in imports] and imports[0][3] == 3
    assert await other.import_counts() == []
