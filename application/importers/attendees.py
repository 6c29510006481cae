"""Attendee CSVs of Meetup, Luma or any hand-made list: one Attendance per row.

Headers are mapped through an alias table (attendee_columns.py). The attendee's id is the
platform's id column, else the e-mail (lower case), else the name: the same person keeps the
same id when the same file is read again. A row came when it has a check-in time or a yes in
an attended column. An RSVP of no (declined, cancelled, refused) or of waitlist (or approval
pending) is read with that RSVP, and the import applies it only if they came anyway: an event
counts every registration as expected, and these people were not; "invited" is skipped, since
the person never answered. The channel is meetup for
Meetup's export (it has an RSVP column) and other for the rest (Luma, hand-made lists).
A file without a name, first-name or e-mail column is one Malformed naming what it has.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from application.importers.attendee_columns import (
    MEETUP_MARK,
    Column,
    accepted_names,
    map_headers,
)
from application.importers.attendee_rows import attendance_of
from application.importers.streams import (
    csv_rows,
    export_files,
    header_key,
    header_row,
    open_text,
    read_guarded,
    rows_read,
)
from domain.importers.records import ImportRecord, Malformed, Position
from domain.values import Channel

READS = "an attendee list (.csv)"


def parse(path: Path) -> Iterator[ImportRecord]:
    """Every attendee of an attendee CSV, or of every CSV under a folder."""
    for file in export_files(path, lambda f: f.suffix.lower() in (".csv", ".tsv", ".txt"), READS):
        if isinstance(file, Path):
            yield from read_guarded(file, _attendees(file))
        else:
            yield file


def _attendees(file: Path) -> Iterator[ImportRecord]:
    with open_text(file) as text:
        rows = csv_rows(text)
        header = header_row(rows, file)
        if isinstance(header, Malformed):
            yield header
            return
        columns = map_headers(header.cells)
        if not {Column.NAME, Column.FIRST_NAME, Column.EMAIL} & columns.keys():
            found = ", ".join(repr(name) for name in header.cells)
            reason = f"no name or e-mail column among {found}; accepted: {accepted_names()}"
            yield Malformed(Position(str(file), "line 1"), reason)
            return
        meetup = any(header_key(name) == MEETUP_MARK for name in header.cells)
        channel = Channel.MEETUP if meetup else Channel.OTHER
        yield from rows_read(rows, file, columns, partial(attendance_of, channel=channel))
