"""`crm report` refusing what it cannot do: the option named, exit 2, no file half-written."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.report.builder import add_months
from tests.api.report_page import ReportPage, crm_report, month_label
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration

TODAY = datetime.now(UTC).date()
LAST_MONTH = month_label(add_months(TODAY, -1))


def said(output: str) -> str:
    """The message as one line (rich wraps it in a box)."""
    return " ".join(output.replace("│", " ").split())


@pytest.mark.parametrize("month", ["2026-13", "nov", "2026-1", "26-11", "2026-00", "2026-11-01"])
def test_a_bad_month_is_refused_naming_the_option(tmp_path: Path, month: str) -> None:
    out = tmp_path / "report.html"
    result = crm_report("postgresql://unused", "--month", month, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "--month" in said(result.output) and "YYYY-MM" in said(result.output)
    assert list(tmp_path.iterdir()) == []


def test_a_month_in_the_future_is_refused(tmp_path: Path) -> None:
    future = month_label(add_months(TODAY, 1))
    result = crm_report("postgresql://unused", "--month", future, "--out", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert "--month" in said(result.output) and "after the current month" in said(result.output)


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--as-of", "2026-02-30", "YYYY-MM-DD"),
        ("--as-of", "2999-01-01", "after today"),
        ("--channel", "myspace", "must be one of"),
        ("--months", "1", "greater than or equal to 2"),
    ],
)
def test_other_bad_options_are_refused_naming_them(
    tmp_path: Path, option: str, value: str, reason: str
) -> None:
    args = ("--month", LAST_MONTH, "--out", str(tmp_path / "r.html"), option, value)
    result = crm_report("postgresql://unused", *args)
    assert result.exit_code == 2, result.output
    assert option in said(result.output) and reason in said(result.output)


def test_an_unwritable_out_is_refused_before_any_work(tmp_path: Path) -> None:
    for out in (tmp_path / "missing" / "report.html", tmp_path):
        result = crm_report("postgresql://unused", "--month", LAST_MONTH, "--out", str(out))
        assert result.exit_code == 2, result.output
        message = said(result.output)
        assert "--out" in message and f"cannot write {out}" in message, message
    assert list(tmp_path.iterdir()) == []


def test_a_report_failing_late_leaves_the_old_file_whole(database: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("last month's report")
    # 1985 is a well-formed day the health numbers refuse, once the file is open.
    args = ("--month", LAST_MONTH, "--out", str(out), "--as-of", "1985-01-01")
    result = crm_report(database, *args)
    assert result.exit_code == 2, result.output
    assert "--as-of" in said(result.output) and "1990-01-01" in said(result.output)
    assert out.read_text() == "last month's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_report_replaces_the_file_or_goes_to_stdout(database: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("last month's report")
    result = crm_report(database, "--month", LAST_MONTH, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert ReportPage(out.read_text()).one("body")["data-month"] == LAST_MONTH
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    # Piped as a user would: stdout holds the document and nothing else.
    piped = subprocess.run(
        [*crm_command(), "report", "--month", LAST_MONTH, "--out", "-"],
        env=crm_env(database),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith("<!DOCTYPE html>") and piped.stdout.rstrip().endswith("</html>")
