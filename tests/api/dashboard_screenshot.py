"""docs/dashboard.png: the dashboard of a demo community, as headless Chromium shows it.

    CRM_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python -m tests.api.dashboard_screenshot docs/dashboard.png

The community is `crm demo`'s (a smaller one), with the dashboard tests' planted spike and
answered feedback; it lives in a database of its own on that server, dropped afterwards.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import httpx

from api.app import create_app
from api.auth import Role
from api.demo import demo_community
from api.services import Services
from application.migrations import apply_migrations
from application.runtime import Runtime
from tests.api.chromium import chromium_driver, sign_in, wait_drawn
from tests.api.conftest import Api, serving
from tests.api.dashboard_community import answer_feedback, plant_spike
from tests.conftest import create_database, drop_database, test_settings

MEMBERS = 300  # as `crm serve --demo`
WIDTH, HEIGHT = 1280, 1400
MAX_HEIGHT = 2900  # the page's top: overview, members, growth (a PNG under 400 KB)
CHARTS = ("chart-weekly", "chart-new-vs-inactive", "chart-daily", "chart-first-response")


def screenshot(server: str, out: Path) -> None:
    """Seed a demo community, serve it, sign in as a manager and save the dashboard."""
    name = f"crm_shot_{uuid.uuid4().hex[:12]}"
    url = create_database(server, name)
    try:
        apply_migrations(url)
        runtime = Runtime.start(test_settings(url))
        demo_community(runtime, MEMBERS)
        services = Services.build(runtime, run_projections=True)
        try:
            _shoot(services, out)
        finally:
            services.close()
    finally:
        drop_database(server, name)


def _shoot(services: Services, out: Path) -> None:
    with serving(create_app(services=services)) as base, httpx.Client(timeout=30) as client:
        api = Api(base, services, client)
        admin = api.key(Role.ADMIN)
        plant_spike(api, admin)
        answer_feedback(api, admin)
        driver = chromium_driver(WIDTH, HEIGHT)
        try:
            sign_in(driver, base, api.key(Role.MANAGER))
            for chart in CHARTS:
                wait_drawn(driver, chart)
            # As much of the page as MAX_HEIGHT holds (the charts keep their width).
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(WIDTH, min(int(height) + 140, MAX_HEIGHT))
            out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(out))
        finally:
            driver.quit()


if __name__ == "__main__":
    server = os.environ.get("CRM_TEST_DATABASE_URL")
    if len(sys.argv) != 2 or not server:
        sys.exit("usage: CRM_TEST_DATABASE_URL=URL python -m tests.api.dashboard_screenshot OUT")
    screenshot(server, Path(sys.argv[1]))
    print(f"{sys.argv[1]}: {Path(sys.argv[1]).stat().st_size} bytes")
