"""Turning the bytes of a CSV file into contact records: decoding, delimiter sniffing, header
mapping and row parsing. No I/O: the CSV feed connector downloads, this module reads.

- Text is decoded from a BOM first, then the declared charset, then UTF-8; anything else is
  refused rather than guessed.
- The delimiter is the most frequent of `,;\\t` in the header line outside quotes.
- Standard fields are found by header alias; every other named column becomes a custom field.
- One record per email (the later row wins). Rows with more cells than the header are not
  imported; each is reported (row number and reason) for troubleshooting.
- Emails are neither validated nor trimmed here: the engine does both.
- Memory is bounded by the bytes and one small entry per row: the text is decoded as it is read,
  never whole, and the records are built in a second pass over the bytes, a batch at a time
  (`FeedReader`), so a 45 MB file is not 300,000 record objects at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

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

    Holds every record at once: for small documents and tests. A sync reads through `FeedReader`.
    CPU-bound on a large file: callers in the event loop run it in a thread.
    """
    reader = open_feed(content, content_type, criteria)
    feed = ParsedFeed([record for batch in reader.record_batches(len(reader.winners) or 1) for record in batch],
                      reader.malformed_rows, reader.malformed_count)
    return feed


# --- decoding --------------------------------------------------------------------------------

def charset_of(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def decode_feed(content: bytes, content_type: str | None) -> str:
    """Text from bytes: a BOM first, then the declared charset, then UTF-8; else `SourceRejected`."""
    return content.decode(feed_codec(content, content_type))


_CHECK_CHUNK = 1024 * 1024


def feed_codec(content: bytes, content_type: str | None) -> str:
    """The codec the bytes decode with (a BOM's, the declared charset, UTF-8), checked over the
    whole content a chunk at a time, so no decoded copy of the file is ever held; else
    `SourceRejected`."""
    for bom, codec in _BOMS:
        if content.startswith(bom):
            if _first_undecodable(content, codec) is not None:
                raise SourceRejected(f"The file starts with a {codec} mark but is not "
                                     f"{codec} text; export it as CSV UTF-8.")
            return codec
    charset = charset_of(content_type)
    if charset:
        try:
            if _first_undecodable(content, charset) is None:
                return charset
        except LookupError:
            pass  # servers often declare a wrong charset; UTF-8 is the honest fallback
    position = _first_undecodable(content, "utf-8")
    if position is not None:
        raise SourceRejected(
            f"The file is not UTF-8 text (byte 0x{content[position]:02x} at position "
            f"{position}); export it as CSV UTF-8.")
    return "utf-8"


def _first_undecodable(content: bytes, codec: str) -> int | None:
    """The offset of the first byte `codec` cannot decode, or None; raises `LookupError`."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(content)
    for offset in range(0, len(content) or 1, _CHECK_CHUNK):
        chunk = view[offset:offset + _CHECK_CHUNK]
        buffered = len(decoder.getstate()[0])  # bytes of an unfinished character from the last chunk
        try:
            decoder.decode(chunk, final=offset + _CHECK_CHUNK >= len(content))
        except UnicodeDecodeError as exc:
            return min(max(offset - buffered + exc.start, 0), len(content) - 1)
    return None


def text_stream(content: bytes, codec: str) -> TextIO:
    """The content as text decoded while it is read (`BytesIO` shares the bytes, no copy);
    `newline=""` as the csv module wants."""
    return io.TextIOWrapper(io.BytesIO(content), encoding=codec, newline="")


# --- rows ------------------------------------------------------------------------------------

def sniff_delimiter(text: str | Iterable[str]) -> str:
    """The most frequent of `,;\\t` in the header line outside quotes; a comma when none is."""
    lines = text.splitlines() if isinstance(text, str) else text
    header = next((line for line in lines if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    best = max(DELIMITERS, key=unquoted.count)
    return best if unquoted.count(best) else ","


def csv_rows(text: str | TextIO, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells), numbered like a spreadsheet; csv errors become `SourceRejected`."""
    stream = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(stream, delimiter=delimiter)
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

    def external_id(self, number: int, cells: list[str]) -> str:
        """The id of the row's record: its email in lower case, else its row number."""
        email_cell = cells[self.standard["email"]]
        return email_cell.strip().lower() if email_cell.strip() else f"row-{number}"

    def record(self, number: int, cells: list[str]) -> SourceRecord:
        """The record of one row (already padded to `width`); empty values are omitted."""
        email_cell = cells[self.standard["email"]]
        email = email_cell if email_cell.strip() else None
        fields = {key: cells[index].strip() for index, key in self.custom if cells[index].strip()}
        return SourceRecord(
            external_id=self.external_id(number, cells),
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
    return parse_document(text.encode("utf-8"), "text/csv; charset=utf-8", criteria)


def open_feed(content: bytes, content_type: str | None, criteria: dict[str, str]) -> FeedReader:
    """The feed checked and scanned once (`FeedReader`); raises `SourceRejected` for anything that
    is not a usable CSV file. CPU-bound: callers in the event loop run it in a thread."""
    try:
        return FeedReader(content, feed_codec(content, content_type), criteria)
    except (ValueError, UnicodeError, csv.Error) as exc:  # SourceRejected is neither: it passes
        raise SourceRejected(f"The file could not be read as CSV ({exc}).") from None


@dataclass
class FeedReader:
    """A CSV document read in two streaming passes over its bytes.

    The first (at construction) checks the header and every row, and keeps per record only its
    id and the number of the row that wins (the last with that email), plus the malformed rows.
    `record_batches` then builds the winning records a batch at a time, in the order of their
    winning rows, so a caller can look up and keep a few and let the rest go.
    """

    content: bytes
    codec: str
    criteria: dict[str, str]
    winners: dict[str, int] = field(default_factory=dict)
    malformed_rows: list[dict[str, Any]] = field(default_factory=list)
    malformed_count: int = 0

    def __post_init__(self) -> None:
        rows = self._rows()
        header = next((cells for _, cells in rows if not is_blank(cells)), None)
        if header is None:
            raise SourceRejected("The file is empty: it needs a header row with an email column.")
        self.columns, self.keep = map_columns(header), criteria_filter(self.criteria, header)
        for number, cells in self._data_rows(rows):
            self.winners[self.columns.external_id(number, cells)] = number

    def record_batches(self, size: int) -> Iterator[list[SourceRecord]]:
        """The winning records, `size` at a time, in file order of the rows they come from."""
        rows = self._rows()
        next((cells for _, cells in rows if not is_blank(cells)), None)  # the header, checked already
        self.malformed_rows, self.malformed_count = [], 0  # the pass counts them again, identically
        batch: list[SourceRecord] = []
        for number, cells in self._data_rows(rows):
            if self.winners.get(self.columns.external_id(number, cells)) == number:
                batch.append(self.columns.record(number, cells))
                if len(batch) >= size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        delimiter = sniff_delimiter(text_stream(self.content, self.codec))
        return csv_rows(text_stream(self.content, self.codec), delimiter)

    def _data_rows(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        """The rows after the header that the criteria keep, padded to the header's width; ragged
        ones are noted as malformed."""
        width = self.columns.width
        for number, cells in rows:
            if is_blank(cells):
                continue
            if _is_ragged(cells, width):
                _note_malformed(self, number, f"the row has {len(cells)} cells but the header has {width}")
                continue
            padded = cells[:width] + [""] * (width - len(cells))
            if self.keep(padded):
                yield number, padded


def _is_ragged(cells: list[str], width: int) -> bool:
    # Trailing empty cells past the header carry no data (a trailing delimiter): harmless.
    return len(cells) > width and not is_blank(cells[width:])


def _note_malformed(feed: ParsedFeed | FeedReader, number: int, reason: str) -> None:
    # Every one is kept (bounded by the file): troubleshooting counts distinct skipped rows.
    feed.malformed_count += 1
    feed.malformed_rows.append({"row": number, "reason": reason})
