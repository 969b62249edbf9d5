"""Engine throughput: the real sync engine against the floor and the naive ORM, same records.

20,000 contacts from the in-process source: a first retrieval (inserts), a re-sync with 10% of
them changed, and a re-sync with nothing changed. The engine runs as a worker runs it
(`sync_external_account`, pages of 500, one transaction per page), with a budget large enough to
take all 20,000 in one sync. The naive ORM (`update_or_create` per contact) is measured on the
first 2,000 records of each pass: its cost per contact does not depend on how many there are,
and 20,000 of them would take a minute per pass. Three rounds, each on a fresh import and a fresh
floor account, engine and floor alternating pass by pass; the table shows medians.

The floor calls email-validator for each email; the engine gets the same answers from it at a
fraction of the cost (`app/sync/emails.py` caches the verdict per domain), which is part of what it
saves on a first retrieval. The floor writes one table; the engine writes three (contacts, their
provenance, the records' fingerprints), each with its foreign keys checked row by row on
PostgreSQL.
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
from bench.support import Backend, Stopwatch, median, print_table, ratio, run_main

CONTACTS = 20_000
NAIVE_SAMPLE = 2_000
ROUNDS = 3
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
    naive_account = await fixtures.make_account("naive")
    timings: dict[str, dict[str, list[float]]] = {label: {"engine": [], "floor": [], "naive": []}
                                                 for label, _ in passes()}
    async with Floor(backend) as floor:
        for round_ in range(ROUNDS):  # engine and floor alternate, so a slow spell of the machine hits both
            engine_account = await fixtures.make_account(f"engine-{round_}")
            (auto_import,) = await fixtures.make_imports(engine_account, SERVICE_ID, 1, cipher=cipher,
                                                         settings_of=lambda n, r=round_: {"feed": f"engine-{r}"})
            floor_account = await fixtures.make_account(f"floor-{round_}")
            for label, records in passes():
                times = timings[label]
                source.feeds[f"engine-{round_}"] = PreparedFeed.of(records)
                await fixtures.make_due([auto_import.id])
                with Stopwatch() as engine:
                    summary = await sync_external_account(auto_import.external_account_id, env)
                assert summary.records == len(records), summary
                times["engine"].append(engine.seconds)
                with Stopwatch() as floor_watch:
                    await floor.upsert(floor_account.id, records)
                times["floor"].append(floor_watch.seconds)
                if round_ == 0:
                    with Stopwatch() as naive:
                        await naive_upsert(naive_account.id, records[:NAIVE_SAMPLE])
                    times["naive"].append(naive.seconds)
            assert await Contact.filter(account_id=engine_account.id).count() == CONTACTS
    results = [_pass_figures(label, CONTACTS, median(t["engine"]), median(t["floor"]), median(t["naive"]))
               for label, t in timings.items()]
    return {"contacts": CONTACTS, "naive_sample": NAIVE_SAMPLE, "rounds": ROUNDS, "backend": backend.name,
            "passes": results}


def _pass_figures(label: str, count: int, engine: float, floor: float, naive: float) -> dict[str, Any]:
    engine_rate, floor_rate, naive_rate = count / engine, count / floor, NAIVE_SAMPLE / naive
    return {"pass": label, "engine_per_s": round(engine_rate), "floor_per_s": round(floor_rate),
            "naive_per_s": round(naive_rate), "engine_vs_floor": ratio(engine_rate, floor_rate),
            "engine_vs_naive": ratio(engine_rate, naive_rate)}


# engine/floor targets of issue 11, per backend
TARGETS = {"sqlite": {"first retrieval": 0.8, "re-sync, nothing changed": 0.8},
           "postgres": {"first retrieval": 0.6, "re-sync, nothing changed": 0.8}}


def show(backend: str, figures: dict[str, Any]) -> None:
    rows = [(p["pass"], p["engine_per_s"], p["floor_per_s"], p["naive_per_s"], p["engine_vs_floor"],
             p["engine_vs_naive"], _verdict(backend, p)) for p in figures["passes"]]
    print_table(f"Engine throughput on {backend}: {figures['contacts']:,} contacts (contacts/s, median of "
                f"{figures['rounds']} rounds, engine and floor alternating; naive on {figures['naive_sample']:,})",
                ["pass", "engine", "floor", "naive ORM", "engine/floor", "engine/naive", "target"], rows)


def _verdict(backend: str, p: dict[str, Any]) -> str:
    wanted = TARGETS[backend].get(p["pass"])
    parts = [f"naive≥20x {'met' if p['engine_vs_naive'] >= 20 else 'MISSED'}"]
    if wanted is not None:
        parts.insert(0, f"floor≥{wanted}x {'met' if p['engine_vs_floor'] >= wanted else 'MISSED'}")
    return ", ".join(parts)


if __name__ == "__main__":
    run_main("engine", measure, show)
