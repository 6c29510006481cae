"""A table as a CSV download: ISO dates, numbers as numbers, text kept inert in spreadsheets."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

from fastapi.responses import Response

from api.dashboard.security import secured

# A spreadsheet may run a cell starting with one of these as a formula (CSV injection):
# such text is prefixed with a quote, which spreadsheets show as text and do not keep.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


Value = str | int | float | date | None


def cell(value: Value) -> str | int | float:
    """One value as written: numbers unquoted, dates ISO, text never read as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> str:
    """The header row and the rows, RFC 4180 (CRLF line ends, quotes where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def csv_response(filename: str, text: str) -> Response:
    """A download of `text` named `filename` (reduced to safe characters)."""
    safe = _UNSAFE_NAME.sub("-", filename).strip("-") or "table.csv"
    response = Response(text.encode(), media_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    return secured(response)
