"""RFC 4180 CSV in UTF-8, spreadsheet-safe: what every feedback CSV export writes.

Python's csv module with QUOTE_MINIMAL and CRLF line ends is RFC 4180: a field is quoted
when it holds a comma, a double quote, CR or LF, and a double quote inside is doubled.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV
# Injection"); a leading apostrophe makes it text, and the spreadsheet hides the apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """The value as a spreadsheet shows it but never evaluates it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value: object) -> str:
    """The text of one cell: empty for None, ISO 8601 times, lower-case booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as RFC 4180 CSV lines (CRLF), UTF-8 encoded, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode()
