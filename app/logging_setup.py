"""Logging for the API and the worker: secrets never reach a log line, at any level.

Every record is redacted when it is created (a log-record factory, so every logger and every
handler sees the redacted text, the exception text included): credentials in URLs
(`user:password@`), secret-looking query parameters (`token=`, `sig=`, `api_key=`, `code=`...),
`Authorization`-style headers and `Bearer` values, and token fields of JSON or form bodies.
httpx and httpcore are also quieted to WARNING: their INFO line names every URL requested.
A message is cut at 2,000 characters and a traceback at 20,000, so an echoed argument stays small.

In production each record is one line of JSON (`JsonLines`: time, level, logger, message, the
exception, and the account, import, sync run and external account ids bound in `log_context`);
in development a plain line, with the same ids appended when there are any.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from app.config import get_settings
from app.log_context import FIELDS, ContextFilter

REDACTED = "[REDACTED]"
_SECRET_WORDS = (r"token|sig|signature|secret|password|passwd|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
                 r"|auth|credential|session|verifier")
# Names start where a word starts and their quantifiers are bounded: the patterns stay linear on
# a long run of letters (an unbounded `[\w]*` prefix made one 200 KB argument take minutes).
_SECRET_NAME = rf"(?<![\w.-])[\w.-]{{0,40}}?(?:{_SECRET_WORDS})[\w.-]{{0,40}}"
# In a URL or a form body an OAuth `code` or `state` is a secret too; as a word in prose it is not.
_SECRET_PARAMETER = rf"[\w.-]{{0,40}}?(?:{_SECRET_WORDS}|key|code|state)[\w.-]{{0,40}}"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # user:password@ (or a bare token as the user) in any URL
    (re.compile(r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}://)[^\s/@'\"<>]+@"), rf"\1{REDACTED}@"),
    # secret-looking query or form parameters: ?token=..., &sig=..., api_key=...
    (re.compile(rf"(?i)([?&;]{_SECRET_PARAMETER}=)[^&\s#'\"<>]*"), rf"\1{REDACTED}"),
    (re.compile(rf"(?i)(^|[\s(,])({_SECRET_NAME}=)[^&\s#'\"<>,)]+"), rf"\1\2{REDACTED}"),
    # headers and JSON/dict fields: Authorization: ..., "access_token": "...", 'x-api-token': '...'
    (re.compile(rf"(?i)([\"']?(?:authorization|proxy-authorization|cookie|set-cookie|{_SECRET_NAME})[\"']?"
                r"\s*[:=]\s*[\"']?)(?:(?:bearer|basic|token)\s+)?[^\s\"',}&]+"), rf"\1{REDACTED}"),
    # a Bearer value anywhere else
    (re.compile(r"(?i)\b(bearer\s+)[\w.~+/=-]+"), rf"\1{REDACTED}"),
)
QUIET_LOGGERS = ("httpx", "httpcore", "hpack")
# One long argument must not grow the log by megabytes: a line, and a traceback, are cut here.
MAX_MESSAGE_CHARACTERS = 2000
MAX_TRACEBACK_CHARACTERS = 20_000


def _bounded_redacted(text: str, limit: int) -> str:
    """Cut first (with a margin, so a secret across the cut is still recognised), then redacted."""
    if len(text) <= limit:
        return redact_secrets(text)
    return f"{redact_secrets(text[:limit + 200])[:limit]}… [cut: {len(text)} characters]"


def redact_secrets(text: str) -> str:
    """`text` with every credential-looking part replaced by `[REDACTED]`."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacting_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg, record.args = _bounded_redacted(message, MAX_MESSAGE_CHARACTERS), None
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = _bounded_redacted(text, MAX_TRACEBACK_CHARACTERS)
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info)
        return record

    factory.redacts_secrets = True  # type: ignore[attr-defined]
    return factory


def install_secret_redaction() -> None:
    """Redacts every log record of this process from now on (idempotent); quiets httpx."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacts_secrets", False):
        logging.setLogRecordFactory(_redacting_factory(current))
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line (newlines in a message or traceback are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
        }
        line |= {key: getattr(record, key) for key in FIELDS if hasattr(record, key)}
        if record.exc_info:
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class PlainLines(logging.Formatter):
    """The development line, with the bound ids after the message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = " ".join(f"{key}={getattr(record, key)}" for key in FIELDS if hasattr(record, key))
        return f"{text} [{ids}]" if ids else text


def log_handler(stream: Any = None, *, json_lines: bool) -> logging.Handler:
    """The handler `configure_logging` installs: JSON lines or plain ones, with the bound ids."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines() if json_lines else PlainLines())
    handler.addFilter(ContextFilter())
    return handler


def configure_logging(level: int = logging.INFO, *, json_lines: bool | None = None) -> None:
    """The API's, the worker's and the CLI's logging: one line per record, secrets redacted; JSON
    in production (`json_lines` None: as the settings say), plain in development.

    A logger that already prints through handlers of its own (the `arq` CLI gives `arq` one) stops
    propagating to the root handler set up here, so each of its lines is printed once, not twice."""
    if json_lines is None:
        json_lines = get_settings().is_production
    logging.basicConfig(level=level, handlers=[log_handler(json_lines=json_lines)])
    for name in ("arq",):
        own = logging.getLogger(name)
        if own.handlers:
            own.propagate = False
            for handler in own.handlers:  # its lines in the same shape as everyone's
                handler.setFormatter(JsonLines() if json_lines else PlainLines())
                handler.addFilter(ContextFilter())
    install_secret_redaction()
