"""The peer benchmark's code runs: tiny size, in a process of its own (as `make bench` runs it).

It proves both sides and the floor store every contact of both passes (the benchmark asserts
that itself), the table prints with a verdict per like-for-like pass and the floor's column, and,
without dlt, the benchmark says how to install it and exits 0; not any speed. dlt is the `bench`
extra, not the `test` one: where it is absent, the run with it is skipped and the run without it
still runs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The benchmark's entry point in a process where `import dlt` fails, as where it is not installed.
WITHOUT_DLT = ("import runpy, sys; sys.modules['dlt'] = None; sys.argv = ['bench.peer', 'sqlite']; "
               "runpy.run_module('bench.peer', run_name='__main__')")


def _run(arguments: list[str], results: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AUTOIMPORT_BENCH_SIZE": "tiny", "AUTOIMPORT_BENCH_RESULTS": str(results)}
    return subprocess.run([sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=150)


@pytest.mark.skipif(importlib.util.find_spec("dlt") is None,
                    reason="dlt is the `bench` extra: pip install -e '.[bench]'")
def test_the_peer_benchmark_measures_both_passes_beside_dlt(tmp_path: Path) -> None:
    done = _run(["-m", "bench.peer", "sqlite"], tmp_path)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "The peer on sqlite" in done.stdout and "target ≥30x" in done.stdout, done.stdout
    assert "floor: times faster" in done.stdout, done.stdout
    [result] = tmp_path.glob("peer-sqlite-*.json")
    figures = json.loads(result.read_text())
    assert figures["peer"].startswith("dlt 1.31.0"), figures["peer"]
    passes = {p["pass"]: p for p in figures["passes"]}
    assert set(passes) == {"first retrieval: 50 new", "re-sync: 50 changed",
                           "first retrieval: 50 new (dlt: a new pipeline)"}
    for figure in passes.values():
        sides = (figure["ours_all_ms"], figure["dlt_all_ms"], figure["floor_all_ms"])
        assert [len(times) for times in sides] == [figures["repetitions"]] * 3, figure
        assert figure["ours_ms"] > 0 and figure["dlt_ms"] > 0 and figure["floor_ms"] > 0, figure


def test_without_dlt_the_peer_benchmark_says_how_to_install_it_and_exits_0(tmp_path: Path) -> None:
    done = _run(["-c", WITHOUT_DLT], tmp_path)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "pip install -e '.[bench]'" in done.stdout, done.stdout
    assert not list(tmp_path.glob("peer-*.json")), "no figures without the peer"
