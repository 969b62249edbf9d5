"""The common-shape path of `check_email` gives email-validator's own answer, address by address.

Each address is checked twice: by `check_email` (the cached-domain path where the address has the
common shape) and by the library alone. Generated addresses cover the shape's edges (dots, every
`atext` character, case, hyphens, digits-only and one-label domains, IDNA labels, special-use
names, the length limit) and arbitrary text around it.
"""

from __future__ import annotations

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from app.sync.emails import CheckedEmail, check_email, email_key, library_normalized

ATEXT = "abcXYZ0189!#$%&'*+/=?^_`{|}~-"
LABELS = st.one_of(
    st.text(alphabet="abcdeXYZ0123-", min_size=1, max_size=12),
    st.sampled_from(["com", "org", "COM", "xn--bcher-kva", "xn--", "localhost", "local", "test", "invalid", "onion",
                     "arpa", "example", "123", "a" * 63, "a" * 64, "-x", "x-", "gmail"]),
)
DOMAINS = st.lists(LABELS, min_size=1, max_size=4).map(".".join) | st.text(alphabet="ab.-1", max_size=8)
LOCALS = st.one_of(
    st.text(alphabet=ATEXT + ".", min_size=1, max_size=70),
    st.sampled_from(["info", "INFO", "Postmaster", "sales", "www", "a" * 64, "a" * 65, "é", "\"quoted\"", "a b"]),
)
COMMON_SHAPE = st.builds(lambda local, domain: f"{local}@{domain}", LOCALS, DOMAINS)
LONG = st.builds(lambda n, domain: f"{'x' * n}@{domain}", st.integers(180, 260), st.sampled_from(
    ["example.com", "a" * 60 + ".com"]))
ANY_TEXT = st.text(alphabet="ab@.- \"<>[]éü\u0301Á1", max_size=30)


def library_answer(raw: str | None) -> CheckedEmail:
    trimmed = (raw or "").strip()
    if not trimmed:
        return CheckedEmail(None, None, "MISSING_EMAIL")
    normalized = library_normalized(trimmed)
    return CheckedEmail(normalized, email_key(normalized), None) if normalized else CheckedEmail(None, None,
                                                                                                  "INVALID_EMAIL")


@settings(max_examples=3000, deadline=None, database=None, derandomize=True, phases=[Phase.generate])
@given(address=st.one_of(COMMON_SHAPE, LONG, ANY_TEXT))
def test_generated_addresses_get_the_library_answer(address: str) -> None:
    assert check_email(address) == library_answer(address)


@pytest.mark.parametrize("address", [
    "Person@Example.COM", " padded@example.com ", "INFO@example.com", "info@Example.com", "a..b@example.com",
    ".a@example.com", "a.@example.com", "a@-example.com", "a@example-.com", "a@example", "a@123.456",
    "a@xn--bcher-kva.example", "a@example.com.", "a@.example.com", "a@localhost", "a@test.local",
    f"{'a' * 64}@example.com", f"{'a' * 65}@example.com", f"{'a' * 240}@example.com", f"{'a' * 242}@example.com",
    f"a@{'b' * 63}.com", f"a@{'b' * 64}.com", "a@b@example.com", "\"a b\"@example.com", "Name <a@example.com>",
    "ü@example.com", "a@bücher.example", "a@[127.0.0.1]", "", "   ", None,
])
def test_awkward_addresses_get_the_library_answer(address: str | None) -> None:
    assert check_email(address) == library_answer(address)


def test_an_invalid_domain_is_invalid_in_every_address() -> None:
    assert check_email("someone@example").problem == "INVALID_EMAIL"
    assert check_email("another.one@example").problem == "INVALID_EMAIL"  # the cached verdict
    assert check_email("someone@example.org").email == "someone@example.org"
