"""The dashboard in a real browser: headless Chromium driven by selenium through chromedriver.

CI installs Debian's chromium and chromium-driver (.ci/run); nothing downloads a browser:
selenium is given /usr/bin/chromedriver, so Selenium Manager never runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.auth import Role
from tests.api.conftest import Api, served_api
from tests.api.dashboard_community import XSS_NAME, seed

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    not CHROMEDRIVER.is_file() or CHROMIUM is None,
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
    "chromium-driver, as .ci/run does)",
)
COUNTS = """
query { members(filter: {status: [ACTIVE]}) { totalCount }
        topMembers(first: 1) { edges { node { member { displayName } } } } }
"""
# Whether a canvas holds any drawn (non-transparent) pixel.
CANVAS_DRAWN = """
const canvas = document.querySelector('#chart-weekly canvas');
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
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Headless Chromium, its console log kept for the checks."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # The driver's path is given, so Selenium Manager is not consulted; offline in any case.
    monkeypatch.setenv("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1400")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def _sign_in(driver: object, api: Api, key: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(driver, WebDriver)
    driver.delete_all_cookies()
    driver.get(f"{api.url}/dashboard")
    assert driver.current_url.endswith("/dashboard/sign-in")  # no session: the sign-in form
    driver.find_element(By.ID, "api_key").send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "form.sign-in button").click()


def test_the_dashboard_draws_its_chart_and_shows_graphqls_figures(
    community: Api, browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    admin = community.key(Role.ADMIN)
    _sign_in(browser, community, admin)
    WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "chart-weekly").get_attribute("data-drawn") == "true"
    )
    assert browser.execute_script(CANVAS_DRAWN) is True
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

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors

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
    WebDriverWait(browser, 10).until(
        lambda d: (
            d.find_element(By.ID, "chart-new-vs-inactive").get_attribute("data-drawn") == "true"
        )
    )
    assert browser.find_element(By.ID, "chart-weekly").get_attribute("data-drawn") == "true"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors

    _sign_in(browser, community, community.key(Role.VIEWER))
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/dashboard"))
    assert "@example.org" not in browser.page_source
    # Names too are personal data for a viewer: each row shows a shortened id instead.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#top-table span.hidden")) == 3
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
