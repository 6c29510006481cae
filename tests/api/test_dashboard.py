"""The dashboard over HTTP: sign-in and its cookie, CSP, CSRF, escaping, roles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from api.auth import Role
from tests.api.conftest import Api, served_api
from tests.api.dashboard_community import XSS_EMAIL, XSS_NAME, csrf_token, seed, signed_in


@pytest.fixture(scope="module")
def community(server_url: str, template_database: str) -> Iterator[Api]:
    """A database of its own with three members, so the panels hold known figures."""
    with served_api(server_url, template_database) as served:
        seed(served, served.key(Role.ADMIN))
        yield served


def test_sign_in_sets_an_opaque_http_only_strict_cookie(community: Api) -> None:
    key = community.key(Role.MANAGER)
    answer = httpx.post(f"{community.url}/dashboard/sign-in", data={"api_key": key})
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard"
    cookie = answer.headers["set-cookie"]
    token = cookie.split(";")[0].split("=", 1)[1]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/dashboard"} <= attributes
    assert any(a.startswith("expires=") for a in attributes)
    # Local and test environments serve plain HTTP: Secure is set in production only.
    assert "secure" not in attributes
    assert key not in cookie and len(token) >= 40


def test_without_a_session_the_dashboard_redirects_to_sign_in(community: Api) -> None:
    answer = httpx.get(f"{community.url}/dashboard")
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/sign-in"
    forged = httpx.get(f"{community.url}/dashboard", cookies={"crm_dashboard": "made-up"})
    assert forged.status_code == 303


@pytest.mark.parametrize("key", ["crm_not-a-key", "", "x" * 5000])
def test_a_wrong_key_is_refused(community: Api, key: str) -> None:
    answer = httpx.post(f"{community.url}/dashboard/sign-in", data={"api_key": key})
    assert answer.status_code == 401 and "set-cookie" not in answer.headers
    assert "Unknown or revoked key." in answer.text


def test_a_sign_in_posted_from_another_site_is_forbidden(community: Api) -> None:
    key = community.key(Role.MANAGER)
    answer = httpx.post(
        f"{community.url}/dashboard/sign-in",
        data={"api_key": key},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
    assert 'data-code="403"' in answer.text


def test_a_revoked_key_no_longer_signs_in(community: Api) -> None:
    issued = community.services.api_keys.create(name="leaving", role=Role.MANAGER)
    community.services.api_keys.revoke(issued.key_id)
    answer = httpx.post(f"{community.url}/dashboard/sign-in", data={"api_key": issued.secret})
    assert answer.status_code == 401


def test_revoking_a_key_ends_the_sessions_opened_with_it(community: Api) -> None:
    issued = community.services.api_keys.create(name="revoked later", role=Role.MANAGER)
    with signed_in(community, issued.secret) as client:
        assert client.get("/dashboard").status_code == 200
        community.services.api_keys.revoke(issued.key_id)
        after = client.get("/dashboard")
    assert after.status_code == 303 and after.headers["location"] == "/dashboard/sign-in"


def test_pages_send_a_policy_allowing_only_own_scripts(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        pages = [client.get("/dashboard"), httpx.get(f"{community.url}/dashboard/sign-in")]
    for page in pages:
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "http" not in policy
    # The only inline script block is data: JSON, which the browser does not execute.
    body = pages[0].text
    assert body.count("<script") == 3 and '<script type="application/json"' in body


def test_the_page_shows_the_read_models_figures(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        page = client.get("/dashboard").text
    assert '<td class="number" data-status="active">3</td>' in page
    assert '<span class="figure" id="candidate-count">0</span>' in page
    # Six interactions in one week, in the chart's table and its JSON data.
    assert '<td class="number">6</td>' in page
    weekly = json.loads(page.split('id="chart-data">')[1].split("</script>")[0])["weekly"]
    (line,) = weekly["lines"]
    assert len(weekly["x"]) == len(line["y"]) == 26 and sum(line["y"]) == 6


def test_a_member_named_like_a_script_shows_as_text(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        page = client.get("/dashboard").text
    assert XSS_NAME not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and XSS_EMAIL in page


def test_a_viewer_sees_no_names_or_e_mails_nor_candidates(community: Api) -> None:
    with signed_in(community, community.key(Role.VIEWER)) as client:
        page = client.get("/dashboard")
    assert page.status_code == 200 and "@example.org" not in page.text
    assert "alert(1)" not in page.text and "Grace" not in page.text
    assert "candidate-count" not in page.text and "Hidden for your role" in page.text


@pytest.mark.parametrize("token", [None, "wrong"])
def test_sign_out_without_the_csrf_token_is_forbidden(community: Api, token: str | None) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        data = {} if token is None else {"csrf_token": token}
        refused = client.post("/dashboard/sign-out", data=data)
        assert refused.status_code == 403 and 'data-code="403"' in refused.text
        assert client.get("/dashboard").status_code == 200  # still signed in


def test_sign_out_ends_the_session(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        token = csrf_token(client.get("/dashboard").text)
        cookie = client.cookies["crm_dashboard"]
        answer = client.post("/dashboard/sign-out", data={"csrf_token": token})
        assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/sign-in"
    replayed = httpx.get(f"{community.url}/dashboard", cookies={"crm_dashboard": cookie})
    assert replayed.status_code == 303


def test_the_chart_library_and_script_are_served_without_a_session(community: Api) -> None:
    for path in ("/dashboard/vendor/uplot/uPlot.iife.min.js", "/dashboard/static/dashboard.js"):
        answer = httpx.get(f"{community.url}{path}")
        assert answer.status_code == 200 and "javascript" in answer.headers["content-type"]


HEALTH = """
query Health($from: Date!, $to: Date!) {
  communityHealth(from: $from, to: $to, granularity: MONTH) {
    start new { value } active { value } interactions { value }
  }
}
"""


def _shown(page: str, month: str, kpi: str) -> int:
    """The figure the page shows for one month and KPI."""
    rows = [row.split("</tr>")[0] for row in page.split(f'<tr data-month="{month}">')[1:]]
    (row,) = [row for row in rows if f'data-kpi="{kpi}"' in row]
    return int(row.split(f'data-kpi="{kpi}">')[1].split("<")[0])


def _seeded_month() -> date:
    return (datetime.now(UTC) - timedelta(days=1)).date().replace(day=1)


def test_the_health_panels_show_what_graphql_reports(community: Api) -> None:
    month = _seeded_month()
    key = community.key(Role.ADMIN)
    with signed_in(community, key) as client:
        page = client.get("/dashboard").text
    after = (month + timedelta(days=31)).replace(day=1)
    body = community.graphql(HEALTH, {"from": str(month), "to": str(after)}, key=key)
    assert "errors" not in body, body
    (period,) = [p for p in body["data"]["communityHealth"] if p["start"] == str(month)]
    label = month.strftime("%Y-%m")
    assert _shown(page, label, "interactions") == period["interactions"]["value"] == 6
    assert _shown(page, label, "new") == period["new"]["value"] == 3
    assert _shown(page, label, "active") == period["active"]["value"] == 3
    # The default span: twelve months, ending with the current one, in five tables by month.
    assert page.count('<tr data-month="') == 5 * 12
    slots = ("new-vs-inactive", "active-by-level", "membership", "by-channel", "mix", "spikes")
    for slot in (*slots, "cohorts", "first-response"):
        assert f'id="health-{slot}"' in page
    assert 'class="number heat-4">100%' in page and "style=" not in page


def test_the_pickers_change_the_figures(community: Api) -> None:
    month = _seeded_month()
    earlier = (month - timedelta(days=1)).replace(day=1).strftime("%Y-%m")
    label = month.strftime("%Y-%m")
    with signed_in(community, community.key(Role.ADMIN)) as client:
        before = client.get("/dashboard", params={"from": earlier, "to": earlier})
        slack = client.get("/dashboard", params={"from": label, "to": label, "channel": "slack"})
    assert before.status_code == slack.status_code == 200
    assert before.text.count('<tr data-month="') == 5 and f'data-month="{label}"' not in before.text
    assert _shown(before.text, earlier, "interactions") == 0
    assert _shown(slack.text, label, "interactions") == 0
    assert '<option value="slack" selected>' in slack.text


def test_as_of_yesterday_shows_none_of_todays_recorded_interactions(community: Api) -> None:
    month = _seeded_month()
    label = month.strftime("%Y-%m")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    with signed_in(community, community.key(Role.ADMIN)) as client:
        then = client.get("/dashboard", params={"from": label, "to": label, "asOf": yesterday})
        discord = client.get(
            "/dashboard", params={"from": label, "to": label, "channel": "discord"}
        )
    # The seed recorded its interactions today: as known yesterday, there were none.
    assert then.status_code == 200 and _shown(then.text, label, "interactions") == 0
    assert _shown(discord.text, label, "interactions") == 6


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"from": "2026-13"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2025-06", "to": "2025-01"}, "to"),
        ({"channel": "<b>carrier-pigeon</b>"}, "channel"),
        ({"asOf": "2026-02-30"}, "asOf"),
        ({"asOf": "2999-01-01"}, "asOf"),
        ({"from": "2001-01"}, "from"),
    ],
)
def test_a_bad_picker_value_is_a_400_naming_it(
    community: Api, query: dict[str, str], named: str
) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        answer = client.get("/dashboard", params=query)
    assert answer.status_code == 400
    assert f'id="picker-error" data-field="{named}">{named}: ' in answer.text
    assert "<b>carrier-pigeon" not in answer.text
