"""What every parser shares: finding an export's files, reading them streamed, CSV rows by line.

Text is read as UTF-8 (a byte-order mark ignored, `.gz` files decompressed as they are read);
bytes that are not UTF-8 are replaced while reading and the record holding them is refused,
so one bad byte costs one record, never the rest of the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, TypeVar

import orjson

from application.importers.fields import Invalid
from application.importers.json_stream import MAX_ITEM, BadItem, JsonStructureError
from domain.importers.records import ImportRecord, Malformed, Position, Skipped

WHOLE_FILE = "whole file"
Key = TypeVar("Key", bound=str)
NOT_UTF8 = "\ufffd"
GZIP_MAGIC = b"\x1f\x8b"
_DELIMITERS = (",", ";", "\t")


def open_text(path: Path) -> TextIO:
    """The file as text, streamed; `.gz` decompressed on the fly."""
    return as_text(open_binary(path))


def as_text(binary: IO[bytes]) -> TextIO:
    """Bytes read as UTF-8 text as they stream: a byte-order mark left out, bad bytes marked."""
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline="")


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, streamed; `.gz` decompressed on the fly, and so is a gzip file of
    another name (an upload is stored under a name of its own)."""
    with open(path, "rb") as head:
        gzipped = head.read(2) == GZIP_MAGIC
    if gzipped or path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def export_files(
    path: Path, readable: Callable[[Path], bool], what: str
) -> Iterator[Path | Skipped | Malformed]:
    """The file given, or every file under the folder given (sorted, hidden ones left out).

    A file in a folder that `readable` refuses is reported skipped, naming `what` is read.
    """
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        yield Malformed(Position(str(path), WHOLE_FILE), "no such file or folder")
        return
    for child in sorted(path.rglob("*")):
        hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
        if hidden or not child.is_file():
            continue
        if readable(child):
            yield child
        else:
            yield Skipped(Position(str(child), WHOLE_FILE), f"not {what}")


@dataclass(frozen=True, slots=True)
class CsvRow:
    """A CSV record and the line it starts on (quoted newlines make rows span lines)."""

    line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class BadRow:
    """A CSV record that could not be read, and why."""

    line: int
    reason: str


def csv_rows(text: TextIO) -> Iterator[CsvRow | BadRow]:
    """Every record of a CSV text, the header first; blank lines left out.

    The separator is the one of `, ; tab` found most often in the first line: spreadsheets
    set to a European locale write `;`.
    """
    first = text.readline()
    delimiter = max(_DELIMITERS, key=first.count)
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    line = 0
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield BadRow(start, f"not CSV: {error}")
            cells = []
        line = reader.line_num
        if any(NOT_UTF8 in cell for cell in cells):
            yield BadRow(start, "bytes that are not UTF-8")
        elif any(cell.strip() for cell in cells):
            yield CsvRow(start, cells)


def header_row(rows: Iterator[CsvRow | BadRow], file: Path) -> CsvRow | Malformed:
    """The first row of a CSV, or a Malformed saying why there is none."""
    header = next(rows, None)
    if isinstance(header, CsvRow):
        return header
    reason = header.reason if isinstance(header, BadRow) else "the file is empty"
    return Malformed(Position(str(file), "line 1"), f"no header line: {reason}")


def rows_read(
    rows: Iterator[CsvRow | BadRow],
    file: Path,
    columns: Mapping[Key, int],
    read: Callable[[dict[Key, str], Position], ImportRecord],
) -> Iterator[ImportRecord]:
    """Each row's record, read from its cells by column; a Malformed at its line when bad."""
    for row in rows:
        at = Position(str(file), f"line {row.line}")
        if isinstance(row, BadRow):
            yield Malformed(at, row.reason)
            continue
        cells = {key: row.cells[i].strip() for key, i in columns.items() if i < len(row.cells)}
        try:
            yield read(cells, at)
        except Invalid as error:
            yield Malformed(at, str(error))


def header_key(header: str) -> str:
    """A header as compared with known names: case, spaces, punctuation and any BOM ignored."""
    return "".join(ch for ch in header.lower() if ch.isascii() and ch.isalnum())


class RecentIds:
    """Keys seen lately, at most `size` of them: says whether a record is new, in bounded memory.

    A user seen again after falling out is yielded again; the sink treats a repeat as the same
    identity, so this only keeps the stream short.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._seen: OrderedDict[Hashable, None] = OrderedDict()

    def first_time(self, key: Hashable) -> bool:
        """True unless `key` was seen lately; remembers it either way."""
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


def json_lines(binary: BinaryIO) -> Iterator[tuple[int, Any | BadItem]]:
    """Each line's JSON value with its line number; blank lines left out, a bad line reported.

    A line longer than MAX_ITEM bytes is refused without being held whole.
    """
    for number in itertools.count(1):
        line = binary.readline(MAX_ITEM + 1)
        if not line:
            return
        if len(line) > MAX_ITEM and not line.endswith(b"\n"):
            while (rest := binary.readline(MAX_ITEM)) and not rest.endswith(b"\n"):
                pass
            yield number, BadItem(f"a line longer than {MAX_ITEM} bytes")
            continue
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield number, BadItem(f"not JSON: {error}")


def read_guarded(path: Path, records: Iterator[ImportRecord]) -> Iterator[ImportRecord]:
    """One file's records; a file that breaks off ends with a Malformed saying where and why."""
    place = WHOLE_FILE
    try:
        for record in records:
            place = f"after {record.at.place}"
            yield record
        return
    except JsonStructureError as error:
        reason = f"the file breaks off: {error}"
    except (OSError, EOFError, zlib.error) as error:  # unreadable, or a bad or cut gzip file
        reason = f"the file cannot be read: {error}"
    yield Malformed(Position(str(path), place), reason)
