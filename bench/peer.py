"""The peer in the same run: one of our syncs of 500 contacts against dlt's merge of the same 500 into SQLite.

Two passes, each a like-for-like pair measured in one process:
- first retrieval: 500 contacts neither side has seen. Ours: the real engine (`sync_external_account`,
  as a worker runs it, from the in-process source) for a fresh external account; dlt: the same 500
  records, `write_disposition="merge"`, `primary_key="email"`, into the pipeline's existing table.
- re-sync: the same 500 with every last name changed, on the same external account / pipeline.
Neither side pays for creating its tables inside the timing: our database is migrated, and one
warm-up round of each (not counted) creates dlt's tables and state and loads both sides' code.
A third row, not like for like and without a verdict, puts the same first syncs of ours beside
dlt's first run of a new pipeline each time (a new file: its tables and state created in the run).

The floor (`bench/floor.py`: email-validator on each email, one `executemany` upsert into the
contact table, nothing else) takes the same records in each repetition too, on an account of its
own, after each pair, for context: its column says how many times faster than dlt the other benchmarks' floor is,
in the same run. A sync writes more than the floor (provenance, fingerprints, run records) but
validates faster (`app/sync/emails.py` caches each domain's verdict).

The peer is dlt 1.31's `sqlalchemy` destination on a SQLite file (its defaults), beside our
SQLite database in the same folder. Repetitions interleave the two sides, alternating which goes
first, and the medians are compared. Only on SQLite: the peer is a SQLite peer.

dlt is the optional `bench` extra (`pip install -e '.[bench]'`, which `make bench` does); without
it this prints how to install it and exits 0. `AUTOIMPORT_BENCH_SIZE=tiny` runs 50 contacts, two
repetitions (what the test of this module uses).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.autoimports.models import AutoImport
from app.contacts.models import Contact
from app.sync.engine import SyncEnvironment, sync_external_account
from bench import fixtures
from bench.engine_throughput import engine_environment
from bench.floor import Floor
from bench.source import SERVICE_ID, PreparedFeed, PreparedSource, contact_record, register
from bench.support import Backend, Stopwatch, median, print_table, ratio, run_main

TINY = os.environ.get("AUTOIMPORT_BENCH_SIZE") == "tiny"
CONTACTS = 50 if TINY else 500
REPETITIONS = 2 if TINY else 9
TARGET = 30
FIRST, RESYNC = f"first retrieval: {CONTACTS} new", f"re-sync: {CONTACTS} changed"
# Not like for like, printed to show what a peer's first run costs: dlt into a new pipeline and
# file each time (it creates its table and state), against the same first syncs of ours.
FRESH = f"{FIRST} (dlt: a new pipeline)"
PASSES = ((FIRST, 0), (RESYNC, 1))  # (label, version of the records)
HOW_TO_INSTALL = "pip install -e '.[bench]'"


def records(repetition: int, version: int) -> list[Any]:
    return [contact_record(n, prefix=f"peer{repetition}-", version=version) for n in range(CONTACTS)]


@dataclass
class Ours:
    """The engine, one external account per repetition (index 0 is the warm-up's)."""

    env: SyncEnvironment
    source: PreparedSource
    imports: list[AutoImport]

    async def sync(self, repetition: int, version: int) -> float:
        self.source.feeds[f"feed-{repetition}"] = PreparedFeed.of(records(repetition, version))
        auto_import = self.imports[repetition]
        await fixtures.make_due([auto_import.id])
        with Stopwatch() as watch:
            summary = await sync_external_account(auto_import.external_account_id, self.env)
        assert summary.records == CONTACTS, summary
        return watch.seconds


class Peer:
    """One dlt pipeline merging into a SQLite file of its own; its table and state outlive the runs."""

    def __init__(self, folder: Path, name: str = "peer") -> None:
        os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # no network calls from a benchmark
        import dlt

        self.path = folder / f"{name}.sqlite3"
        self.pipeline = dlt.pipeline(pipeline_name=name, pipelines_dir=str(folder / "dlt"), dataset_name="main",
                                     destination=dlt.destinations.sqlalchemy(f"sqlite:///{self.path}"))

    def merge(self, repetition: int, version: int) -> float:
        rows = [{"email": r.email, "external_id": r.external_id, "first_name": r.first_name,
                 "last_name": r.last_name, "phone": r.phone} for r in records(repetition, version)]
        with Stopwatch() as watch, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dlt's merge job trips an SQLAlchemy 2.1 deprecation warning
            self.pipeline.run(rows, table_name="contacts", write_disposition="merge", primary_key="email")
        return watch.seconds

    def stored(self) -> tuple[int, int]:
        """(contacts, contacts whose last name carries a change)."""
        with sqlite3.connect(self.path) as connection:
            total, changed = connection.execute(
                "SELECT count(*), count(*) FILTER (WHERE last_name LIKE '% v1') FROM contacts").fetchone()
        return int(total), int(changed)


@dataclass
class FloorSide:
    """The floor's connection and the account it writes to."""

    floor: Floor
    account_id: int

    async def upsert(self, repetition: int, version: int) -> float:
        batch = records(repetition, version)  # built outside the timing, as ours and dlt's are
        with Stopwatch() as watch:
            await self.floor.upsert(self.account_id, batch)
        return watch.seconds


async def _pair(ours: Ours, peer: Peer, repetition: int, version: int) -> tuple[float, float]:
    """(ours, dlt) seconds for one pass; which goes first alternates, so neither always runs on a
    cache the other warmed or in the other's wake."""
    if repetition % 2:
        ours_seconds = await ours.sync(repetition, version)
        return ours_seconds, peer.merge(repetition, version)
    dlt_seconds = peer.merge(repetition, version)
    return await ours.sync(repetition, version), dlt_seconds


async def _interleaved(ours: Ours, peer: Peer, floor: FloorSide,
                       folder: Path) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {label: {"ours": [], "dlt": [], "floor": []}
                                                for label in (FIRST, FRESH, RESYNC)}
    for repetition in range(REPETITIONS + 1):
        for label, version in PASSES:
            ours_seconds, dlt_seconds = await _pair(ours, peer, repetition, version)
            floor_seconds = await floor.upsert(repetition, version)
            if repetition:  # repetition 0 is the warm-up
                times[label]["ours"].append(ours_seconds)
                times[label]["dlt"].append(dlt_seconds)
                times[label]["floor"].append(floor_seconds)
        newcomer = Peer(folder, f"fresh{repetition}")
        fresh = newcomer.merge(repetition, 0)
        assert newcomer.stored() == (CONTACTS, 0), f"dlt's new pipeline holds {newcomer.stored()}"
        if repetition:
            times[FRESH]["ours"].append(times[FIRST]["ours"][-1])
            times[FRESH]["dlt"].append(fresh)
            times[FRESH]["floor"].append(times[FIRST]["floor"][-1])
    return times


async def _assert_all_stored_everything(account_id: int, floor_account_id: int, peer: Peer) -> None:
    expected = CONTACTS * (REPETITIONS + 1)
    for side, account in (("our", account_id), ("the floor's", floor_account_id)):
        contacts = Contact.filter(account_id=account)
        stored = (await contacts.count(), await contacts.filter(last_name__endswith=" v1").count())
        assert stored == (expected, expected), f"{side} account holds {stored}, expected {expected} changed contacts"
    assert peer.stored() == (expected, expected), f"dlt's table holds {peer.stored()}, expected {expected}"


async def measure(backend: Backend) -> dict[str, Any]:
    source = register()
    env, cipher = await engine_environment(backend, CONTACTS)
    account = await fixtures.make_account("peer")
    imports = await fixtures.make_imports(account, SERVICE_ID, REPETITIONS + 1, cipher=cipher)
    peer = Peer(backend.tmp)
    floor_account = await fixtures.make_account("peer floor")
    async with Floor(backend) as floor:
        times = await _interleaved(Ours(env, source, imports), peer, FloorSide(floor, floor_account.id), backend.tmp)
    await _assert_all_stored_everything(account.id, floor_account.id, peer)
    passes = []
    for label in (FIRST, RESYNC, FRESH):
        ours_ms, dlt_ms, floor_ms = (median(times[label][side]) * 1000 for side in ("ours", "dlt", "floor"))
        passes.append({"pass": label, "ours_ms": round(ours_ms, 1), "dlt_ms": round(dlt_ms, 1),
                       "floor_ms": round(floor_ms, 1), "times_faster": ratio(dlt_ms, ours_ms),
                       "floor_times_faster": ratio(dlt_ms, floor_ms),
                       **{f"{side}_all_ms": [round(t * 1000, 1) for t in times[label][side]]
                          for side in ("ours", "dlt", "floor")}})
    return {"contacts": CONTACTS, "repetitions": REPETITIONS, "peer": f"dlt {_dlt_version()}, sqlalchemy → SQLite",
            "target_times_faster": TARGET, "passes": passes}


def _dlt_version() -> str:
    from importlib.metadata import version

    return version("dlt")


def show(backend: str, figures: dict[str, Any]) -> None:
    target = figures["target_times_faster"]
    rows = [(p["pass"], p["ours_ms"], p["dlt_ms"], p["times_faster"],
             "(not like for like)" if p["pass"] == FRESH else "met" if p["times_faster"] >= target else "MISSED",
             p["floor_ms"], p["floor_times_faster"])
            for p in figures["passes"]]
    print_table(f"The peer on {backend}: one sync of ours against {figures['peer']} merging the same "
                f"{figures['contacts']} contacts (medians of {figures['repetitions']}, interleaved)",
                ["pass", "ours ms", "dlt ms", "times faster", f"target ≥{target}x", "floor ms",
                 "floor: times faster"], rows)
    print("  floor: email-validator on each email and one upsert into the contact table (bench/floor.py)")


def _refusal(backend: str) -> str | None:
    """Why the peer is not measured here, or None when it is."""
    if backend != "sqlite":
        return f"The peer benchmark runs on SQLite only (dlt's merge into SQLite), not on {backend}."
    try:
        import dlt  # noqa: F401
    except ImportError:
        return f"The peer benchmark needs dlt, which is not installed: {HOW_TO_INSTALL} (`make bench` does)."
    return None


if __name__ == "__main__":
    refusal = _refusal(sys.argv[1] if len(sys.argv) > 1 else "sqlite")
    if refusal:
        print(refusal)
        sys.exit(0)
    run_main("peer", measure, show)
