"""The monthly report as one self-contained HTML file: inline CSS and SVG, no script, no URL."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from api.dashboard.health_panels import shade
from api.report.builder import MonthlyReport, add_months
from api.report.svg import Series, bar_chart, line_chart
from domain.health.kpis import Figure, PeriodKpis

HERE = Path(__file__).resolve().parent
STYLE = (HERE / "templates" / "report.css").read_text()
# The figures of the month's table, in the order a manager reads them.
FIGURES = (
    ("new", "New members", "first interaction or join ever in the month"),
    ("active", "Active members", "at least one interaction"),
    ("returning", "Returning members", "active again after the rule's silent weeks"),
    ("newly_inactive", "Newly inactive members", "last interaction in the month (CHAOSS)"),
    ("left", "Members who left", "any channel"),
    ("total", "Members at the month's end", "any channel"),
    ("interactions", "Interactions", "staff and bots left out"),
    ("one_off", "One-off members", "active, fewer interactions than the repeat threshold"),
    ("repeat", "Repeat members", "active, at least the repeat threshold"),
    ("absence_factor", "Absence factor", "fewest members making half the interactions"),
)

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


@dataclass(frozen=True)
class FigureRow:
    """One line of the month's table: a KPI, its value and its change."""

    key: str
    label: str
    note: str
    figure: Figure


def style_hash() -> str:
    """The CSP source allowing the report's one <style> element (when served over HTTP)."""
    digest = hashlib.sha256(STYLE.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def render_report(report: MonthlyReport) -> str:
    """The whole HTML document of a report."""
    current = report.current
    return templates.get_template("report.html").render(
        report=report,
        request=report.request,
        current=current,
        figures=[FigureRow(k, label, note, getattr(current, k)) for k, label, note in FIGURES],
        mix_total=sum(n for _, _, n in report.mix),
        by_channel=_grouped(report.mix, by_kind=False),
        by_kind=_grouped(report.mix, by_kind=True),
        charts=charts(report.kpis),
        style=Markup(STYLE),  # our own stylesheet, not data
        shade=shade,
        change=change,
        hours=hours,
        welcome=report.welcome_in(report.request.month),
        welcome_before=report.welcome_in(add_months(report.request.month, -1)),
    )


def charts(kpis: list[PeriodKpis]) -> dict[str, Markup]:
    """The trailing window's charts: new vs newly inactive, active members, interactions."""
    labels = [k.start.strftime("%Y-%m") for k in kpis]

    def values(name: str) -> list[float]:
        return [float(getattr(k, name).value) for k in kpis]

    return {
        "new-vs-inactive": bar_chart(
            "new-vs-inactive",
            "New vs newly inactive members per month",
            labels,
            [Series("New", values("new")), Series("Newly inactive", values("newly_inactive"))],
        ),
        "active": line_chart(
            "active", "Active members per month", labels, [Series("Active", values("active"))]
        ),
        "interactions": bar_chart(
            "interactions",
            "Interactions per month",
            labels,
            [Series("Interactions", values("interactions"))],
        ),
    }


def _grouped(
    mix: list[tuple[str, str, int]], *, by_kind: bool
) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(name, total, [(other name, count)...]) per channel or per kind, largest first."""
    groups: dict[str, list[tuple[str, int]]] = {}
    for channel, kind, count in mix:  # already largest first
        name, other = (kind, channel) if by_kind else (channel, kind)
        groups.setdefault(name, []).append((other, count))
    totals = [(name, sum(n for _, n in parts), parts) for name, parts in groups.items()]
    return sorted(totals, key=lambda group: (-group[1], group[0]))


def change(figure: Figure) -> str:
    """The change from the month before, signed, with its relative size when there is one."""
    if figure.relative is None:
        return f"{figure.change:+d}"
    return f"{figure.change:+d} ({figure.relative:+.0%})"


def hours(seconds: float | None, missing: str = "none answered") -> str:
    """A duration in hours for the table; `missing` when there is none."""
    return missing if seconds is None else f"{seconds / 3600:.1f} h"
