"""Turning the bytes of a CSV file into contact records: decoding, delimiter sniffing, header
mapping and row parsing. No I/O: the CSV feed connector downloads, this module reads.

- Text is decoded from a BOM first, then the declared charset, then UTF-8; anything else is
  refused rather than guessed.
- The delimiter is the most frequent of `,;\\t` in the header line outside quotes.
- Standard fields are found by header alias; every other named column becomes a custom field.
- One record per email (the later row wins). Rows with more cells than the header are not
  imported; each is reported (row number and reason) for troubleshooting.
- Emails are neither validated nor trimmed here: the engine does both.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from app.connectors.base import SourceRecord, field_key
from app.errors import SourceRejected
from app.text import listed, quoted

DELIMITERS = (",", ";", "\t")  # comma first: it wins ties and is the default

# Header aliases in `field_key` form, so "E-Mail Address", "e-mail address" and "email_address"
# all match without a list of every spelling.
STANDARD_ALIASES: dict[str, str] = {
    alias: standard
    for standard, aliases in {
        "email": ("email", "e_mail", "email_address", "e_mail_address"),
        "first_name": ("first_name", "firstname", "given_name", "first"),
        "last_name": ("last_name", "lastname", "surname", "family_name", "last"),
        "phone": ("phone", "phone_number", "telephone", "mobile"),
    }.items()
    for alias in aliases
}

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class ParsedFeed:
    records: list[SourceRecord]
    malformed_rows: list[dict[str, Any]]
    malformed_count: int


def parse_document(content: bytes, content_type: str | None, criteria: dict[str, str]) -> ParsedFeed:
    """Decode and parse; raises `SourceRejected` for anything that is not a usable CSV file.

    CPU-bound on a large file: callers in the event loop run it in a thread.
    """
    try:
        return parse_feed(decode_feed(content, content_type), criteria)
    except (ValueError, UnicodeError, csv.Error) as exc:  # SourceRejected is neither: it passes
        raise SourceRejected(f"The file could not be read as CSV ({exc}).") from None


# --- decoding --------------------------------------------------------------------------------

def charset_of(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def decode_feed(content: bytes, content_type: str | None) -> str:
    """Text from bytes: a BOM first, then the declared charset, then UTF-8; else `SourceRejected`."""
    for bom, codec in _BOMS:
        if content.startswith(bom):
            return _decode_marked(content, codec)
    charset = charset_of(content_type)
    if charset:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # servers often declare a wrong charset; UTF-8 is the honest fallback
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceRejected(
            f"The file is not UTF-8 text (byte 0x{content[exc.start]:02x} at position "
            f"{exc.start}); export it as CSV UTF-8.") from None


def _decode_marked(content: bytes, codec: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError:
        raise SourceRejected(f"The file starts with a {codec} mark but is not "
                             f"{codec} text; export it as CSV UTF-8.") from None


# --- rows ------------------------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """The most frequent of `,;\\t` in the header line outside quotes; a comma when none is."""
    match = re.search(r"[^\r\n]*\S[^\r\n]*", text)
    unquoted = re.sub(r'"[^"]*"', "", match.group(0) if match else "")
    best = max(DELIMITERS, key=unquoted.count)
    return best if unquoted.count(best) else ","


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells), numbered like a spreadsheet; csv errors become `SourceRejected`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, row
    except csv.Error as exc:
        raise SourceRejected(f"The file is not valid CSV near row {number + 1} ({exc}).") from None


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


# --- header mapping --------------------------------------------------------------------------

@dataclass(frozen=True)
class Columns:
    """Where each field is in a row: the standard ones by name, the custom ones by key."""

    width: int
    standard: dict[str, int]
    custom: tuple[tuple[int, str], ...]
    labels: dict[str, str]

    def record(self, number: int, cells: list[str]) -> SourceRecord:
        """The record of one row (already padded to `width`); empty values are omitted."""
        email_cell = cells[self.standard["email"]]
        email = email_cell if email_cell.strip() else None
        fields = {key: cells[index].strip() for index, key in self.custom if cells[index].strip()}
        return SourceRecord(
            external_id=email.strip().lower() if email else f"row-{number}",
            email=email,
            first_name=self._value("first_name", cells),
            last_name=self._value("last_name", cells),
            phone=self._value("phone", cells),
            fields=fields,
            field_labels={key: self.labels[key] for key in fields},
        )

    def _value(self, name: str, cells: list[str]) -> str | None:
        index = self.standard.get(name)
        return (cells[index].strip() or None) if index is not None else None


def map_columns(header: list[str]) -> Columns:
    """Standard columns by alias (the first of each wins), every other named column custom."""
    standard: dict[str, int] = {}
    custom: list[tuple[int, str]] = []
    labels: dict[str, str] = {}
    used = set(STANDARD_ALIASES.values())  # a second "Email" column becomes email_2, not email
    for index, raw in enumerate(header):
        label = raw.strip()
        name = STANDARD_ALIASES.get(field_key(label)) if label else None
        if name and name not in standard:
            standard[name] = index
        elif label:
            key = _unique_key(field_key(label), used)
            custom.append((index, key))
            labels[key] = label
    if "email" not in standard:
        found = listed([cell.strip() for cell in header if cell.strip()]) or "none"
        raise SourceRejected(f"The file has no email column (headers found: {found}).")
    return Columns(len(header), standard, tuple(custom), labels)


def _unique_key(key: str, used: set[str]) -> str:
    candidate, suffix = key, 2
    while candidate in used:
        candidate, suffix = f"{key}_{suffix}", suffix + 1
    used.add(candidate)
    return candidate


RowFilter = Callable[[list[str]], bool]


def criteria_filter(criteria: dict[str, str], header: list[str]) -> RowFilter:
    """Keeps rows whose `column` equals `equals` (trimmed, case-insensitive)."""
    if not criteria:
        return lambda cells: True
    wanted = criteria["column"].casefold()
    index = next((i for i, cell in enumerate(header) if cell.strip().casefold() == wanted), None)
    if index is None:
        raise SourceRejected(f"The file has no column {quoted(criteria['column'])} to filter on.")
    value = criteria["equals"].casefold()
    return lambda cells: cells[index].strip().casefold() == value


# --- the whole file --------------------------------------------------------------------------

def parse_feed(text: str, criteria: dict[str, str]) -> ParsedFeed:
    """Records in file order, one per email (the later row wins), and the malformed rows."""
    rows = csv_rows(text, sniff_delimiter(text))
    header = next((cells for _, cells in rows if not is_blank(cells)), None)
    if header is None:
        raise SourceRejected("The file is empty: it needs a header row with an email column.")
    columns, keep = map_columns(header), criteria_filter(criteria, header)
    feed = ParsedFeed([], [], 0)
    by_id: dict[str, SourceRecord] = {}
    for number, cells in rows:
        if is_blank(cells):
            continue
        if _is_ragged(cells, columns.width):
            _note_malformed(feed, number, f"the row has {len(cells)} cells "
                                          f"but the header has {columns.width}")
            continue
        padded = cells[:columns.width] + [""] * (columns.width - len(cells))
        if keep(padded):
            record = columns.record(number, padded)
            by_id[record.external_id] = record
    feed.records = list(by_id.values())
    return feed


def _is_ragged(cells: list[str], width: int) -> bool:
    # Trailing empty cells past the header carry no data (a trailing delimiter): harmless.
    return len(cells) > width and not is_blank(cells[width:])


def _note_malformed(feed: ParsedFeed, number: int, reason: str) -> None:
    # Every one is kept (bounded by the file): troubleshooting counts distinct skipped rows.
    feed.malformed_count += 1
    feed.malformed_rows.append({"row": number, "reason": reason})
