"""The ids a log line carries (account, import, sync run, external account), from contextvars.

The engine binds them where it knows them (`bound(...)`), and every record logged inside, by
any logger, gets them as attributes (`ContextFilter`), so an operator can follow one sync across
its lines without the code passing ids to each log call. Ids only: never names or settings.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType

FIELDS = ("account_id", "auto_import_id", "sync_run_id", "external_account_id")
_current: ContextVar[Mapping[str, int]] = ContextVar("autoimport_log_context", default=MappingProxyType({}))


@contextlib.contextmanager
def bound(**ids: int | None) -> Iterator[None]:
    """Adds `ids` (those not None) to the context of the lines logged inside."""
    token = _current.set({**_current.get(), **{k: int(v) for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _current.reset(token)


def current() -> dict[str, int]:
    return dict(_current.get())


class ContextFilter(logging.Filter):
    """Puts the bound ids on every record that passes (a handler's filter: it never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _current.get().items():
            setattr(record, key, value)
        return True
