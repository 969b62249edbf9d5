"""Demo data for `make run`: an account, a sample CSV feed without credentials, and an import."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from app import db
from app.accounts.models import Account
from app.accounts.service import create_account, new_token
from app.autoimports.service import create_auto_import
from app.config import Settings
from app.connections.service import connect_service
from app.connectors.source_context import new_http_client, source_context
from app.contacts.service import create_list
from app.security import SettingsCipher

DEMO_ACCOUNT = "Demo"
FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger"]
LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra"]
PLANS = ["Free", "Starter", "Pro", "Enterprise"]


@dataclass
class Demo:
    token: str
    feed_path: Path
    created: bool


def write_sample_feed(path: Path, rows: int = 1234, seed: int = 7) -> None:
    """A believable feed: 1,234 contacts, a few without or with broken emails, custom columns."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "First name", "Last name", "Phone", "Plan", "Birthday"])
        for n in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first}.{last}.{n}@example.com".lower()
            if n % 250 == 17:
                email = ""
            elif n % 250 == 42:
                email = f"{first}.{last}.{n}@@example"
            birthday = f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            writer.writerow([email, first, last, f"+1555{n:07d}", rng.choice(PLANS), birthday])


async def ensure_demo(settings: Settings) -> Demo:
    """Creates the demo account, feed and import once; later calls only issue a new token."""
    feed_path = (settings.var_dir / "demo" / "contacts.csv").resolve()
    if not feed_path.exists():
        write_sample_feed(feed_path)
    await db.connect(settings.resolved_database_url)
    try:
        if await Account.exists(name=DEMO_ACCOUNT):
            return Demo(await new_token(DEMO_ACCOUNT), feed_path, created=False)
        account, token = await create_account(DEMO_ACCOUNT, contact_limit=1000)
        async with new_http_client(settings) as http:
            connection = await connect_service(
                account.id, "csv_feed", "Sample customers sheet", {"url": feed_path.as_uri()},
                SettingsCipher(settings.resolved_secret_key()), source_context(settings, http),
            )
        customers = await create_list(account.id, "Customers")
        await create_auto_import(account.id, "csv_feed", connection.id, "Sample customers", {}, [customers.id],
                                 ["sample-feed"], queue=None)
        return Demo(token, feed_path, created=True)
    finally:
        await db.disconnect()


def sign_in_example(base_url: str, token: str) -> str:
    """What `make run` prints: links that sign the demo account in to the page and to GraphiQL
    (the token travels in the fragment, which the browser never sends; the page removes it)."""
    return f"""
Sign in to the import page:  {base_url}/#token={token}
GraphiQL, signed in:         {base_url}/graphiql#token={token}
The demo account's limit is 1,000 contacts and the sample feed has 1,234 rows: watch the import
add 500 per sync, report the limit, then raise it with
  .venv/bin/autoimport accounts set-limit Demo --contact-limit 5000
"""
