"""The README's `crm report` examples, run as written (a subprocess) on the demo community.

tests/api/test_readme.py runs the README's GraphQL and curl examples; the report is a
command, so its examples are run here, against the community of `crm serve --demo`.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.demo import demo_community
from api.report.builder import add_months
from application.runtime import Runtime
from tests.api.report_page import ReportPage
from tests.api.test_readme import DEMO_MEMBERS, README
from tests.conftest import create_database, drop_database, test_settings
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration

DEMO_MONTHS = 23  # the demo records two years of activity up to today


def readme_reports() -> list[list[str]]:
    """The arguments of every `crm report` line of the README's ```sh blocks."""
    text = README.read_text()
    blocks = re.findall(r"^```sh[ \t]*\n(.*?)^```", text, re.M | re.S)
    return [
        shlex.split(line, comments=True)[1:]
        for block in blocks
        for line in block.splitlines()
        if line.strip().startswith("crm report ")
    ]


@pytest.fixture(scope="module")
def demo(server_url: str, template_database: str) -> Iterator[str]:
    """A database holding the demo community (the one `crm serve --demo` seeds)."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_report_readme"
    url = create_database(server_url, name, template=template_database)
    runtime = Runtime.start(test_settings(url))
    try:
        demo_community(runtime, DEMO_MEMBERS)
    finally:
        runtime.close()
    try:
        yield url
    finally:
        drop_database(server_url, name)


@pytest.mark.parametrize("args", readme_reports(), ids=" ".join)
def test_each_report_example_of_the_readme_writes_its_file(
    demo: str, tmp_path: Path, args: list[str]
) -> None:
    ran = subprocess.run(
        [*crm_command(), *args], cwd=tmp_path, env=crm_env(demo), capture_output=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr.decode()
    options = dict(zip(args[1::2], args[2::2], strict=False))
    page = ReportPage((tmp_path / options["--out"]).read_text(encoding="utf-8"))
    assert page.one("body")["data-month"] == options["--month"]
    # The demo's two years up to today hold the month (the README's, while it is recent).
    month = date.fromisoformat(options["--month"] + "-01")
    if month > add_months(datetime.now(UTC).date(), -DEMO_MONTHS):
        assert page.kpi("active")["value"] > 0 and page.kpi("interactions")["value"] > 0


def test_the_readme_shows_the_report_command() -> None:
    assert readme_reports(), "README.md has no `crm report` example"
