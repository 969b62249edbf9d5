"""Prints, at the end of the run, how many requests, responses and fields the proof tests checked
against each service's own published material."""

from __future__ import annotations

import pytest

from tests.connectors.official.recording import TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    terminalreporter.section("checked against the services' own specifications")
    for service, counts in sorted(TALLY.items()):
        terminalreporter.write_line(
            f"{service}: {counts['requests']} requests ({counts['request_fields']} parameters and body fields), "
            f"{counts['responses']} responses ({counts['fields']} response values)")
