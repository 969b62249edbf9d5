"""Email validation and the key contacts are matched by."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email


@dataclass(frozen=True)
class CheckedEmail:
    email: str | None  # the normalised address, None when invalid or missing
    key: str | None  # the lower-cased match key
    problem: str | None  # "MISSING_EMAIL" | "INVALID_EMAIL" | None


def email_key(email: str) -> str:
    """The key contacts are unique by: trimmed and lower-cased, so case variants are one contact."""
    return email.strip().lower()


def check_email(raw: str | None) -> CheckedEmail:
    """Syntax-only validation (no DNS: it fails offline and costs a lookup per record)."""
    trimmed = (raw or "").strip()
    if not trimmed:
        return CheckedEmail(None, None, "MISSING_EMAIL")
    try:
        normalized = validate_email(trimmed, check_deliverability=False).normalized
    except EmailNotValidError:
        return CheckedEmail(None, None, "INVALID_EMAIL")
    return CheckedEmail(normalized, email_key(normalized), None)
