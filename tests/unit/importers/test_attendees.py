"""The attendee-file parser: Meetup, Luma and hand-made lists, through the header alias table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from application.importers.attendee_columns import ALIASES, BY_KEY
from application.importers.attendees import parse
from domain.importers.records import Attendance, Malformed, Rsvp
from domain.values import Channel
from tests.unit.importers.exports import of_type, problems


def write(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def test_the_alias_table_names_each_header_once() -> None:
    assert len(BY_KEY) == sum(len(names) for names in ALIASES.values())


def test_a_luma_export_with_a_bom(tmp_path: Path) -> None:
    path = write(
        tmp_path / "luma.csv",
        "api_id,name,first_name,last_name,email,phone_number,created_at,approval_status,"
        "checked_in_at,ticket_name\r\n"
        "gst-1,Ana Doe,Ana,Doe,Ana@Example.org,,2024-03-01T10:00:00.000Z,approved,"
        "2024-03-08T18:05:00.000Z,Standard\r\n"
        "gst-2,Bo Roe,Bo,Roe,bo@example.org,,2024-03-02T10:00:00.000Z,approved,,Host\r\n"
        "gst-3,Cy,Cy,,cy@example.org,,2024-03-03T10:00:00.000Z,declined,,Standard\r\n"
        "gst-4,Di,Di,,di@example.org,,2024-03-04T10:00:00.000Z,waitlist,,Standard\r\n"
        "gst-5,Ed,Ed,,ed@example.org,,2024-03-05T10:00:00.000Z,pending_approval,,Standard\r\n",
        bom=True,
    )
    rows = {row.attendee_id: row for row in of_type(list(parse(path)), Attendance)}

    ana = rows["gst-1"]
    assert ana.channel is Channel.OTHER and ana.name == "Ana Doe"
    assert ana.email == "Ana@Example.org" and ana.rsvp is Rsvp.GOING
    assert ana.registered_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert ana.checked_in_at == datetime(2024, 3, 8, 18, 5, tzinfo=UTC) and ana.attended
    assert rows["gst-2"].is_host and not rows["gst-2"].attended
    assert [rows[i].rsvp for i in ("gst-3", "gst-4", "gst-5")] == [
        Rsvp.DECLINED,
        Rsvp.WAITLISTED,
        Rsvp.WAITLISTED,
    ]


def test_a_meetup_export(tmp_path: Path) -> None:
    path = write(
        tmp_path / "meetup.csv",
        "Name,User ID,Title,Event Host,RSVP,Guests,RSVPed on,Attended\n"
        "Ana,1001,,Yes,Yes,0,2024-03-01 10:00,Yes\n"
        "Bo,1002,,No,No,0,2024-03-02 11:00,No\n"
        "Cy,1003,,No,Waitlist,0,03/03/2024 12:00,\n",
    )
    rows = of_type(list(parse(path)), Attendance)

    assert {row.channel for row in rows} == {Channel.MEETUP}
    assert [(r.attendee_id, r.is_host, r.attended, r.rsvp) for r in rows] == [
        ("1001", True, True, Rsvp.GOING),
        ("1002", False, False, Rsvp.DECLINED),
        ("1003", False, False, Rsvp.WAITLISTED),
    ]
    assert rows[2].registered_at == datetime(2024, 3, 3, 12, tzinfo=UTC)


def test_semicolons_quoted_newlines_empty_rows_and_odd_header_spelling(tmp_path: Path) -> None:
    path = write(
        tmp_path / "list.csv",
        "First Name;Last Name;E-Mail Address;Checked-In\n"
        ";;;\n"
        '"Ana";"Doe";"ana@example.org";"✓"\n'
        "\n"
        '"Bo\nB.";"Roe";"bo@example.org";"no"\n'
        ";;cy@example.org;2024-03-08 19:00\n",
    )
    rows = of_type(list(parse(path)), Attendance)

    assert [(r.attendee_id, r.name, r.at.place, r.attended) for r in rows] == [
        ("ana@example.org", "Ana Doe", "line 3", True),
        ("bo@example.org", "Bo B. Roe", "line 5", False),
        ("cy@example.org", "cy@example.org", "line 7", True),
    ]
    assert rows[2].checked_in_at == datetime(2024, 3, 8, 19, tzinfo=UTC)


def test_bad_rows_are_malformed_at_their_line_and_invitees_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path / "list.csv",
        "name,email,rsvp,attended,registered at\n"
        "Ana,ana@example.org,yes,yes,\n"
        "Bo,bo-at-example.org,yes,,\n"
        ",,yes,,\n"
        "Cy,,maybe,,\n"
        "Di,,yes,perhaps,\n"
        "Ed,,yes,,last tuesday\n"
        "Flo,,invited,,\n"
        "Gus,,,,\n",
    )
    records = list(parse(path))

    assert [r.attendee_id for r in of_type(records, Attendance)] == ["ana@example.org", "Gus"]
    assert problems(records) == [
        ("line 3", "email 'bo-at-example.org' is not an e-mail address"),
        ("line 4", "no name, e-mail or id"),
        ("line 5", "RSVP 'maybe' is not yes, no or waitlist"),
        ("line 6", "attended 'perhaps' is neither yes, no nor a time"),
        ("line 7", "registered at 'last tuesday' is not a date and time"),
        ("line 8", "'Flo' was invited and never answered"),
    ]


def test_a_file_without_a_name_or_email_column_is_one_malformed_record(tmp_path: Path) -> None:
    path = write(tmp_path / "tickets.csv", "Ticket,Price\nA-1,10\nA-2,10\n")
    records = list(parse(path))

    assert len(records) == 1 and isinstance(records[0], Malformed)
    assert records[0].at.place == "line 1"
    assert records[0].reason.startswith("no name or e-mail column among 'Ticket', 'Price'")
    assert "accepted: name, full name" in records[0].reason


def test_the_same_file_read_twice_gives_the_same_attendees(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "Name,Email\nAna,ana@example.org\nBo,\n")

    assert list(parse(path)) == list(parse(path))
    assert [r.attendee_id for r in of_type(list(parse(path)), Attendance)] == [
        "ana@example.org",
        "Bo",
    ]
