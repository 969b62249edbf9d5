"""Email validation and the key contacts are matched by.

email-validator decides what is valid. Most of its time goes to the part after the @-sign (IDNA
and Unicode checks per character), which repeats across contacts: thousands share `gmail.com`.
So an address of the common shape (a plain ASCII local part, an ASCII host name) takes the
domain's verdict from a cache of the library's own answers, and anything else goes to the library
whole. `tests/sync/test_email_fast_path.py` checks, on generated and awkward addresses, that both
ways give the same result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

# RFC 5322 dot-atom of `atext`, as email-validator accepts it without any change, then an ASCII
# host name. Anything else (quotes, Unicode, brackets, display names) is not the common shape.
_COMMON_SHAPE = re.compile(r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@([A-Za-z0-9.-]+)")
# RFC 2142 names email-validator lower-cases (`INFO@` becomes `info@`): the library handles them.
_CASE_INSENSITIVE_LOCAL = frozenset({"info", "marketing", "sales", "support", "abuse", "noc", "security",
                                     "postmaster", "hostmaster", "usenet", "news", "webmaster", "www", "uucp",
                                     "ftp"})
_MAX_LENGTH = 254  # octets, RFC 5321 4.5.3.1.3 (the library's limit)


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
    normalized = _common_shape_normalized(trimmed)
    if normalized is None:
        normalized = library_normalized(trimmed)
    if not normalized:
        return CheckedEmail(None, None, "INVALID_EMAIL")
    return CheckedEmail(normalized, email_key(normalized), None)


def library_normalized(address: str) -> str:
    """email-validator's normalised form of `address`, or "" when it is not valid."""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return ""


def _common_shape_normalized(address: str) -> str | None:
    """The library's answer for an address of the common shape ("" when invalid), or None when
    the address is not of that shape and the library must see it whole.

    For such an address the library keeps the local part as it is, so its answer is the local
    part, `@` and the domain's normalised form, provided the domain is valid and the whole is
    not over the length limit; the domain's form is the library's answer for `a@<domain>`: a
    domain invalid there is invalid in any address, since a longer local part only adds length.
    """
    match = _COMMON_SHAPE.fullmatch(address)
    if match is None or match[1].lower() in _CASE_INSENSITIVE_LOCAL:
        return None
    domain = _normalized_domain(match[2])
    if domain is None:
        return None  # a domain the library rewrites (IDNA `xn--` labels): it sees the address whole
    if not domain or len(address) > _MAX_LENGTH:
        return ""
    return f"{match[1]}@{domain}"


@lru_cache(maxsize=16_384)
def _normalized_domain(domain: str) -> str | None:
    """The library's form of an ASCII domain: "" when invalid, None when it is not just the domain
    lower-cased (then the lengths the library checks may differ from the input's)."""
    normalized = library_normalized(f"a@{domain}")
    if not normalized:
        return ""
    form = normalized.partition("@")[2]
    return form if form == domain.lower() else None
