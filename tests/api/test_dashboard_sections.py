"""The dashboard's section pages over HTTP: their panels, the nav keeping the pickers, 404."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.auth import Role
from tests.api.conftest import Api, served_api
from tests.api.dashboard_community import seed, signed_in

PANELS = {
    "overview": ("members-by-status", "activity", "health-latest"),
    "members": ("at-risk", "top-members", "ambassador-candidates"),
    "growth": ("health-new-vs-inactive", "health-active-by-level", "health-membership"),
    "activity": ("health-by-channel", "health-mix", "health-spikes", "annotate-spike"),
    "cohorts": ("health-cohorts",),
    "responses": ("health-first-response",),
}
PICKED = {"from": "2026-01", "to": "2026-03", "channel": "discord", "asOf": "2026-04-01"}
HEALTH = """
query Health($from: Date!, $to: Date!) {
  communityHealth(from: $from, to: $to, granularity: MONTH) { start interactions { value } }
}
"""


@pytest.fixture(scope="module")
def community(server_url: str, template_database: str) -> Iterator[Api]:
    """The seeded three-member community on a database of its own."""
    with served_api(server_url, template_database) as served:
        seed(served, served.key(Role.ADMIN))
        yield served


def _hrefs(page: str, pattern: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(pattern, page)]


@pytest.mark.parametrize("section", sorted(PANELS))
def test_each_section_shows_its_panels_and_no_others(community: Api, section: str) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        page = client.get(f"/dashboard/{section}")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name, panels in PANELS.items():
        for panel in panels:
            assert (f'id="{panel}"' in page.text) is (name == section), (name, panel)
    assert f'data-section="{section}" aria-current="page"' in page.text
    # The pickers change only the sections that read the health numbers.
    assert ('id="health-form"' in page.text) is (section != "members")


def test_the_whole_page_still_shows_every_panel(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        page = client.get("/dashboard").text
    for panels in PANELS.values():
        for panel in panels:
            assert f'id="{panel}"' in page


def test_the_nav_and_the_csv_links_keep_the_pickers_values(community: Api) -> None:
    with signed_in(community, community.key(Role.MANAGER)) as client:
        page = client.get("/dashboard/growth", params=PICKED).text
        found = re.search(r'<nav class="sections".*?</nav>', page, re.S)
        assert found is not None
        nav = found.group(0)
        links = _hrefs(nav, r'href="([^"]+)"')
        assert len(links) == 1 + len(PANELS)
        for link in links:
            assert {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()} == PICKED
        cohorts = next(link for link in links if link.startswith("/dashboard/cohorts?"))
        followed = client.get(cohorts).text
    assert 'name="from" value="2026-01"' in followed
    assert 'name="asOf" value="2026-04-01"' in followed
    assert '<option value="discord" selected>' in followed
    downloads = _hrefs(page, r'<a href="([^"]+)" data-table=')
    assert len(downloads) == 3
    for link in downloads:
        query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        assert query.pop("format") == "csv" and query.pop("table") and query == PICKED


def test_the_cohorts_panel_says_it_is_as_known_now(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        plain = client.get("/dashboard/cohorts").text
        picked = client.get("/dashboard/cohorts", params={"asOf": PICKED["asOf"]}).text
    assert 'id="cohorts-as-known-now"' not in plain
    assert 'id="cohorts-as-known-now"' in picked and "as-of date do not apply" in picked


def test_an_unknown_section_is_a_404_page(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        missing = [client.get(f"/dashboard/{path}") for path in ("<b>reports", "growth/x/y")]
    for answer in missing:
        assert answer.status_code == 404 and 'data-code="404"' in answer.text
        assert "text/html" in answer.headers["content-type"] and "<b>reports" not in answer.text


@pytest.mark.parametrize("path", ["/dashboard/growth", "/dashboard/nope", "/dashboard/cohorts"])
def test_sections_are_behind_the_sign_in(community: Api, path: str) -> None:
    answer = httpx.get(f"{community.url}{path}", params={"format": "csv", "table": "retention"})
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/sign-in"


def test_a_bad_picker_on_a_section_is_a_400_naming_it(community: Api) -> None:
    with signed_in(community, community.key(Role.ADMIN)) as client:
        answer = client.get("/dashboard/responses", params={"to": "2026-13"})
    assert answer.status_code == 400 and 'id="picker-error" data-field="to">to: ' in answer.text


def test_the_member_panels_link_onward_to_queries_that_run(community: Api) -> None:
    key = community.key(Role.ADMIN)
    with signed_in(community, key) as client:
        page = client.get("/dashboard/members").text
    onward = [link for link in _hrefs(page, r'href="([^"]+)"') if link.startswith("/graphql?")]
    assert len(onward) == 3
    for link in onward:
        (query,) = parse_qs(urlsplit(link).query)["q"]
        body = community.graphql(query, key=key)
        assert "errors" not in body, body


def test_a_viewer_s_members_section_hides_personal_data(community: Api) -> None:
    with signed_in(community, community.key(Role.VIEWER)) as client:
        page = client.get("/dashboard/members").text
    assert "@example.org" not in page and "Grace" not in page
    assert "Hidden for your role" in page and 'id="ambassador-candidates"' not in page


def test_interactions_by_channel_and_kind_add_up_to_graphqls_interactions(
    community: Api,
) -> None:
    month = (datetime.now(UTC) - timedelta(days=1)).date().replace(day=1)
    label = f"{month:%Y-%m}"
    key = community.key(Role.VIEWER)
    with signed_in(community, key) as client:
        page = client.get("/dashboard/activity", params={"from": label, "to": label}).text
    rows = re.findall(r'<tr data-mix="(\w+)">(.*?)</tr>', page)
    cells = [(channel, re.findall(r'data-kind="(\w+)">(\d+)<', row)) for channel, row in rows]
    assert cells == [("discord", [("message", "6"), ("all", "6")])]
    end = (month + timedelta(days=32)).replace(day=1)
    body = community.graphql(HEALTH, {"from": str(month), "to": str(end)}, key=key)
    (period,) = body["data"]["communityHealth"]
    assert sum(int(n) for _, n in cells[0][1][:-1]) == period["interactions"]["value"]
