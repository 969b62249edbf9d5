"""Settings, read once from the environment into one typed object and passed in."""

from __future__ import annotations

import secrets
from enum import Enum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# `npm run build` in web/ writes the import page here; the app serves it when it exists.
DEFAULT_WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"


# The largest AUTOIMPORT_SYNC_PAGE_SIZE: a page's bulk statements each bind at most a page of values
# (an `__in` of the page's ids, emails or contacts, plus the service's custom fields and a few
# more; the PostgreSQL upserts bind one array per column), so 10,000 leaves a wide margin below
# asyncpg's 32,767 parameters and SQLite's default 32,766 variables. tests/sync/test_page_size_bound.py
# syncs pages of this size through every one of those statements on both databases.
MAX_SYNC_PAGE_SIZE = 10_000
# The largest AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE: a page's field values are read by the ids of
# the service's fields with the page's contacts (at most 12,000 values with the page above).
MAX_CUSTOM_FIELDS_PER_SERVICE = 2_000


class Environment(str, Enum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    var_dir: Path = Field(default=Path("var"), alias="AUTOIMPORT_VAR_DIR")
    database_url: str = Field(default="", alias="DATABASE_URL")
    redis_url: str = Field(default="", alias="REDIS_URL")
    port: int = Field(default=8000, alias="PORT")
    env: Environment = Field(default=Environment.DEVELOPMENT, alias="AUTOIMPORT_ENV")
    secret_key: SecretStr = Field(default=SecretStr(""), alias="AUTOIMPORT_SECRET_KEY")
    sync_interval: int = Field(default=1800, ge=1, alias="AUTOIMPORT_SYNC_INTERVAL")
    sync_limit: int = Field(default=500, ge=1, alias="AUTOIMPORT_SYNC_LIMIT")
    sync_page_size: int = Field(default=500, ge=1, le=MAX_SYNC_PAGE_SIZE, alias="AUTOIMPORT_SYNC_PAGE_SIZE")
    sync_job_timeout: int = Field(default=300, ge=5, alias="AUTOIMPORT_SYNC_JOB_TIMEOUT")
    sync_lease_seconds: int = Field(default=60, ge=2, alias="AUTOIMPORT_SYNC_LEASE_SECONDS")
    max_failure_streak: int = Field(default=20, ge=1, alias="AUTOIMPORT_MAX_FAILURE_STREAK")
    csv_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1024, alias="AUTOIMPORT_CSV_MAX_BYTES")
    # A feed with 100,000 columns must not make 100,000 fields: the rest is a troubleshooting problem.
    max_custom_fields_per_service: int = Field(default=200, ge=0, le=MAX_CUSTOM_FIELDS_PER_SERVICE,
                                               alias="AUTOIMPORT_MAX_CUSTOM_FIELDS_PER_SERVICE")
    http_timeout: float = Field(default=30.0, gt=0, alias="AUTOIMPORT_HTTP_TIMEOUT")
    source_request_deadline: float = Field(default=60.0, gt=0, alias="AUTOIMPORT_SOURCE_REQUEST_DEADLINE")
    http_retries: int = Field(default=3, ge=0, alias="AUTOIMPORT_HTTP_RETRIES")
    max_request_bytes: int = Field(default=1024 * 1024, ge=1024, alias="AUTOIMPORT_MAX_REQUEST_BYTES")
    max_retry_after: int = Field(default=60, ge=0, alias="AUTOIMPORT_MAX_RETRY_AFTER")
    # How long an API process trusts a token it authenticated (app/accounts/token_cache.py); 0: never
    token_cache_seconds: float = Field(default=5.0, ge=0, alias="AUTOIMPORT_TOKEN_CACHE_SECONDS")

    public_url: str = Field(default="", alias="AUTOIMPORT_PUBLIC_URL")
    # `GET /metrics` in production needs `Authorization: Bearer <this>`; unset there, it is off.
    metrics_token: SecretStr = Field(default=SecretStr(""), alias="AUTOIMPORT_METRICS_TOKEN")
    web_dist: Path = Field(default=DEFAULT_WEB_DIST, alias="AUTOIMPORT_WEB_DIST")
    # Base URLs of the services' APIs by name (google_people, google_oauth, shopify, hubspot,
    # pipedrive): a JSON object, so tests and the demo point connectors at a simulator.
    endpoints: dict[str, str] = Field(default_factory=dict, alias="AUTOIMPORT_ENDPOINTS")
    google_client_id: str = Field(default="", alias="AUTOIMPORT_GOOGLE_CLIENT_ID")
    google_client_secret: SecretStr = Field(default=SecretStr(""), alias="AUTOIMPORT_GOOGLE_CLIENT_SECRET")
    hubspot_client_id: str = Field(default="", alias="AUTOIMPORT_HUBSPOT_CLIENT_ID")
    hubspot_client_secret: SecretStr = Field(default=SecretStr(""), alias="AUTOIMPORT_HUBSPOT_CLIENT_SECRET")
    salesforce_client_id: str = Field(default="", alias="AUTOIMPORT_SALESFORCE_CLIENT_ID")
    salesforce_client_secret: SecretStr = Field(default=SecretStr(""), alias="AUTOIMPORT_SALESFORCE_CLIENT_SECRET")
    mailchimp_client_id: str = Field(default="", alias="AUTOIMPORT_MAILCHIMP_CLIENT_ID")
    mailchimp_client_secret: SecretStr = Field(default=SecretStr(""), alias="AUTOIMPORT_MAILCHIMP_CLIENT_SECRET")

    @model_validator(mode="after")
    def _require_secret_in_production(self) -> Settings:
        if self.is_production and not self.secret_key.get_secret_value():
            raise ValueError("AUTOIMPORT_SECRET_KEY is required when AUTOIMPORT_ENV=production")
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def resolved_public_url(self) -> str:
        """Where users' browsers reach this API (OAuth callbacks are sent there)."""
        return (self.public_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    def oauth_clients(self) -> dict[str, tuple[str, str]]:
        """The OAuth applications configured, by service id: (client id, client secret)."""
        pairs = {
            "google_contacts": (self.google_client_id, self.google_client_secret.get_secret_value()),
            "hubspot": (self.hubspot_client_id, self.hubspot_client_secret.get_secret_value()),
            "salesforce": (self.salesforce_client_id, self.salesforce_client_secret.get_secret_value()),
            "mailchimp": (self.mailchimp_client_id, self.mailchimp_client_secret.get_secret_value()),
        }
        return {service: pair for service, pair in pairs.items() if pair[0] and pair[1]}

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite://{(self.var_dir / 'autoimport.sqlite3').resolve()}"

    def resolved_secret_key(self) -> bytes:
        """The key that encrypts connection settings; in development it is generated into var/."""
        given = self.secret_key.get_secret_value()
        if given:
            return given.encode()
        key_file = self.var_dir / "secret_key"
        if not key_file.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
