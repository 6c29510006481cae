"""RFC 4180 CSV in UTF-8, spreadsheet-safe: what every CSV export writes (feedback, ambassadors).

Python's csv module with QUOTE_MINIMAL and CRLF line ends is RFC 4180: a field is quoted
when it holds a comma, a double quote, CR or LF, and a double quote inside is doubled.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV
# Injection"); a leading apostrophe makes it text, and the spreadsheet hides the apostrophe.
FORMULA_STARTS = frozenset("=+-@\t\r")
# What makes the csv module (QUOTE_MINIMAL, CRLF line ends) quote a cell.
_QUOTED = re.compile('[,"\r\n]')


def neutralise(value: str) -> str:
    """The value as a spreadsheet shows it but never evaluates it."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def cell(value: object) -> object:
    """What the csv module writes for a value: neutralised text, ISO 8601 times, lower-case
    booleans; numbers as they are and None as an empty cell (the csv module's own rules)."""
    kind = value.__class__
    if kind is str:
        return "'" + value if value[:1] in FORMULA_STARTS else value  # type: ignore[index,operator]
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if kind is int or kind is float or value is None:
        return value
    return neutralise(str(value))


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as RFC 4180 CSV lines (CRLF), UTF-8 encoded, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    # Text cells, by far the most, are checked inline: a call per cell would double the cost.
    writer.writerows(
        [
            ("'" + v if v[:1] in FORMULA_STARTS else v)
            if v.__class__ is str
            else v
            if v is None
            else cell(v)
            for v in row
        ]
        for row in rows
    )
    return buffer.getvalue().encode()


def text_cell(value: str | None) -> str:
    """One text cell exactly as csv_bytes writes it, ready to join into a line: the export
    renders the other cells in SQL (crm_csv_cell) and only the opened texts here."""
    if not value:
        return ""
    if value[0] in FORMULA_STARTS:
        value = "'" + value
    if _QUOTED.search(value) is None:
        return value
    return '"' + value.replace('"', '""') + '"'
