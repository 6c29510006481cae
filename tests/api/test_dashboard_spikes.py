"""The spike, response-time and annotation panels over HTTP, on a community with a planted
spike and answered feedback: the pages show what GraphQL returns, and the form records."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, served_api
from tests.api.dashboard_community import (
    RESPONSE_HOURS,
    SPIKE_THREAD,
    XSS_NAME,
    answer_feedback,
    csrf_token,
    plant_spike,
    response_month,
    seed,
    signed_in,
    spike_day,
    spike_month,
)

SPIKES = """
query Spikes($from: Date!, $to: Date!) {
  activitySpikes(from: $from, to: $to) {
    day activity level excess causes { kind name share } annotations { cause }
  }
}
"""
INTERACTIONS = """
query Interactions($from: Date!, $to: Date!) {
  communityHealth(from: $from, to: $to, granularity: MONTH) { start interactions { value } }
}
"""
RESPONSES = """
query Responses($from: Date!, $to: Date!) {
  communityHealth(from: $from, to: $to, granularity: MONTH) {
    start firstResponseMedianSeconds firstResponseP90Seconds
  }
}
"""
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def community(server_url: str, template_database: str) -> Iterator[Api]:
    """The three-member community, a planted spike, and three answered feedback items."""
    with served_api(server_url, template_database) as served:
        admin = served.key(Role.ADMIN)
        seed(served, admin)
        plant_spike(served, admin)
        answer_feedback(served, admin)
        yield served


def _month_span() -> dict[str, str]:
    month = f"{spike_month():%Y-%m}"
    return {"from": month, "to": month}


def _graphql_spikes(api: Api, key: str) -> list[dict[str, Any]]:
    start = spike_month()
    end = (start + timedelta(days=32)).replace(day=1)
    body = api.graphql(SPIKES, {"from": str(start), "to": str(end)}, key=key)
    assert "errors" not in body, body
    spikes: list[dict[str, Any]] = body["data"]["activitySpikes"]
    return spikes


def _shown_spikes(page: str) -> dict[str, dict[str, Any]]:
    """The spike table's rows by day: figures, causes and annotations as the page shows them."""
    shown = {}
    for day, row in re.findall(r'<tr data-spike="([0-9-]+)">(.*?)</tr>', page, re.S):
        figures = dict(re.findall(r'data-spike-figure="(\w+)">([0-9.]+)<', row))
        causes = re.findall(r'<li data-cause="(\w+)">\w+: (.*?)(?: \(\d+%\))?</li>', row)
        notes = re.findall(r'<li class="annotation">(.*?)</li>', row, re.S)
        shown[day] = {
            "figures": {name: float(value) for name, value in figures.items()},
            "causes": [(kind, html.unescape(name)) for kind, name in causes],
            "annotations": notes,
        }
    return shown


def test_the_activity_section_shows_the_spikes_graphql_finds(community: Api) -> None:
    key = community.key(Role.VIEWER)
    with signed_in(community, key) as client:
        page = client.get("/dashboard/activity", params=_month_span())
    assert page.status_code == 200
    expected = _graphql_spikes(community, key)
    shown = _shown_spikes(page.text)
    assert sorted(shown) == [s["day"] for s in expected]
    for spike in expected:
        row = shown[spike["day"]]
        for name in ("activity", "level", "excess"):
            assert row["figures"][name] == round(spike[name], 1)
        # The top three causes; the CSV holds them all.
        assert row["causes"] == [(c["kind"].lower(), c["name"]) for c in spike["causes"][:3]]
    # The planted burst: 14 messages against a steady 2 a day, carried by its thread.
    (planted,) = [s for s in expected if s["day"] == str(spike_day())]
    assert planted["activity"] == 14 and planted["level"] == 2 and planted["excess"] == 12
    assert ("thread", SPIKE_THREAD) in shown[str(spike_day())]["causes"]
    # The chart marks the spikes on their days, beside the interactions of every day.
    charts = json.loads(page.text.split('id="chart-data">')[1].split("</script>")[0])
    daily, marks = charts["daily"]["lines"]
    days = ((spike_month() + timedelta(days=32)).replace(day=1) - spike_month()).days
    assert marks["points"] and len(daily["y"]) == len(charts["daily"]["x"]) == days
    assert sorted(y for y in marks["y"] if y is not None) == sorted(s["activity"] for s in expected)


def test_the_spikes_csv_holds_the_same_spikes(community: Api) -> None:
    key = community.key(Role.ADMIN)
    params = {**_month_span(), "format": "csv", "table": "spikes"}
    with signed_in(community, key) as client:
        answer = client.get("/dashboard/activity", params=params)
    assert answer.status_code == 200
    lines = answer.text.splitlines()
    assert lines[0] == "day,channel,activity,level,band,excess,causes,annotations"
    expected = _graphql_spikes(community, key)
    assert [line.split(",")[0] for line in lines[1:]] == [s["day"] for s in expected]
    planted = next(line for line in lines if line.startswith(str(spike_day())))
    assert planted.startswith(f"{spike_day()},,14,2.0,3.0,12.0,thread: {SPIKE_THREAD}; ")


