"""Engine throughput: the real sync engine against the floor and the naive ORM, same records.

20,000 contacts from the in-process source: a first retrieval (inserts), a re-sync with 10% of
them changed, and a re-sync with nothing changed. The engine runs as a worker runs it
(`sync_external_account`, pages of 500, one transaction per page), with a budget large enough to
take all 20,000 in one sync. The naive ORM (`update_or_create` per contact) is measured on the
first 2,000 records of each pass: its cost per contact does not depend on how many there are,
and 20,000 of them would take a minute per pass.
"""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.connectors.base import SourceContext, SourceRecord
from app.contacts.models import Contact
from app.security import SettingsCipher
from app.sync.engine import SyncEnvironment, sync_external_account
from bench import fixtures
from bench.floor import Floor
from bench.source import SERVICE_ID, PreparedFeed, contact_record, register
from bench.support import Backend, Stopwatch, print_table, ratio, run_main

CONTACTS = 20_000
NAIVE_SAMPLE = 2_000
PAGE = 500


def passes() -> list[tuple[str, list[SourceRecord]]]:
    first = [contact_record(n) for n in range(CONTACTS)]
    changed = [contact_record(n, version=1 if n % 10 == 0 else 0) for n in range(CONTACTS)]
    return [("first retrieval", first), ("re-sync, 10% changed", changed), ("re-sync, nothing changed", changed)]


async def naive_upsert(account_id: int, records: list[SourceRecord]) -> None:
    for record in records:
        try:
            email = validate_email((record.email or "").strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        await Contact.update_or_create(
            account_id=account_id, email_key=email.lower(),
            defaults={"email": email, "first_name": record.first_name, "last_name": record.last_name,
                      "phone": record.phone, "created_at": _now(), "updated_at": _now()},
        )


def _now() -> Any:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


async def engine_environment(backend: Backend, limit: int) -> tuple[SyncEnvironment, SettingsCipher]:
    """What a worker gives the engine, with a budget of `limit` records per sync."""
    import httpx

    settings = backend.settings(AUTOIMPORT_SYNC_LIMIT=limit, AUTOIMPORT_SYNC_PAGE_SIZE=PAGE)
    cipher = SettingsCipher(b"bench-secret-key")
    context = SourceContext(http=httpx.AsyncClient(), production=False, max_bytes=1)
    return SyncEnvironment(settings=settings, cipher=cipher, source=context, owner="bench"), cipher


async def measure(backend: Backend) -> dict[str, Any]:
    source = register()
    env, cipher = await engine_environment(backend, CONTACTS)
    engine_account = await fixtures.make_account("engine")
    (auto_import,) = await fixtures.make_imports(engine_account, SERVICE_ID, 1, cipher=cipher,
                                                 settings_of=lambda n: {"feed": "engine"})
    floor_account, naive_account = await fixtures.make_account("floor"), await fixtures.make_account("naive")
    results = []
    async with Floor(backend) as floor:
        for label, records in passes():
            source.feeds["engine"] = PreparedFeed.of(records)
            await fixtures.make_due([auto_import.id])
            with Stopwatch() as engine:
                summary = await sync_external_account(auto_import.external_account_id, env)
            assert summary.records == len(records), summary
            with Stopwatch() as floor_watch:
                await floor.upsert(floor_account.id, records)
            with Stopwatch() as naive:
                await naive_upsert(naive_account.id, records[:NAIVE_SAMPLE])
            results.append(_pass_figures(label, len(records), engine.seconds, floor_watch.seconds, naive.seconds))
    assert await Contact.filter(account_id=engine_account.id).count() == CONTACTS
    return {"contacts": CONTACTS, "naive_sample": NAIVE_SAMPLE, "passes": results}


def _pass_figures(label: str, count: int, engine: float, floor: float, naive: float) -> dict[str, Any]:
    engine_rate, floor_rate, naive_rate = count / engine, count / floor, NAIVE_SAMPLE / naive
    return {"pass": label, "engine_per_s": round(engine_rate), "floor_per_s": round(floor_rate),
            "naive_per_s": round(naive_rate), "engine_vs_floor": ratio(engine_rate, floor_rate),
            "engine_vs_naive": ratio(engine_rate, naive_rate)}


TARGETS = {"first retrieval": 0.5, "re-sync, nothing changed": 0.8}


def show(backend: str, figures: dict[str, Any]) -> None:
    rows = [(p["pass"], p["engine_per_s"], p["floor_per_s"], p["naive_per_s"], p["engine_vs_floor"],
             p["engine_vs_naive"], _verdict(p)) for p in figures["passes"]]
    print_table(f"Engine throughput on {backend}: {figures['contacts']:,} contacts (contacts/s; naive on "
                f"{figures['naive_sample']:,})",
                ["pass", "engine", "floor", "naive ORM", "engine/floor", "engine/naive", "target"], rows)


def _verdict(p: dict[str, Any]) -> str:
    wanted = TARGETS.get(p["pass"])
    parts = [f"naive≥20x {'met' if p['engine_vs_naive'] >= 20 else 'MISSED'}"]
    if wanted is not None:
        parts.insert(0, f"floor≥{wanted}x {'met' if p['engine_vs_floor'] >= wanted else 'MISSED'}")
    return ", ".join(parts)


if __name__ == "__main__":
    run_main("engine", measure, show)
