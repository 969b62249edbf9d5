"""The CSV feed connector: a CSV file at a URL (a published Google Sheet, an export), no credentials.

What a fetch does, and what it guarantees:
- It downloads the whole file, conditionally: after a complete pass, an unchanged file costs one
  request answered 304 and no writes. During a backlog no conditional headers are sent, because
  the rows still to import are in the body we would otherwise not receive.
- It builds one record per email (the later row wins) and asks the engine which of them were
  already imported with the same content. The saved position is that set of fingerprints, not a
  row offset: a backlog drains from where it stopped, and a row edited anywhere in the file
  arrives on the next sync (a row offset would only ever see rows appended at the bottom).
- Rows with more cells than the header are not imported; they are reported on the page
  (`malformed` and `malformed_count`) for troubleshooting. How bytes
  become records is in `csv_parsing`.
- In production every address the host resolves to must be public, checked again before every
  request and every redirect hop (`url_guard`), so a tenant cannot make the server fetch internal
  services. `file://` is a development convenience and is refused in production.
- It does not de-duplicate across imports or validate emails: the engine does both.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from app.connectors.base import (
    STANDARD_FIELDS,
    AuthKind,
    ConnectedAccount,
    CriterionSpec,
    FetchRequest,
    MalformedRecord,
    Page,
    ServiceDescription,
    SettingSpec,
    SettingType,
    SourceContext,
    SourceRecord,
)
from app.connectors.csv_parsing import FeedReader, open_feed
from app.connectors.http import SourceResponse, redact_url, too_large_message
from app.connectors.url_guard import Resolver, UrlGuard, parse_http_target, resolve_host
from app.errors import Invalid, SourceError, SourceRejected
from app.text import quoted

URL_FIELD = ["settings", "url"]
CRITERIA_KEYS = ("column", "equals")
ACCEPT = "text/csv, text/plain;q=0.9, */*;q=0.5"

DESCRIPTION = ServiceDescription(
    id="csv_feed",
    name="CSV Feed",
    auth=AuthKind.NONE,
    criteria=(
        CriterionSpec("column", "Only rows where column", "string",
                      help="A column header of the file, e.g. Status. Leave empty to import every row."),
        CriterionSpec("equals", "equals", "string",
                      help="The value that column must have (case and surrounding spaces ignored)."),
    ),
    fields=(
        *STANDARD_FIELDS,
    ),
    settings=(
        SettingSpec("url", "Feed URL", SettingType.URL,
                    help="The address of the CSV file, e.g. a Google Sheet published to the web as CSV "
                         "(File > Share > Publish to web). Its first row names the columns; one must be the email."),
    ),
)


@dataclass(frozen=True)
class FeedLocation:
    """A checked feed URL. `path` is the filesystem path for file://, the URL path otherwise."""

    url: str
    scheme: str
    path: str
    account: str  # host (and explicit port) + path + query without secret values, no credentials


def parse_location(url: object) -> FeedLocation:
    """The URL checked for shape only (no network); raises `Invalid` on `settings.url`."""
    if not isinstance(url, str) or not url.strip():
        raise Invalid("Enter the URL of the CSV file.", URL_FIELD)
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost"):
            raise Invalid("A file URL must name a local path, like file:///data/contacts.csv.", URL_FIELD)
        path = unquote(parts.path)
        return FeedLocation(url, "file", path, f"file:{path}")
    try:
        target = parse_http_target(url)
    except Invalid as exc:
        raise Invalid(exc.message, URL_FIELD) from None
    return FeedLocation(url, parts.scheme.lower(), parts.path, target.label + _public_query(parts.query))


_SECRET_PARAMETER = re.compile(r"token|key|sig|secret|pass|auth|cred|session|code", re.IGNORECASE)


def _public_query(query: str) -> str:
    """The query string without parameters that may be secrets, so that two tabs of one sheet
    (`?gid=1`, `?gid=2`) are two feeds while a signed URL's signature stays out."""
    shown = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _SECRET_PARAMETER.search(k)]
    return f"?{urlencode(shown)}" if shown else ""


@dataclass(frozen=True)
class FeedDocument:
    """The bytes of the file and the validators that identify this version of it."""

    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None


def conditional_headers(cursor: dict[str, Any]) -> dict[str, str]:
    """`If-None-Match` / `If-Modified-Since`, only after a complete pass: during a backlog the
    rows still to import are in the body, so a 304 would hide them."""
    if cursor.get("complete") is not True:
        return {}
    headers = {}
    for name, key in (("If-None-Match", "etag"), ("If-Modified-Since", "last_modified")):
        value = cursor.get(key)
        if isinstance(value, str) and value and value.isascii():
            headers[name] = value
    return headers


