"""`crm report` on a scripted community: its figures are what GraphQL answers over HTTP.

The community's interactions are recorded (event time) on the last day of the report's
month, before a late one recorded today, so `--as-of` that day must not see it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import CanCreateTimestamp

from api.auth import Role
from api.report.builder import add_months
from domain.interactions.commands import RecordInteraction
from tests.api.conftest import Api, join, served_api, settle, succeed
from tests.api.dashboard_community import signed_in
from tests.api.feedback.helpers import done, submit
from tests.api.report_page import ReportPage, crm_report, month_label

pytestmark = pytest.mark.integration

SCRIPT = "<script>alert(1)</script>"
THREAD = '<b onmouseover="alert(2)">launch</b>'
HEALTH = """
query Health($from: Date!, $to: Date!, $channel: Channel, $asOf: Date) {
  communityHealth(from: $from, to: $to, granularity: MONTH, channel: $channel, asOf: $asOf) {
    start new { value change } active { value change } returning { value change }
    newlyInactive { value change } left { value change } total { value change }
    interactions { value change } oneOff { value change } repeat { value change }
    absenceFactor { value change } activeByStage { stage active { value change } }
    firstResponseMedianSeconds firstResponseP90Seconds
  }
}
"""
COHORTS = """
query($from: Date!, $to: Date!) {
  cohortRetention(from: $from, to: $to, granularity: MONTH) { start size retained { share } }
}
"""
SPIKES = "query($from: Date!, $to: Date!) { activitySpikes(from: $from, to: $to) { day } }"
ANNOTATE = """
mutation($input: AnnotateActivitySpikeInput!) { annotateActivitySpike(input: $input) {
  __typename } }
"""
FIGURES = {
    "new": "new",
    "active": "active",
    "returning": "returning",
    "newly_inactive": "newlyInactive",
    "left": "left",
    "total": "total",
    "interactions": "interactions",
    "one_off": "oneOff",
    "repeat": "repeat",
    "absence_factor": "absenceFactor",
}


@dataclass(frozen=True)
class Community:
    """The served community, the report's month, the day its numbers were recorded."""

    api: Api
    viewer: str
    month: date
    recorded: date  # the month's last day
    members: dict[str, str]

    @property
    def url(self) -> str:
        return self.api.services.runtime.database_url


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def interact(api: Api, member: str, when: datetime, channel: str, **extra: Any) -> None:
    record = RecordInteraction(
        member_id=UUID(member),
        channel=channel,  # type: ignore[arg-type]
        kind=extra.pop("kind", "message"),
        occurred_at=when,
        external_id=f"{member}-{when.isoformat()}-{channel}",
        **extra,
    )
    api.services.community.record_interactions([record], create_unknown_members=False)


def script(api: Api, key: str, month: date) -> dict[str, str]:
    """Ann and Bo since two months before, Cy since the month before; Di, Ed and Flo arrive
    in a thread that makes a spike on the 14th; Gus (staff) is never counted."""
    before, earlier = add_months(month, -1), add_months(month, -2)
    joined = at(earlier, 0).isoformat()
    ids = {n: join(api, key, joinedAt=joined)["id"] for n in "ann bo cy di ed flo gus".split()}
    succeed(api, "markMemberAsStaff", {"memberId": ids["gus"]}, key=key)
    for name in ("ann", "bo"):
        interact(api, ids[name], at(earlier.replace(day=3)), "discord")
    interact(api, ids["ann"], at(before.replace(day=7)), "discord", kind="reply")
    interact(api, ids["cy"], at(before.replace(day=7), 13), "github")
    for day in range(1, 13):  # the usual level: two a day
        for minute in (0, 1):
            interact(api, ids["ann"], at(month.replace(day=day), 9, minute), "discord")
    for name, count in (("di", 5), ("ed", 5), ("flo", 4)):
        for n in range(count):
            when = at(month.replace(day=14), 10, n)
            interact(api, ids[name], when, "github", kind="reply", thread_ref=THREAD)
    interact(api, ids["bo"], at(month.replace(day=16)), "slack", kind="post")
    interact(api, ids["gus"], at(month.replace(day=14)), "github")
    for hours in (3, 9):  # answered in 3 and 9 hours: median 6 h, p90 8.4 h
        item = submit(api, key, ids["bo"], submittedAt=at(month.replace(day=2)).isoformat())
        respond = {"itemId": item["item"]["id"], "responderId": ids["gus"], "channel": "DISCORD"}
        respond["respondedAt"] = at(month.replace(day=2), 12 + hours).isoformat()
        done(api, "respondToFeedback", respond, key=key)
    return ids


