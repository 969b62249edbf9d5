"""Logging for the API and the worker: secrets never reach a log line, at any level.

Every record is redacted when it is created (a log-record factory, so every logger and every
handler sees the redacted text, the exception text included): credentials in URLs
(`user:password@`), secret-looking query parameters (`token=`, `sig=`, `api_key=`, `code=`...),
`Authorization`-style headers and `Bearer` values, and token fields of JSON or form bodies.
httpx and httpcore are also quieted to WARNING: their INFO line names every URL requested.
A message is cut at 2,000 characters and a traceback at 20,000, so an echoed argument stays small.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

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


def configure_logging(level: int = logging.INFO) -> None:
    """The API's, the worker's and the CLI's logging: one plain line per record, secrets redacted.

    A logger that already prints through handlers of its own (the `arq` CLI gives `arq` one) stops
    propagating to the root handler set up here, so each of its lines is printed once, not twice."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("arq",):
        own = logging.getLogger(name)
        if own.handlers:
            own.propagate = False
    install_secret_redaction()
