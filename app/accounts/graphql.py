from __future__ import annotations

import strawberry

from app.accounts.models import Account
from app.accounts.repository import current_contact_limit
from app.contacts.service import contact_count


@strawberry.type(name="Account", description="The account the API token belongs to: every object the API shows "
                 "or changes belongs to it.")
class AccountType:
    id: strawberry.ID = strawberry.field(description="The account's id.")
    name: str = strawberry.field(description="The account's name, as its administrator set it.")

    @strawberry.field(
        description="How many contacts the account's plan allows (contacts of every status count). At the limit "
        "imports stop adding new contacts (they still update existing ones) and keep the waiting ones, which "
        "arrive in the next syncs once the limit is raised; `createContact` is refused. Set by the "
        "administrator (`autoimport accounts set-limit`), not through this API.")
    async def contact_limit(self) -> int:
        # read now, not from the authenticated account, which may be a few seconds old: a raised
        # limit shows at once next to the contact count
        return await current_contact_limit(int(self.id))

    @strawberry.field(description="How many contacts the account has now, of every status (unsubscribed and "
                      "bounced ones included), compared with `contactLimit`.")
    async def contact_count(self) -> int:
        return await contact_count(int(self.id))

    @classmethod
    def from_model(cls, row: Account) -> AccountType:
        return cls(id=strawberry.ID(str(row.id)), name=row.name)
