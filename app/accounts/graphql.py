from __future__ import annotations

import strawberry

from app.accounts.models import Account
from app.contacts.service import contact_count


@strawberry.type(name="Account")
class AccountType:
    id: strawberry.ID
    name: str
    contact_limit: int

    @strawberry.field
    async def contact_count(self) -> int:
        return await contact_count(int(self.id))

    @classmethod
    def from_model(cls, row: Account) -> AccountType:
        return cls(id=strawberry.ID(str(row.id)), name=row.name, contact_limit=row.contact_limit)
