"""Worker memory while draining a 100,000-contact backlog: it must stay flat, bounded by the page.

A subprocess (`bench.memory_worker`) runs the engine sync after sync (500 records each) until the
backlog is drained; this process reads its VmRSS from /proc/<pid>/status every 50 ms. Reported:
the peak, and the growth between the first and the last tenth of the run (medians of each).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from app.contacts.models import Contact
from app.security import SettingsCipher
from bench import fixtures
from bench.source import SERVICE_ID
from bench.support import Backend, median, print_table, run_main

CONTACTS = 100_000
SAMPLE_EVERY = 0.05
ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


async def _sample(worker: subprocess.Popen[bytes]) -> list[tuple[float, float]]:
    samples, started = [], time.monotonic()
    while worker.poll() is None:
        value = rss_mb(worker.pid)
        if value is not None:
            samples.append((time.monotonic() - started, value))
        await asyncio.sleep(SAMPLE_EVERY)
    return samples


def _window(samples: list[tuple[float, float]], low: float, high: float) -> float:
    end = samples[-1][0]
    return median([mb for at, mb in samples if low * end <= at <= high * end])


async def measure(backend: Backend) -> dict[str, Any]:
    account = await fixtures.make_account("memory")
    (auto_import,) = await fixtures.make_imports(account, SERVICE_ID, 1, cipher=SettingsCipher(b"bench-secret-key"))
    worker = subprocess.Popen([sys.executable, "-m", "bench.memory_worker", backend.database_url,
                               str(auto_import.external_account_id), str(CONTACTS)], cwd=ROOT, stdout=subprocess.PIPE)
    started = time.monotonic()
    samples = await _sample(worker)
    seconds = time.monotonic() - started
    output = worker.stdout.read().decode().strip() if worker.stdout else ""
    assert worker.returncode == 0, output
    assert await Contact.filter(account_id=account.id).count() == CONTACTS
    first, last = _window(samples, 0, 0.1), _window(samples, 0.9, 1.0)
    return {"contacts": CONTACTS, "seconds": round(seconds, 1), "worker": output, "samples": len(samples),
            "peak_mb": round(max(mb for _, mb in samples), 1), "first_tenth_mb": round(first, 1),
            "last_tenth_mb": round(last, 1), "growth_mb": round(last - first, 1),
            "contacts_per_s": round(CONTACTS / seconds)}


def show(backend: str, figures: dict[str, Any]) -> None:
    met = "met" if abs(figures["growth_mb"]) <= 50 else "MISSED"
    print_table(f"Worker memory on {backend}: draining {figures['contacts']:,} contacts ({figures['worker']})",
                ["seconds", "contacts/s", "RSS first 10% MB", "RSS last 10% MB", "growth MB", "peak MB",
                 "flat within 50 MB"],
                [(figures["seconds"], figures["contacts_per_s"], figures["first_tenth_mb"], figures["last_tenth_mb"],
                  figures["growth_mb"], figures["peak_mb"], met)])


if __name__ == "__main__":
    run_main("memory", measure, show)
