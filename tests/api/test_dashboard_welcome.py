"""Time to welcome in the health numbers: the dashboard's responses section, its CSV and the
monthly report show what GraphQL's `timeToWelcome` answers for the same months, on a
community whose welcomes were timed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.auth import Role
from api.report.builder import add_months
from tests.api.conftest import Api, join, served_api, settle, succeed
from tests.api.dashboard_community import signed_in
from tests.api.report_page import ReportPage, crm_report, month_label

pytestmark = pytest.mark.integration

WELCOME = """
mutation Welcome($input: RecordOutreachInput!) { recordOutreach(input: $input) { __typename } }
"""
TIME_TO_WELCOME = """
query Weeks($from: Date!, $to: Date!, $granularity: WelcomeGranularity, $channel: Channel) {
  timeToWelcome(from: $from, to: $to, granularity: $granularity, channel: $channel) {
    start newcomers welcomed waiting medianHours p90Hours
  }
}
"""
# Hours each newcomer of the month waited for a welcome (None: never welcomed), by channel
# they joined on. All channels: 1, 2, 4, 10 h (median 3 h, p90 8.2 h); Discord alone: 2, 4,
# 10 h (median 4 h, p90 8.8 h). The month before: one newcomer, welcomed after 1 h.
MONTH_WAITS = (("DISCORD", 2), ("DISCORD", 4), ("DISCORD", 10), ("DISCORD", None), ("GITHUB", 1))


@dataclass(frozen=True)
class Community:
    """The served community and the month its newcomers showed up in."""

    api: Api
    admin: str
    month: date  # last month: every welcome window is over

    @property
    def span(self) -> dict[str, str]:
        """The dashboard's pickers: the month before and the month."""
        return {"from": month_label(add_months(self.month, -1)), "to": month_label(self.month)}


def newcomer(api: Api, key: str, staff: str, channel: str, joined: datetime, hours: Any) -> None:
    """A member who joined at `joined` on `channel`, welcomed `hours` later (or never)."""
    member = join(api, key, joinedAt=joined.isoformat(), sourceChannel=channel)["id"]
    if hours is None:
        return
    welcome = {"memberId": member, "staffId": staff, "channel": channel, "purpose": "WELCOME"}
    welcome["at"] = (joined + timedelta(hours=hours)).isoformat()
    body = api.graphql(WELCOME, {"input": welcome}, key=key)
    assert body["data"]["recordOutreach"]["__typename"] == "OutreachRecorded", body


@pytest.fixture(scope="module")
def community(server_url: str, template_database: str) -> Iterator[Community]:
    month = add_months(datetime.now(UTC).date(), -1)
    with served_api(server_url, template_database) as api:
        admin = api.key(Role.ADMIN)
        staff = join(api, admin)["id"]
        succeed(api, "markMemberAsStaff", {"memberId": staff}, key=admin)
        for day, (channel, hours) in enumerate(MONTH_WAITS, start=3):
            joined = datetime(month.year, month.month, day, 9, tzinfo=UTC)
            newcomer(api, admin, staff, channel, joined, hours)
        before = add_months(month, -1)
        newcomer(
            api, admin, staff, "DISCORD", datetime(before.year, before.month, 10, tzinfo=UTC), 1
        )
        settle(api)
        yield Community(api, admin, month)


def graphql_months(community: Community, channel: str | None = None) -> list[dict[str, Any]]:
    """timeToWelcome per month over the month before and the month."""
    span = {"from": str(add_months(community.month, -1)), "to": str(add_months(community.month, 1))}
    variables = span | {"granularity": "MONTH", "channel": channel}
    body = community.api.graphql(TIME_TO_WELCOME, variables, key=community.admin)
    assert "errors" not in body, body
    months: list[dict[str, Any]] = body["data"]["timeToWelcome"]
    return months


def shown_rows(page: str) -> dict[str, dict[str, str]]:
    """The section's time-to-welcome rows by month, each cell by its data-welcome name."""
    rows = {}
    for chunk in page.split('<tr data-welcome-month="')[1:]:
        month, row = chunk.split('"', 1)
        row = row.split("</tr>")[0]
        cells = [c.split('">', 1) for c in row.split('data-welcome="')[1:]]
        rows[month] = {name: value.split("<")[0] for name, value in cells}
    return rows


