"""The one narrow interface every connector implements, and the data it exchanges with the engine.

A connector describes its service and fetches pages of contacts after a cursor. It never touches
the database: the sync engine applies what it returns, commits the cursor with the page, and calls
it again. Errors leave a connector as the typed `SourceError`s of `app.errors`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol, TypeVar

import httpx

from app.errors import Invalid, SourceRejected

T = TypeVar("T")


class AuthKind(str, Enum):
    NONE = "NONE"
    API_KEY = "API_KEY"
    OAUTH2 = "OAUTH2"


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion a user sets when creating an import; a frontend renders it as a form input."""

    key: str
    label: str
    type: str  # "string" | "boolean" | "choice"
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()


class SettingType(str, Enum):
    """How a frontend renders a setting: TEXT, SECRET (a password field; never returned by the
    API) or URL."""

    TEXT = "TEXT"
    SECRET = "SECRET"
    URL = "URL"


@dataclass(frozen=True)
class SettingSpec:
    """One setting `connectService` takes for a service; a frontend renders it as a form input.

    The service's settings are exactly what a person can enter to connect it: `connectService`
    refuses a missing required one, an unknown key and a value that is not text before it calls
    the service. (OAuth services also take the token set a consent returns; see
    `app.connections.settings_check`.)
    """

    key: str
    label: str
    type: SettingType = SettingType.TEXT
    required: bool = True
    help: str = ""


@dataclass(frozen=True)
class Choice:
    """A value a criterion can take at the external account (a label, an owner, a stage), with
    the name the service shows for it. `value` is what the criterion accepts."""

    value: str
    label: str


@dataclass(frozen=True)
class FieldSpec:
    """A field the service brings. Standard fields map onto the contact; others become custom."""

    key: str
    label: str
    standard: bool = False


STANDARD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("email", "Email", True),
    FieldSpec("first_name", "First name", True),
    FieldSpec("last_name", "Last name", True),
    FieldSpec("phone", "Phone", True),
)
"""The contact's own fields, which every connector maps onto (no custom field, no perstag)."""


def field_key(label: str) -> str:
    """A stable key for a field label: "Date of birth" -> "date_of_birth"."""
    return re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_") or "field"