def _read_prefix(path: str, size: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


async def read_local_file(location: FeedLocation, cursor: dict[str, Any],
                          context: SourceContext) -> FeedDocument | None:
    """The file's bytes within the size cap, or None when (mtime, size) says it is unchanged."""
    try:
        stat = await asyncio.to_thread(os.stat, location.path)
        if not os.path.isfile(location.path):
            raise SourceRejected(f"{location.path} is not a regular file.")
        version = f"file:{stat.st_mtime_ns}:{stat.st_size}"
        if cursor.get("complete") is True and cursor.get("etag") == version:
            return None
        if stat.st_size > context.max_bytes:
            raise SourceRejected(too_large_message(context.max_bytes))
        content = await asyncio.to_thread(_read_prefix, location.path, context.max_bytes + 1)
    except OSError as exc:
        raise SourceRejected(f"There is no readable file at {location.path} ({exc.strerror}).") from exc
    if len(content) > context.max_bytes:  # it grew between stat and read
        raise SourceRejected(too_large_message(context.max_bytes))
    return FeedDocument(content, None, version, None)


def normalise_criteria(criteria: dict[str, Any] | None) -> dict[str, str]:
    """`{}` or `{"column", "equals"}`, both non-empty and trimmed; raises `Invalid`."""
    if not criteria:
        return {}
    if not isinstance(criteria, dict):
        raise Invalid("Criteria must be an object with 'column' and 'equals'.", ["criteria"])
    for key in criteria:
        if key not in CRITERIA_KEYS:
            raise Invalid(f"Unknown criterion {quoted(key)}: this service takes 'column' and 'equals'.",
                          ["criteria", str(key)])
    values: dict[str, str] = {}
    for key in CRITERIA_KEYS:
        value = criteria.get(key)
        if value is not None and not isinstance(value, str):
            raise Invalid(f"The criterion {quoted(key)} must be text.", ["criteria", key])
        if value and value.strip():
            values[key] = value.strip()
    if len(values) == 1:
        missing = next(key for key in CRITERIA_KEYS if key not in values)
        raise Invalid("Give both a column and the value it must equal, or neither.",
                      ["criteria", missing])
    return values


class CsvFeedConnector:
    """Imports the rows of a CSV file at a URL; see the module docstring for the guarantees."""

    description = DESCRIPTION

    def __init__(self, resolver: Resolver = resolve_host) -> None:
        self._guard = UrlGuard(resolver)

    def validate_criteria(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return normalise_criteria(criteria)

    async def connect(self, settings: dict[str, Any], context: SourceContext) -> ConnectedAccount:
        """Checks the URL and reads the file once (like a sync would); raises `Invalid` if unusable."""
        location = parse_location(settings.get("url") if isinstance(settings, dict) else None)
        try:
            document = await self._download(location, {}, context)
            if document is None:  # cannot happen without validators; kept as a plain refusal
                raise SourceRejected("The server answered 'not modified' to a first request.")
            await asyncio.to_thread(open_feed, document.content, document.content_type, {})
        except SourceError as exc:
            raise Invalid(str(exc), URL_FIELD) from exc
        return ConnectedAccount(external_account=location.account, settings={"url": location.url})

    async def fetch_page(self, request: FetchRequest) -> Page:
        """The first `limit` records whose content differs from what was imported, in file order.

        An unchanged file after a complete pass returns an empty page with the cursor unchanged.
        """
        try:
            location = parse_location(request.settings.get("url"))
            criteria = normalise_criteria(request.criteria)
        except Invalid as exc:
            raise SourceRejected(f"The import's settings are no longer valid: {exc.message}") from exc
        document = await self._download(location, request.cursor, request.context)
        if document is None:
            return Page(records=[], cursor=dict(request.cursor), has_more=False, backlog_estimate=0)
        # In a thread: parsing a large file would stall the event loop.
        feed = await asyncio.to_thread(open_feed, document.content, document.content_type, criteria)
        changed, changed_count = await _changed_records(feed, request)
        has_more = changed_count > len(changed)
        cursor = {"etag": document.etag, "last_modified": document.last_modified,
                  "complete": not has_more}
        malformed = [MalformedRecord(f"row-{row['row']}", row["reason"]) for row in feed.malformed_rows]
        return Page(records=changed, cursor=cursor, has_more=has_more,
                    backlog_estimate=changed_count - len(changed), malformed=malformed,
                    malformed_count=feed.malformed_count,
                    present_ids=set(feed.winners) | {m.external_id for m in malformed})

    async def _download(self, location: FeedLocation, cursor: dict[str, Any],
                        context: SourceContext) -> FeedDocument | None:
        """The file, or None when it is unchanged since a complete pass."""
        if location.scheme == "file":
            if context.production:
                raise SourceRejected("file:// URLs are only read in development.")
            return await read_local_file(location, cursor, context)
        conditional = conditional_headers(cursor)
        # A published Google Sheet answers its export URL with a redirect: the guard follows it.
        target, response = await self._guard.get(context, location.url,
                                                  {"Accept": ACCEPT, **conditional})
        return _document_from(response, target.url, bool(conditional))


# Records looked up per query: below the engine's load-everything threshold, so each lookup reads
# only the fingerprints of its own ids, and only this many records are alive at once.
LOOKUP_BATCH = 2000


async def _changed_records(feed: FeedReader, request: FetchRequest) -> tuple[list[SourceRecord], int]:
    """The first `limit` records whose content differs from what was imported, and how many
    differ in all. Built and compared a batch at a time: the others are counted and let go."""
    changed: list[SourceRecord] = []
    count, limit = 0, max(request.limit, 0)
    batches = feed.record_batches(LOOKUP_BATCH)
    while (batch := await asyncio.to_thread(next, batches, None)) is not None:
        unchanged = await request.fingerprints.unchanged_ids(batch)
        for record in batch:
            if record.external_id not in unchanged:
                count += 1
                if len(changed) < limit:
                    changed.append(record)
    return changed, count


def _document_from(response: SourceResponse, url: str, conditional: bool) -> FeedDocument | None:
    if response.status_code == 304 and conditional:
        return None
    if response.status_code != 200:
        raise SourceRejected(f"Unexpected HTTP {response.status_code} from {redact_url(url)}.")
    content_type = response.headers.get("Content-Type")
    if content_type and content_type.split(";")[0].strip().lower() == "text/html":
        raise SourceRejected("The URL returned a web page, not a CSV file; publish or share the "
                             "sheet as CSV and use that link.")
    return FeedDocument(response.content, content_type, response.headers.get("ETag"),
                        response.headers.get("Last-Modified"))
