"""The feedback CSV writer: RFC 4180 quoting, UTF-8, and formula neutralising."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from projections.csv_cells import csv_bytes, neutralise, text_cell


def _read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_plain_cells_are_not_quoted_and_lines_end_in_crlf() -> None:
    assert csv_bytes([["a", 1, 2.5], ["b", None, False]]) == b"a,1,2.5\r\nb,,false\r\n"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("a,b", b'"a,b"'),
        ('say "hi"', b'"say ""hi"""'),
        ("two\nlines", b'"two\nlines"'),
        ("two\r\nlines", b'"two\r\nlines"'),
        ('all, "of"\nthem', b'"all, ""of""\nthem"'),
    ],
)
def test_commas_quotes_and_line_breaks_are_quoted(value: str, written: bytes) -> None:
    data = csv_bytes([[value, "next"]])
    assert data == written + b",next\r\n"
    assert _read(data) == [[value, "next"]]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_leading_apostrophe(start: str) -> None:
    value = f'{start}HYPERLINK("http://evil.example", "x")'
    assert neutralise(value) == "'" + value
    assert _read(csv_bytes([[value]])) == [["'" + value]]


def test_formula_characters_later_in_a_cell_are_left_alone() -> None:
    for value in ("a=b", "1+1", "mail@example.org", "x-y", " =1"):
        assert neutralise(value) == value
        assert _read(csv_bytes([[value]])) == [[value]]


def test_unicode_is_written_as_utf8_without_a_bom() -> None:
    value = "Grüße, 東京 🚀"
    data = csv_bytes([[value]])
    assert data == '"Grüße, 東京 🚀"\r\n'.encode()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert _read(data) == [[value]]


def test_times_are_iso_8601_and_booleans_lower_case() -> None:
    at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert _read(csv_bytes([[at, True, False]])) == [["2026-03-01T09:30:00+00:00", "true", "false"]]


# Cells a hostile author or integration could write: every rule of RFC 4180 and of
# neutralising, alone and together, with non-ASCII text. Shared with the SQL cell test.
HOSTILE = [
    "",
    "plain",
    "a,b",
    'say "hi"',
    '"',
    ",",
    "two\nlines",
    "two\r\nlines",
    "\r",
    "\rq,",
    "\n=1",
    "=1+2",
    "+1",
    "-1",
    "-",
    "@SUM(A1)",
    "\tTab",
    '=HYPERLINK("http://evil.example"), "x"\nnext',
    "'already quoted",
    " =1",
    "a=b",
    'é="',
    "Grüße, 東京 🚀",
    "\u2028line separator",
    "\x0bvertical tab",
    'ß"\r\n',
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_cell_writes_what_the_csv_writer_writes(value: str) -> None:
    assert text_cell(value) + ",next\r\n" == csv_bytes([[value, "next"]]).decode()


def test_text_cell_writes_none_as_an_empty_cell() -> None:
    assert text_cell(None) == "" == csv_bytes([[None, "x"]]).decode()[: -len(",x\r\n")]
