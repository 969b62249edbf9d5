"""Accounts: creation, plan limits and API-token authentication."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import cast

from tortoise.transactions import in_transaction

from app.accounts.models import Account, ApiToken
from app.accounts.repository import token_owner
from app.autoimports.repository import AutoImportRepository
from app.errors import Conflict, Invalid, NotFound
from app.security import hash_api_token, new_api_token
from app.text import quoted


def _check_limit(contact_limit: int) -> None:
    if contact_limit < 0:
        raise Invalid("The contact limit cannot be negative.", ["contactLimit"])


async def create_account(name: str, contact_limit: int) -> tuple[Account, str]:
    """Creates an account and its first API token; the token is returned once and stored hashed."""
    name = name.strip()
    if not name:
        raise Invalid("An account needs a name.", ["name"])
    _check_limit(contact_limit)
    if await Account.exists(name=name):
        raise Conflict(f"An account named {quoted(name)} already exists.", ["name"])
    token = new_api_token()
    async with in_transaction():
        account = await Account.create(name=name, contact_limit=contact_limit)
        await ApiToken.create(account=account, token_hash=hash_api_token(token))
    return account, token


async def set_contact_limit(name: str, contact_limit: int) -> Account:
    """Changes the plan limit. Raising it makes imports holding deferred contacts due at once,
    so the contacts they could not add arrive on the next tick rather than in 30 minutes."""
    _check_limit(contact_limit)
    account = await Account.get_or_none(name=name)
    if account is None:
        raise NotFound(f"There is no account named {quoted(name)}.", ["name"])
    raised = contact_limit > account.contact_limit
    account.contact_limit = contact_limit
    await account.save(update_fields=["contact_limit"])
    if raised:
        imports = AutoImportRepository(account.id)
        waiting = await imports.deferred().values_list("auto_import_id", flat=True)
        await imports.imports().filter(id__in=list(set(cast("list[int]", waiting)))).update(
            next_sync_at=datetime.now(timezone.utc))
    return account


async def new_token(name: str) -> str:
    account = await Account.get_or_none(name=name)
    if account is None:
        raise NotFound(f"There is no account named {quoted(name)}.", ["name"])
    token = new_api_token()
    await ApiToken.create(account=account, token_hash=hash_api_token(token))
    return token


async def authenticate(token: str) -> Account | None:
    return await authenticate_hash(hash_api_token(token)) if token else None


async def authenticate_hash(token_hash: str) -> Account | None:
    """The account of the API token with this SHA-256 (`hash_api_token`), or None."""
    return await token_owner(token_hash)
