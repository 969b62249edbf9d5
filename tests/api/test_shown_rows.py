"""The API's plain rows (`ShownImport`, `ShownContact`) hold exactly what Tortoise's models hold.

They skip the models' per-value conversion and decode the driver's values themselves
(`app.db_values`): every column must come out equal, of the same type, on SQLite and PostgreSQL,
or the API would answer differently from the same rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.autoimports.models import AutoImport
from app.autoimports.repository import SHOWN_COLUMNS, AutoImportRepository
from app.contacts.models import Contact, ContactStatus
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


async def test_a_paged_contact_equals_its_model_column_by_column(acme: AccountUnderTest) -> None:
    await Contact.create(account_id=acme.account.id, email="Ann@Example.com", email_key="ann@example.com",
                         first_name="Ann", last_name=None, phone="+1 555", status=ContactStatus.UNSUBSCRIBED,
                         created_at=MOMENT, updated_at=MOMENT + timedelta(seconds=1))
    await Contact.create(account_id=acme.account.id, email="bo@example.com", email_key="bo@example.com",
                         created_at=MOMENT, updated_at=MOMENT)
    own = ContactRepository(acme.account.id)

    shown = await own.shown(own.contacts().order_by("id"))
    models = await own.contacts().order_by("id")

    assert len(shown) == 2
    for row, model in zip(shown, models, strict=True):
        _same(row, model, ("id", "email", "first_name", "last_name", "phone", "status", "created_at", "updated_at"))