@dataclass(frozen=True)
class ServiceDescription:
    id: str
    name: str
    auth: AuthKind
    criteria: tuple[CriterionSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    settings: tuple[SettingSpec, ...] = ()

    def criterion(self, key: str) -> CriterionSpec | None:
        return next((c for c in self.criteria if c.key == key), None)

    def custom_field_title(self, label: str) -> str:
        return f"{self.name} {label}"

    def perstag(self, key: str) -> str:
        """The personalization tag of a custom field: `%GOOGLE_CONTACTS_BIRTHDAY%`."""
        return f"%{field_key(self.name).upper()}_{field_key(key).upper()}%"


@dataclass
class SourceRecord:
    """One contact as a source gives it, already mapped to our field names.

    `fields` holds the custom (non-standard) values by field key, `field_labels` the label of
    each key when the service's fields are not known in advance (a CSV header).
    """

    external_id: str
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    field_labels: dict[str, str] = field(default_factory=dict)
    unsubscribed: bool = False

    def fingerprint(self) -> str:
        """A hash of the content, so an unchanged record costs no write on the next sync."""
        content = [self.email, self.first_name, self.last_name, self.phone,
                   sorted(self.fields.items()), self.unsubscribed]
        return hashlib.sha1(_FINGERPRINT_JSON.encode(content).encode()).hexdigest()


# `json.dumps(content, ensure_ascii=False)`, whose text each stored fingerprint hashes, without
# building an encoder per call (dumps does, for any argument but the defaults): a third of the cost.
_FINGERPRINT_JSON = json.JSONEncoder(ensure_ascii=False)


@dataclass
class Page:
    """What one fetch returns. `cursor` is saved with the page; `has_more` means a backlog."""

    records: list[SourceRecord]
    cursor: dict[str, Any]
    has_more: bool
    backlog_estimate: int | None = None
    malformed: list[MalformedRecord] = field(default_factory=list)
    malformed_count: int = 0
    # Set by a connector that read the whole source for this page (a CSV file): the external ids
    # of every item there, so the engine forgets skips of items that are gone or were fixed.
    present_ids: set[str] | None = None


@dataclass(frozen=True)
class MalformedRecord:
    """A source item that could not be read as a contact (a ragged CSV row), kept as a sample."""

    external_id: str
    reason: str


class FingerprintLookup(Protocol):
    async def unchanged_ids(self, records: Sequence[SourceRecord]) -> set[str]:
        """External ids among `records` whose content was already imported as it is now."""
        ...

    async def known_ids(self, external_ids: Sequence[str]) -> set[str]:
        """External ids among these that this import has already imported (in any version), so a
        connector can pass on news about them (an unsubscribe) that its criteria would filter out."""
        ...


@dataclass
class ConnectedAccount:
    """The result of checking a connection's settings: who it is, and what to store."""

    external_account: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class OAuthClient:
    """An OAuth 2.0 application registered with a service (from settings, never from a tenant)."""

    client_id: str
    client_secret: str = field(repr=False)


@dataclass
class SourceContext:
    """What a connector may use besides its arguments: HTTP, the environment, where each
    service's API lives (a setting, so tests and the demo point it at a simulator) and the
    OAuth applications configured."""

    http: httpx.AsyncClient
    production: bool
    max_bytes: int
    retries: int = 3
    max_inline_wait: float = 5.0
    endpoints: Mapping[str, str] = field(default_factory=dict)
    oauth_clients: Mapping[str, OAuthClient] = field(default_factory=dict)
    public_url: str = "http://127.0.0.1:8000"
    # Seconds one request may take in all (every retry and every byte of the body included): the
    # client's timeout is per read, so a source dripping a byte at a time would never hit it.
    deadline: float = 60.0

    def endpoint(self, name: str, default: str) -> str:
        return self.endpoints.get(name, default).rstrip("/")


async def _discard_settings(settings: dict[str, Any]) -> None:
    return None


SettingsSaver = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class FetchRequest:
    settings: dict[str, Any]
    criteria: dict[str, Any]
    cursor: dict[str, Any]
    limit: int
    fingerprints: FingerprintLookup
    context: SourceContext
    # Persists changed connection settings (a refreshed access token, a rotated refresh token)
    # at once, encrypted, in their own transaction: called before the new token is used.
    save_settings: SettingsSaver = _discard_settings

    def stored_criteria(self, normalise: Callable[[dict[str, Any]], T]) -> T:
        """The import's criteria as `normalise` (the connector's own check) reads them.

        They passed that check when the import was saved; failing it now (a rule made stricter
        since) is `SourceRejected` with the check's words: this sync cannot go on, and an
        `Invalid` here would read as a mistake in the caller's input."""
        try:
            return normalise(self.criteria)
        except Invalid as exc:
            raise SourceRejected(f"The import's criteria are no longer valid: {exc.message}") from None


class Connector(Protocol):
    description: ServiceDescription

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        """The criteria, normalised; raises `Invalid` (with the offending key) when they are wrong."""
        ...

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """Checks settings/credentials against the service; raises `Invalid` when refused."""
        ...

    async def fetch_page(self, request: FetchRequest) -> Page:
        """At most `request.limit` records after `request.cursor`.

        Raises `RateLimited`, `NeedsReauth`, `SourceUnavailable`, `SourceRejected` or
        `CursorExpired`; never returns a partial page.
        """
        ...


class OAuthConnector(Connector, Protocol):
    """A connector whose users grant access through OAuth 2.0 (authorization code flow)."""

    def authorize_url(self, context: SourceContext, redirect_uri: str, state: str) -> str:
        """The service's consent page for our OAuth client, with `state` and `redirect_uri`.
        Raises `Invalid` when no OAuth client is configured for the service."""
        ...

    async def exchange_code(self, code: str, redirect_uri: str, context: SourceContext) -> dict[str, Any]:
        """Trades the authorization code for a token set (`access_token`, `refresh_token`,
        `expires_at` in epoch seconds). The caller then passes it to `connect`, which checks it
        against the service and names the external account. Raises `Invalid` when refused."""
        ...


class ChoiceSource(Protocol):
    """Optional, beside `Connector`: a connector whose criteria have values to pick from at the
    external account (its labels, owners, stages, tags)."""

    async def criterion_choices(self, key: str, settings: dict[str, Any], context: SourceContext,
                                save_settings: SettingsSaver) -> list[Choice]:
        """The values criterion `key` can take at the account `settings` connect to, each `value`
        accepted by `validate_criteria`. A criterion without such values (free text, a yes/no)
        gives `[]`. Raises the `SourceError`s of `fetch_page`; a refreshed token set is saved with
        `save_settings` before use. The caller has checked that `key` is a criterion."""
        ...


class CredentialRevoker(Protocol):
    """Optional, beside `Connector`: a connector whose service can revoke the credentials stored
    in a connection's settings (OAuth tokens)."""

    async def revoke_credentials(self, settings: dict[str, Any], context: SourceContext) -> None:
        """Asks the service to revoke the tokens in `settings`. Raises `SourceError` when the
        service refuses or cannot be reached; it never puts a token in a message."""
        ...
