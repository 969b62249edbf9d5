"""The reads that find an account rather than start from one: the API token's owner.

Every read inside an account goes through that domain's repository, built with the account.
"""

from __future__ import annotations

from app.accounts.models import Account, ApiToken


async def token_owner(token_hash: str) -> Account | None:
    """The account an API token (by its hash) belongs to; None for an unknown token."""
    found = await ApiToken.get_or_none(token_hash=token_hash).select_related("account")
    return found.account if found else None


async def current_contact_limit(account_id: int) -> int:
    """The account's contact limit as the database has it now (an authenticated account may be
    a few seconds old: `app/accounts/token_cache.py`)."""
    found = await Account.get_or_none(id=account_id).only("id", "contact_limit")
    return found.contact_limit if found else 0