@pytest.fixture(scope="module")
def community(server_url: str, template_database: str) -> Iterator[Community]:
    today = datetime.now(UTC).date()
    month = add_months(today, -1)
    recorded = add_months(today, 0) - timedelta(days=1)
    with served_api(server_url, template_database) as api, pytest.MonkeyPatch.context() as patch:
        # Every event of the script is recorded at noon on the month's last day.
        patch.setattr(
            CanCreateTimestamp, "create_timestamp", staticmethod(lambda: at(recorded, 20))
        )
        key = api.key(Role.ADMIN)
        members = script(api, key, month)
        day = month.replace(day=14).isoformat()
        annotated = {"day": day, "cause": SCRIPT}
        body = api.graphql(ANNOTATE, {"input": annotated}, key=api.key(Role.MANAGER))
        assert body["data"]["annotateActivitySpike"]["__typename"] == "ActivitySpikeAnnotated"
        patch.undo()
        settle(api)
        yield Community(api, api.key(Role.VIEWER), month, recorded, members)


def report(community: Community, tmp_path: Path, *options: str) -> ReportPage:
    out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.html"
    month = month_label(community.month)
    result = crm_report(community.url, "--month", month, "--out", str(out), *options)
    assert result.exit_code == 0, result.output
    return ReportPage(out.read_text(encoding="utf-8"))


def health(community: Community, **variables: Any) -> list[dict[str, Any]]:
    """communityHealth over HTTP, the twelve months to the report's month included."""
    span = {"from": add_months(community.month, -11).isoformat()}
    span["to"] = add_months(community.month, 1).isoformat()
    body = community.api.graphql(HEALTH, {**span, **variables}, key=community.viewer)
    assert "errors" not in body, body
    periods: list[dict[str, Any]] = body["data"]["communityHealth"]
    assert len(periods) == 12
    return periods


def mix(page: ReportPage) -> dict[str, int]:
    """The month's interactions per channel, as the report lists them."""
    return {r["data-channel"]: int(r["data-value"]) for r in page.find("tr") if "data-channel" in r}


def assert_month_matches(page: ReportPage, period: dict[str, Any]) -> None:
    """Every figure of the month's table equals GraphQL's for the same month."""
    for name, field in FIGURES.items():
        assert page.kpi(name) == period[field], name
    for name, field in (("median", "Median"), ("p90", "P90")):
        row = page.one("tr", id=f"kpi-first_response_{name}")
        assert float(row["data-value"]) == period[f"firstResponse{field}Seconds"]
    stages = [
        (r["data-stage"] or None, int(r["data-value"]))
        for r in page.find("tr")
        if "data-stage" in r
    ]
    assert stages == [(s["stage"], s["active"]["value"]) for s in period["activeByStage"]]


def test_the_month_and_its_trend_are_what_graphql_answers(
    community: Community, tmp_path: Path
) -> None:
    page = report(community, tmp_path)
    periods = health(community)
    month = periods[-1]
    assert_month_matches(page, month)
    # The scripted month, by hand: Ann, Bo and the three newcomers (Gus is staff).
    assert page.kpi("new")["value"] == 3 and page.kpi("active")["value"] == 5
    # 24 usual, 14 in the thread, Bo's post (and whatever of his feedback counts as one).
    assert page.kpi("interactions")["value"] >= 24 + 14 + 1
    assert month["firstResponseMedianSeconds"] == 6 * 3600
    for chart, element, series, field in (
        ("new-vs-inactive", "rect", "New", "new"),
        ("new-vs-inactive", "rect", "Newly inactive", "newlyInactive"),
        ("active", "circle", "Active", "active"),
        ("interactions", "rect", "Interactions", "interactions"),
    ):
        drawn = page.chart_values(chart, element, series)
        assert drawn == [p[field]["value"] for p in periods], chart
        assert page.chart(chart)["data-labels"] == "12"
    assert sum(mix(page).values()) == month["interactions"]["value"]
    for channel, count in mix(page).items():  # each channel's share is that channel's own number
        assert health(community, channel=channel.upper())[-1]["interactions"]["value"] == count