def test_the_responses_section_shows_graphqls_first_response_times(community: Api) -> None:
    key = community.key(Role.VIEWER)
    month = response_month()
    label = f"{month:%Y-%m}"
    with signed_in(community, key) as client:
        page = client.get("/dashboard/responses", params={"from": label, "to": label}).text
    end = (month + timedelta(days=32)).replace(day=1)
    body = community.graphql(RESPONSES, {"from": str(month), "to": str(end)}, key=key)
    assert "errors" not in body, body
    (period,) = body["data"]["communityHealth"]
    median, p90 = period["firstResponseMedianSeconds"], period["firstResponseP90Seconds"]
    # Answered after 2, 4 and 10 hours: the median is the middle one.
    assert median == sorted(RESPONSE_HOURS)[1] * 3600 and p90 is not None
    row = page.split(f'<tr data-month="{label}">')[1].split("</tr>")[0]
    assert f'data-kpi="first_response_median">{median / 3600:.1f}<' in row
    assert f'data-kpi="first_response_p90">{p90 / 3600:.1f}<' in row
    charts = json.loads(page.split('id="chart-data">')[1].split("</script>")[0])
    assert charts["first-response"]["lines"][0]["y"] == [round(median / 3600, 2)]


def test_interactions_by_channel_and_kind_add_up_to_graphqls_per_month(community: Api) -> None:
    key = community.key(Role.VIEWER)
    first, last = response_month(), spike_month()
    span = {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"}
    with signed_in(community, key) as client:
        page = client.get("/dashboard/activity", params=span).text
        table = client.get(
            "/dashboard/activity",
            params={**span, "format": "csv"} | {"table": "by-channel-and-kind"},
        ).text
    end = (last + timedelta(days=32)).replace(day=1)
    body = community.graphql(INTERACTIONS, {"from": str(first), "to": str(end)}, key=key)
    expected = {p["start"]: p["interactions"]["value"] for p in body["data"]["communityHealth"]}
    summed: dict[str, int] = dict.fromkeys(expected, 0)
    for month, channel, kind, count in (line.split(",") for line in table.splitlines()[1:]):
        assert channel and kind
        summed[month] += int(count)
    # The spike's month: ten steady days of two messages, and the burst of fourteen.
    assert summed == expected and expected[str(last)] == 2 * 10 + 14
    totals = re.findall(r'data-kind="all">(\d+)<', page)
    assert sum(int(n) for n in totals) == sum(expected.values())


def _annotate(client: Any, token: str | None, **fields: str) -> Any:
    data = {"day": str(spike_day()), "cause": "the v2 release", **fields}
    if token is not None:
        data["csrf_token"] = token
    month = _month_span()["from"]
    return client.post(f"/dashboard/activity/annotations?from={month}&to={month}", data=data)


def test_a_manager_annotates_a_spike_and_it_shows_escaped(community: Api) -> None:
    key = community.key(Role.MANAGER)
    with signed_in(community, key) as client:
        page = client.get("/dashboard/activity", params=_month_span()).text
        assert 'id="annotation-form"' in page
        answer = _annotate(client, csrf_token(page), cause=XSS_NAME)
        assert answer.status_code == 303
        month = _month_span()["from"]
        assert answer.headers["location"] == f"/dashboard/activity?from={month}&to={month}"
        shown = client.get(answer.headers["location"]).text
    assert XSS_NAME not in shown
    assert ESCAPED_XSS in _shown_spikes(shown)[str(spike_day())]["annotations"]
    (planted,) = [s for s in _graphql_spikes(community, key) if s["day"] == str(spike_day())]
    assert {"cause": XSS_NAME} in planted["annotations"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRODUCT, Role.MARKETING])
def test_other_roles_see_no_form_and_may_not_post_it(community: Api, role: Role) -> None:
    key = community.key(role)
    before = len(_graphql_spikes(community, key)[-1]["annotations"])
    with signed_in(community, key) as client:
        page = client.get("/dashboard/activity", params=_month_span()).text
        assert "annotation-form" not in page
        answer = _annotate(client, csrf_token(page))
    assert answer.status_code == 403 and 'data-code="403"' in answer.text
    assert len(_graphql_spikes(community, key)[-1]["annotations"]) == before


@pytest.mark.parametrize("token", [None, "forged"])
def test_an_annotation_without_its_csrf_token_is_forbidden(
    community: Api, token: str | None
) -> None:
    key = community.key(Role.MANAGER)
    cause = f"forged cause {token}"
    with signed_in(community, key) as client:
        answer = _annotate(client, token, cause=cause)
    assert answer.status_code == 403 and "CSRF" in answer.text
    causes = [n["cause"] for s in _graphql_spikes(community, key) for n in s["annotations"]]
    assert cause not in causes


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"day": "2026-02-30"}, "day"),
        ({"day": ""}, "day"),
        ({"day": "1900-01-01"}, "day"),
        ({"channel": "<b>pigeon</b>"}, "channel"),
        ({"cause": ""}, "cause"),
        ({"cause": "a\x00b"}, "cause"),
        ({"cause": "x" * 501}, "cause"),
        ({"cause": "\u202e" * 5000}, "cause"),  # a body past the form's size
    ],
)
def test_a_bad_annotation_is_a_400_naming_the_field(
    community: Api, fields: dict[str, str], named: str
) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        token = csrf_token(client.get("/dashboard/activity").text)
        answer = _annotate(client, token, **fields)
    assert answer.status_code == 400
    assert f'id="annotation-error" data-field="{named}">{named}: ' in answer.text
    assert "<b>pigeon" not in answer.text and 'id="health-spikes"' in answer.text
