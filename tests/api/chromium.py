"""Headless Debian Chromium driven by selenium through chromedriver, for the dashboard.

CI installs Debian's chromium and chromium-driver (.ci/run); nothing downloads a browser:
selenium is given /usr/bin/chromedriver, so Selenium Manager never runs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = shutil.which("chromium")
MISSING = (
    "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver, "
    "as .ci/run does)"
)


def available() -> bool:
    """Whether Debian's chromium and chromedriver are installed."""
    return CHROMEDRIVER.is_file() and CHROMIUM is not None


def chromium_driver(width: int = 1280, height: int = 1400) -> Any:
    """A headless Chromium of this window size, its console log kept (quit it when done)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # The driver's path is given, so Selenium Manager is not consulted; offline in any case.
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument("--hide-scrollbars")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    return driver


def sign_in(driver: Any, url: str, key: str) -> None:
    """Open the dashboard without a session, and sign in with the key as a person would."""
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{url}/dashboard")
    assert driver.current_url.endswith("/dashboard/sign-in")  # no session: the sign-in form
    driver.find_element(By.ID, "api_key").send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "form.sign-in button").click()


def wait_drawn(driver: Any, chart: str, seconds: float = 10) -> None:
    """Wait until the chart element `chart` (its id) is drawn by the page's script."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(
        lambda d: d.find_element(By.ID, chart).get_attribute("data-drawn") == "true"
    )