def test_cohorts_and_spikes_are_what_graphql_answers(community: Community, tmp_path: Path) -> None:
    page = report(community, tmp_path)
    start, end = add_months(community.month, -11), add_months(community.month, 1)
    body = community.api.graphql(
        COHORTS,
        {"from": start.isoformat(), "to": end.isoformat()},
        key=community.viewer,
    )
    rows = [(r["data-cohort"], int(r["data-size"])) for r in page.find("tr", **{"class": "cohort"})]
    cohorts = body["data"]["cohortRetention"]
    assert rows == [(c["start"][:7], c["size"]) for c in cohorts if c["size"]]
    shares = [float(c["data-share"]) for c in page.find("td") if "data-share" in c]
    assert shares == [r["share"] for c in cohorts if c["size"] for r in c["retained"]]
    spans = {"from": community.month.isoformat(), "to": end.isoformat()}
    spikes = community.api.graphql(SPIKES, spans, key=community.viewer)["data"]["activitySpikes"]
    days = [s["data-day"] for s in page.find("tr", **{"class": "spike"})]
    assert (
        days == [s["day"] for s in spikes] and community.month.replace(day=14).isoformat() in days
    )


def test_one_channel_is_that_channels_numbers(community: Community, tmp_path: Path) -> None:
    page = report(community, tmp_path, "--channel", "github", "--months", "6")
    assert_month_matches(page, health(community, channel="GITHUB")[-1])
    assert set(mix(page)) == {"github"}
    assert page.chart("active")["data-labels"] == "6"
    assert len(page.chart_values("new-vs-inactive", "rect", "New")) == 6


def test_data_texts_are_escaped_and_nothing_is_fetched(
    community: Community, tmp_path: Path
) -> None:
    page = report(community, tmp_path)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html
    assert "onmouseover=&#34;alert(2)&#34;" in page.html or "&lt;b onmouseover" in page.html
    assert not re.search(r"<\s*script|<\s*b\s+onmouseover", page.html, re.I)
    # Self-contained: no element fetches or links anything, no URL at all.
    for tag, attrs in page.elements:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "image"), tag
        assert not {"src", "href", "xlink:href", "srcset", "action", "background"} & attrs.keys()
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert not re.search(r"url\s*\(|@import|https?:|//\w", page.html, re.I)
    assert len(page.find("style")) == 1 and "@media print" in page.html
    assert "no personal data" in page.html


def test_the_dashboard_serves_the_same_file_to_a_session(community: Community) -> None:
    month = month_label(community.month)
    anonymous = community.api.client.get(
        f"{community.api.url}/dashboard/report", params={"month": month}, follow_redirects=False
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/dashboard/sign-in"
    with signed_in(community.api, community.viewer) as browser:
        answer = browser.get("/dashboard/report", params={"month": month})
        refused = browser.get("/dashboard/report", params={"month": "2026-13"})
        too_late = browser.get("/dashboard/report", params={"month": month, "asOf": "2999-01-01"})
    assert answer.status_code == 200, answer.text
    assert_month_matches(ReportPage(answer.text), health(community)[-1])
    assert f'filename="community-report-{month}.html"' in answer.headers["content-disposition"]
    # The page may load nothing: its one stylesheet is allowed by its hash, nothing else.
    style = re.search(r"<style>(.*?)</style>", answer.text, re.S)
    assert style, "no stylesheet"
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    policy = answer.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-" + digest + "'")
    assert refused.status_code == 400 and refused.text.startswith("month: ")
    assert too_late.status_code == 400 and too_late.text.startswith("asOf: ")


def test_as_of_keeps_a_late_interaction_out(community: Community, tmp_path: Path) -> None:
    as_of = ("--as-of", community.recorded.isoformat())
    before, before_now = report(community, tmp_path, *as_of), report(community, tmp_path)
    late = at(community.month.replace(day=5))
    interact(community.api, community.members["cy"], late, "discord")  # recorded today
    settle(community.api)
    after, after_now = report(community, tmp_path, *as_of), report(community, tmp_path)
    assert [after.kpi(n) for n in FIGURES] == [before.kpi(n) for n in FIGURES]
    assert after_now.kpi("interactions")["value"] == before_now.kpi("interactions")["value"] + 1
    assert after_now.kpi("active")["value"] == before_now.kpi("active")["value"] + 1
    # Interactions by channel and kind are as known at asOf too.
    for page in (before, after, after_now):
        assert mix(page) and sum(mix(page).values()) == page.kpi("interactions")["value"]
    assert mix(after) == mix(before) and mix(after_now)["discord"] == mix(before)["discord"] + 1
    asked = {"asOf": community.recorded.isoformat()}
    assert_month_matches(after, health(community, **asked)[-1])
    assert_month_matches(after_now, health(community)[-1])
