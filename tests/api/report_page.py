"""Reading a monthly report as a program would: its elements and attributes, and `crm report`."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from api.cli.common import app
from tests.integration.test_cli import crm_env

Attributes = dict[str, str]


class ReportPage(HTMLParser):
    """Every element of the report with its attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements: list[tuple[str, Attributes]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def find(self, tag: str | None = None, **wanted: str) -> list[Attributes]:
        """Elements of this tag (any when None) whose attributes hold these values
        (`data_x` stands for `data-x`)."""
        wanted = {name.replace("_", "-"): value for name, value in wanted.items()}
        return [
            attrs
            for name, attrs in self.elements
            if (tag is None or name == tag)
            and all(attrs.get(key) == value for key, value in wanted.items())
        ]

    def one(self, tag: str | None = None, **wanted: str) -> Attributes:
        """The one element matching."""
        found = self.find(tag, **wanted)
        assert len(found) == 1, (tag, wanted, found)
        return found[0]

    def kpi(self, name: str) -> dict[str, Any]:
        """The month's figure `name` (GraphQL's snake_case name) as value and change."""
        row = self.one("tr", id=f"kpi-{name}")
        return {"value": int(row["data-value"]), "change": int(row["data-change"])}

    def chart(self, chart_id: str) -> Attributes:
        """The chart's <svg> element."""
        return self.one("svg", data_chart=chart_id)

    def chart_values(self, chart_id: str, element: str, series: str) -> list[float]:
        """The values drawn by one series of a chart, left to right."""
        start = self.elements.index(("svg", self.chart(chart_id)))
        end = next(
            (i for i in range(start + 1, len(self.elements)) if self.elements[i][0] == "svg"),
            len(self.elements),
        )
        return [
            float(attrs["data-value"])
            for name, attrs in self.elements[start:end]
            if name == element and attrs.get("data-series") == series
        ]


def crm_report(database_url: str, *args: str) -> Result:
    """`crm report ARGS` in this process, on the test database."""
    # Wide, so that rich does not wrap a path or an option name across lines.
    env = crm_env(database_url, COLUMNS="400")
    return CliRunner().invoke(app, ["report", *args], env=env)


def month_label(day: date) -> str:
    """YYYY-MM of a day's month."""
    return day.strftime("%Y-%m")
