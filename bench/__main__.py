"""`python -m bench [name ...]`: every benchmark (or those named), on SQLite and, when
`AUTOIMPORT_TEST_DATABASE_URL` is set, on PostgreSQL; one process per benchmark and backend.

Names: engine, end_to_end, api, scheduler, memory, page, load, peer (on SQLite only: its peer is
dlt merging into SQLite). Each prints its table and writes `bench/results/<name>-<backend>-<timestamp>.json`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.support import backend_names

MODULES = {
    "engine": "bench.engine_throughput",
    "end_to_end": "bench.end_to_end",
    "api": "bench.api",
    "scheduler": "bench.scheduler",
    "memory": "bench.memory",
    "page": "bench.page",
    "load": "bench.load",
    "peer": "bench.peer",
}
ONLY_ON = {"peer": ["sqlite"]}
ROOT = Path(__file__).resolve().parent.parent


def main(names: list[str]) -> int:
    unknown = set(names) - set(MODULES)
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(sorted(unknown))}. Known: {', '.join(MODULES)}.")
        return 2
    print(f"autoimport benchmarks on {os.cpu_count()} CPU(s), backends: {', '.join(backend_names())}")
    started, failed = time.monotonic(), []
    for name in names or list(MODULES):
        for backend in ONLY_ON.get(name, backend_names()):
            code = subprocess.call([sys.executable, "-m", MODULES[name], backend], cwd=ROOT)
            if code != 0:
                failed.append(f"{name} on {backend}")
    print(f"\nAll benchmarks: {time.monotonic() - started:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