def test_graphql_counts_the_hand_timed_welcomes_per_month(community: Community) -> None:
    before, month = graphql_months(community)
    assert (before["start"], before["newcomers"], before["medianHours"]) == (
        str(add_months(community.month, -1)),
        1,
        1.0,
    )
    assert (month["start"], month["newcomers"], month["welcomed"], month["waiting"]) == (
        str(community.month),
        5,
        4,
        1,
    )
    assert (month["medianHours"], month["p90Hours"]) == (3.0, 8.2)
    (discord,) = graphql_months(community, "DISCORD")[1:]
    assert (discord["newcomers"], discord["medianHours"], discord["p90Hours"]) == (4, 4.0, 8.8)


@pytest.mark.parametrize("channel", [None, "DISCORD"])
def test_the_responses_section_and_its_csv_show_graphqls_figures(
    community: Community, channel: str | None
) -> None:
    # Aggregates naming no one, as the other health numbers: every role sees them here.
    params = community.span | ({"channel": channel.lower()} if channel else {})
    with signed_in(community.api, community.api.key(Role.VIEWER)) as client:
        page = client.get("/dashboard/responses", params=params)
        table = client.get(
            "/dashboard/responses", params=params | {"format": "csv", "table": "time-to-welcome"}
        )
    assert page.status_code == 200 and table.status_code == 200, table.text
    expected = graphql_months(community, channel)
    shown = shown_rows(page.text)
    assert sorted(shown) == [m["start"][:7] for m in expected]
    for m in expected:
        row = shown[m["start"][:7]]
        assert (int(row["newcomers"]), int(row["welcomed"])) == (m["newcomers"], m["welcomed"])
        assert (float(row["median"]), float(row["p90"])) == (
            round(m["medianHours"], 1),
            round(m["p90Hours"], 1),
        )
    lines = table.text.splitlines()
    assert lines[0] == "month,newcomers,welcomed,median_seconds,p90_seconds"
    for line, m in zip(lines[1:], expected, strict=True):
        start, newcomers, welcomed, median, p90 = line.split(",")
        assert (start, int(newcomers), int(welcomed)) == (m["start"], m["newcomers"], m["welcomed"])
        assert round(float(median) / 3600, 2) == m["medianHours"]
        assert round(float(p90) / 3600, 2) == m["p90Hours"]


def test_the_monthly_report_shows_graphqls_figures(community: Community, tmp_path: Path) -> None:
    url = community.api.services.runtime.database_url
    for options, channel in (((), None), (("--channel", "discord"), "DISCORD")):
        out = tmp_path / f"report-{channel}.html"
        month = month_label(community.month)
        result = crm_report(url, "--month", month, "--out", str(out), *options)
        assert result.exit_code == 0, result.output
        page = ReportPage(out.read_text(encoding="utf-8"))
        before, expected = graphql_months(community, channel)
        for name, field in (("median", "medianHours"), ("p90", "p90Hours")):
            row = page.one("tr", id=f"kpi-welcome_{name}")
            assert round(float(row["data-value"]) / 3600, 2) == expected[field]
        change = (expected["medianHours"] - before["medianHours"]) * 3600
        assert f"{change / 3600:+.1f} h" in page.html.split('id="kpi-welcome_median"')[1][:400]
        rows = page.find("tr", **{"class": "welcome"})
        assert [(r["data-month"], int(r["data-newcomers"])) for r in rows] == [
            (m["start"][:7], m["newcomers"]) for m in (before, expected)
        ]


def test_a_span_of_months_too_long_is_refused_naming_the_field(community: Community) -> None:
    variables = {"from": "2020-01-01", "to": "2026-01-01", "granularity": "MONTH"}
    body = community.api.graphql(TIME_TO_WELCOME, variables, key=community.admin)
    (error,) = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "to")
    assert "36 months" in error["message"]
    body = community.api.graphql(
        TIME_TO_WELCOME, variables | {"granularity": "YEAR"}, key=community.admin
    )
    assert body["errors"] and body.get("data") is None
