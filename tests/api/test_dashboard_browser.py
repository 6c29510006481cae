"""The dashboard in a real browser: headless Chromium driven by selenium (tests/api/chromium.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.auth import Role
from tests.api.chromium import MISSING, available, chromium_driver, sign_in, wait_drawn
from tests.api.conftest import Api, served_api
from tests.api.dashboard_community import XSS_NAME, seed

pytestmark = pytest.mark.skipif(not available(), reason=MISSING)
COUNTS = """
query { members(filter: {status: [ACTIVE]}) { totalCount }
        topMembers(first: 1) { edges { node { member { displayName } } } } }
"""
# Whether a chart's canvas holds any drawn (non-transparent) pixel.
CANVAS_DRAWN = """
const canvas = document.querySelector('#' + arguments[0] + ' canvas');
if (!canvas) return false;
const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
return false;
"""

# Picks one month in the health form and submits it, as a manager would.
PICK = """
const form = document.getElementById('health-form');
form.elements['from'].value = arguments[0];
form.elements['to'].value = arguments[0];
form.querySelector('button').click();
"""
HEALTH = """
query Health($from: Date!, $to: Date!) {
  communityHealth(from: $from, to: $to, granularity: MONTH) { interactions { value } }
}
"""


@pytest.fixture(scope="module")
def community(server_url: str, template_database: str) -> Iterator[Api]:
    """The seeded three-member community on a database of its own."""
    with served_api(server_url, template_database) as served:
        seed(served, served.key(Role.ADMIN))
        yield served


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium, its console log kept for the checks."""
    driver = chromium_driver()
    try:
        yield driver
    finally:
        driver.quit()


def _severe(driver: Any) -> list[Any]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_the_dashboard_draws_its_chart_and_shows_graphqls_figures(
    community: Api, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    admin = community.key(Role.ADMIN)
    sign_in(browser, community.url, admin)
    wait_drawn(browser, "chart-weekly")
    assert browser.execute_script(CANVAS_DRAWN, "chart-weekly") is True
    browser.save_screenshot(str(tmp_path / "dashboard.png"))
    print(f"screenshot: {tmp_path / 'dashboard.png'}")
    if folder := os.environ.get("CRM_DASHBOARD_SCREENSHOT_DIR"):  # e.g. docs/, when asked
        browser.save_screenshot(str(Path(folder) / "dashboard.png"))
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000

    expected = community.graphql(COUNTS, key=admin)["data"]
    shown = browser.find_element(By.CSS_SELECTOR, '[data-status="active"]').text
    assert int(shown) == expected["members"]["totalCount"] == 3
    leader = browser.find_element(By.CSS_SELECTOR, "#top-table tbody tr td").text
    assert leader == expected["topMembers"]["edges"][0]["node"]["member"]["displayName"]
    assert leader == XSS_NAME  # shown as text: the script never ran
    scripts = "return document.querySelectorAll('#top-table script').length"
    assert browser.execute_script(scripts) == 0

    assert _severe(browser) == []

    # The period picker: the month before the seeded one, whose figures GraphQL gives.
    seeded = (datetime.now(UTC) - timedelta(days=1)).date().replace(day=1)
    earlier = (seeded - timedelta(days=1)).replace(day=1)
    interactions = 'tr[data-month="{}"] [data-kpi="interactions"]'
    shown_before = browser.find_element(By.CSS_SELECTOR, interactions.format(f"{seeded:%Y-%m}"))
    assert shown_before.text == "6"
    browser.execute_script(PICK, f"{earlier:%Y-%m}")
    WebDriverWait(browser, 10).until(lambda d: "from=" in d.current_url)
    wanted = community.graphql(HEALTH, {"from": str(earlier), "to": str(seeded)}, key=admin)
    (period,) = wanted["data"]["communityHealth"]
    shown = browser.find_element(By.CSS_SELECTOR, interactions.format(f"{earlier:%Y-%m}")).text
    assert int(shown) == period["interactions"]["value"] == 0
    assert not browser.find_elements(By.CSS_SELECTOR, f'tr[data-month="{seeded:%Y-%m}"]')
    wait_drawn(browser, "chart-new-vs-inactive")
    assert browser.find_element(By.ID, "chart-weekly").get_attribute("data-drawn") == "true"
    assert _severe(browser) == []

    # One section on its own, from the nav: its chart draws, and the picked month is kept.
    browser.find_element(By.CSS_SELECTOR, 'nav.sections a[data-section="activity"]').click()
    WebDriverWait(browser, 10).until(lambda d: "/dashboard/activity?" in d.current_url)
    assert f"from={earlier:%Y-%m}" in browser.current_url
    wait_drawn(browser, "chart-daily")
    assert browser.execute_script(CANVAS_DRAWN, "chart-daily") is True
    assert not browser.find_elements(By.ID, "chart-weekly")  # the overview's, not here
    assert browser.find_elements(By.ID, "annotation-form")  # an admin's page
    assert _severe(browser) == []

    sign_in(browser, community.url, community.key(Role.VIEWER))
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/dashboard"))
    assert "@example.org" not in browser.page_source
    # Names too are personal data for a viewer: each row shows a shortened id instead.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#top-table span.hidden")) == 3
    assert _severe(browser) == []
