"""Ctrl-C on `make run` (`autoimport run`) stops everything it started: the API, the worker, the
simulators and the embedded redis-server. The terminal sends SIGINT to the whole foreground
process group; so does this test, then it checks that no process of that group is left."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _group_members(group: int) -> set[int]:
    members = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[2]) == group and fields[0] != "Z":  # fields: state, ppid, pgrp
                members.add(int(entry.name))
    return members


def _naming(directory: Path) -> set[int]:
    """Processes whose command line names `directory`, whatever their group (a daemon leaves it)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(directory) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.add(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def test_ctrl_c_stops_every_process_make_run_started(tmp_path: Path, repo_root: Path) -> None:
    port = _free_port()
    env = {"PATH": os.environ.get("PATH", ""), "PORT": str(port), "AUTOIMPORT_VAR_DIR": str(tmp_path / "var"),
           "AUTOIMPORT_WEB_DIST": str(tmp_path / "no-page")}
    output = tmp_path / "run.log"
    with output.open("wb") as out:
        run = subprocess.Popen([str(BIN / "autoimport"), "run"], cwd=repo_root, env=env, start_new_session=True,
                               stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert run.poll() is None, f"autoimport run exited with {run.returncode}"
            assert time.monotonic() < deadline, "the API did not answer /health within 120 s"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        started = _group_members(run.pid)
        assert len(started) >= 4, started  # run, the API, the worker, the simulators (and redis-server)

        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        run.wait(60)

        deadline = time.monotonic() + 20
        while _group_members(run.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group_members(run.pid), f"left running: {_group_members(run.pid)} of {started}"
        assert not _naming(tmp_path), "a process using this run's var/ (its redis-server?) was left running"
        # One Ctrl-C is a clean stop: no child is signalled twice into a forced exit with a traceback.
        assert "Traceback" not in output.read_text(errors="replace"), output.read_text(errors="replace")[-3000:]
    finally:
        if _group_members(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
