"""Each dashboard table as CSV over HTTP: headers, numbers and dates, roles, CSV injection."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from api.auth import Role
from api.dashboard.csv_files import cell
from api.dashboard.tables import TABLES
from tests.api.conftest import Api, join, served_api, settle
from tests.api.dashboard_community import record, seed, signed_in

# Member-supplied names a spreadsheet would run, or split, if written as they are.
FORMULA = '=HYPERLINK("https://evil.example","open")'
QUOTED = 'Ada "the first", Lovelace'
HEALTH = """
query Health($from: Date!, $to: Date!) {
  communityHealth(from: $from, to: $to, granularity: MONTH) {
    new { value } interactions { value }
  }
}
"""


@pytest.fixture(scope="module")
def community(server_url: str, template_database: str) -> Iterator[Api]:
    """The seeded community, and two members named like a formula and like CSV syntax."""
    with served_api(server_url, template_database) as served:
        admin = served.key(Role.ADMIN)
        seed(served, admin)
        yesterday = datetime.now(UTC) - timedelta(days=1)
        for name in (FORMULA, QUOTED):
            member = join(served, admin, displayName=name, email=f"{len(name)}@example.org")
            for _ in range(4):
                record(served, admin, member["id"], yesterday)
        settle(served)
        yield served


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _seeded_month() -> date:
    return (datetime.now(UTC) - timedelta(days=1)).date().replace(day=1)


@pytest.mark.parametrize(("section", "table"), sorted(TABLES))
def test_every_table_downloads_as_csv(community: Api, section: str, table: str) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        page = client.get(f"/dashboard/{section}").text
        link = f"/dashboard/{section}?format=csv&amp;table={table}"
        assert link in page  # linked under its table
        answer = client.get(f"/dashboard/{section}", params={"format": "csv", "table": table})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = answer.headers["content-disposition"]
    assert re.fullmatch(rf'attachment; filename="{section}-{table}[a-z0-9-]*\.csv"', disposition)
    header, *rows = _rows(answer.text)
    assert header and all(re.fullmatch(r"[a-z0-9_]+", name) for name in header)
    assert all(len(row) == len(header) for row in rows) and answer.text.endswith("\r\n")


def test_numbers_are_numbers_and_dates_are_iso(community: Api) -> None:
    month = _seeded_month()
    with signed_in(community, community.key(Role.ADMIN)) as client:
        statuses = client.get("/dashboard/overview?format=csv&table=statuses").text
        growth = client.get("/dashboard/growth?format=csv&table=new-vs-inactive").text
    assert statuses.splitlines()[:2] == ["status,members", "active,5"]
    header, *rows = _rows(growth)
    assert header == ["month", "new", "new_change", "newly_inactive", "newly_inactive_change"]
    # Twelve months up to the current one, each named by its first day, ISO.
    assert len(rows) == 12 and all(re.fullmatch(r"\d{4}-\d{2}-01", row[0]) for row in rows)
    assert rows[-1][0] == str(datetime.now(UTC).date().replace(day=1))
    seeded = next(row for row in rows if row[0] == str(month))
    assert seeded[1:3] == ["5", "5"]


def test_the_pickers_apply_to_the_csv(community: Api) -> None:
    month = _seeded_month()
    label, key = f"{month:%Y-%m}", community.key(Role.VIEWER)
    end = (month + timedelta(days=32)).replace(day=1)
    (period,) = community.graphql(HEALTH, {"from": str(month), "to": str(end)}, key=key)["data"][
        "communityHealth"
    ]
    span = {"format": "csv", "table": "interactions", "from": label, "to": label}
    yesterday = str(datetime.now(UTC).date() - timedelta(days=1))
    with signed_in(community, key) as client:
        everyone = client.get("/dashboard/activity", params=span)
        slack = client.get("/dashboard/activity", params={**span, "channel": "slack"})
        before = client.get("/dashboard/activity", params={**span, "asOf": yesterday})
    assert _rows(everyone.text)[1] == [str(month), str(period["interactions"]["value"]), "14"]
    assert period["interactions"]["value"] == 14
    assert _rows(slack.text)[1][1] == "0" and _rows(before.text)[1][1] == "0"
    assert f"interactions-{label}-to-{label}-slack.csv" in slack.headers["content-disposition"]


def test_a_viewer_s_csv_of_top_members_has_no_personal_data(community: Api) -> None:
    table = "/dashboard/members?format=csv&table=top-members"
    with signed_in(community, community.key(Role.VIEWER)) as client:
        viewer = client.get(table).text
    with signed_in(community, community.key(Role.MANAGER)) as client:
        manager = client.get(table).text
    assert viewer.splitlines()[0] == "member_id,score" and "@" not in viewer
    assert "Grace" not in viewer and "HYPERLINK" not in viewer
    assert manager.splitlines()[0] == "member_id,name,email,score"
    assert "grace@example.org" in manager


def test_member_supplied_text_stays_data(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        text = client.get("/dashboard/members?format=csv&table=top-members").text
    names = [row[1] for row in _rows(text)[1:]]
    # A formula is kept as text with a leading quote; quotes and commas are CSV-quoted.
    assert "'" + FORMULA in names and FORMULA not in names and QUOTED in names
    assert '"Ada ""the first"", Lovelace"' in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_prefixed(start: str) -> None:
    assert cell(f"{start}1+2") == f"'{start}1+2"


def test_numbers_and_dates_are_not_prefixed() -> None:
    assert cell(-3) == -3 and cell(-0.5) == -0.5 and cell(date(2026, 1, 2)) == "2026-01-02"
    assert cell(None) == "" and cell("plain") == "plain"


@pytest.mark.parametrize(
    "query",
    [
        {"format": "csv"},
        {"format": "csv", "table": "nope"},
        {"format": "csv", "table": "retention"},  # a table of another section
        {"format": "csv", "table": "<b>x</b>"},
    ],
)
def test_a_bad_table_is_a_400_naming_table(community: Api, query: dict[str, str]) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        answer = client.get("/dashboard/growth", params=query)
    assert answer.status_code == 400 and 'data-field="table">table: must be one of ' in answer.text
    assert "new-vs-inactive" in answer.text and "<b>x" not in answer.text


@pytest.mark.parametrize(
    ("path", "query", "named"),
    [
        ("/dashboard/growth", {"format": "xml"}, "format"),
        ("/dashboard", {"format": "csv", "table": "statuses"}, "format"),
        ("/dashboard/growth", {"format": "csv", "table": "membership", "asOf": "x"}, "asOf"),
    ],
)
def test_a_bad_download_request_is_a_400_naming_the_field(
    community: Api, path: str, query: dict[str, str], named: str
) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        answer = client.get(path, params=query)
    assert answer.status_code == 400 and f'data-field="{named}">{named}: ' in answer.text


def test_a_viewer_may_not_download_the_candidates(community: Api) -> None:
    with signed_in(community, community.key(Role.VIEWER)) as client:
        answer = client.get("/dashboard/members?format=csv&table=candidates")
    assert answer.status_code == 403 and 'data-code="403"' in answer.text
