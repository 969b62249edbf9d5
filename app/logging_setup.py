"""Logging for the API and the worker: secrets never reach a log line, at any level.

Every record is redacted when it is created (a log-record factory, so every logger and every
handler sees the redacted text, the exception text included): credentials in URLs
(`user:password@`), secret-looking query parameters (`token=`, `sig=`, `api_key=`, `code=`...),
`Authorization`-style headers and `Bearer` values, and token fields of JSON or form bodies.
httpx and httpcore are also quieted to WARNING: their INFO line names every URL requested.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from typing import Any

REDACTED = "[REDACTED]"
_SECRET_WORDS = r"token|sig|signature|secret|password|passwd|pwd|api[_-]?key|apikey|key|auth|credential|session|verifier"
_SECRET_NAME = rf"[\w.-]*(?:{_SECRET_WORDS})[\w.-]*"
# In a URL or a form body an OAuth `code` or `state` is a secret too; as a word in prose it is not.
_SECRET_PARAMETER = rf"[\w.-]*(?:{_SECRET_WORDS}|code|state)[\w.-]*"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # user:password@ (or a bare token as the user) in any URL
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@'\"<>]+@"), rf"\1{REDACTED}@"),
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


def redact_secrets(text: str) -> str:
    """`text` with every credential-looking part replaced by `[REDACTED]`."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacting_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            record.msg, record.args = redact_secrets(record.getMessage()), None
        except Exception:  # noqa: BLE001 - a message that cannot be formatted is logged as given
            record.msg, record.args = redact_secrets(str(record.msg)), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact_secrets("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
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
    """The worker's and the CLI's logging: one plain line per record, secrets redacted."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_secret_redaction()
