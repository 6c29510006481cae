"""Line and bar charts drawn server-side as inline SVG: no script, no external reference.

A report is read in mail clients and offline viewers that block scripts, so its charts are
plain SVG elements: axes, labels, a legend, and a <title> tooltip on every bar and point.
Every label is escaped; the SVG carries no xmlns (inline SVG in HTML needs none), so the
file holds no URL at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 40, 44
# Distinct in colour and in grey print: blue, orange, green, purple.
PALETTE = ("#1f5fa8", "#e07b00", "#2e8b57", "#7a4fa0")
TICKS = 5  # horizontal grid lines at most
MAX_LABELS = 12  # x labels shown at most; with more points every n-th is shown


@dataclass(frozen=True)
class Series:
    """One named series of a chart, a value per label."""

    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class _Frame:
    """The plot area and the value scale shared by the bars or lines drawn in it."""

    top_value: float
    step: float  # between grid lines
    count: int

    @property
    def inner_width(self) -> float:
        return WIDTH - LEFT - RIGHT

    @property
    def inner_height(self) -> float:
        return HEIGHT - TOP - BOTTOM

    def y(self, value: float) -> float:
        return TOP + self.inner_height * (1 - value / self.top_value)

    def slot(self, index: int) -> tuple[float, float]:
        """The left edge and width of the index-th label's slot."""
        width = self.inner_width / max(1, self.count)
        return LEFT + index * width, width


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped vertical bars: one group per label, one bar per series."""
    frame = _frame(labels, series)
    parts = []
    for s_index, one in enumerate(series):
        for index, (label, value) in enumerate(zip(labels, one.values, strict=True)):
            left, width = frame.slot(index)
            bar = width * 0.8 / len(series)
            x = left + width * 0.1 + s_index * bar
            y = frame.y(max(0.0, value))
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}"'
                f' height="{TOP + frame.inner_height - y:.1f}" fill="{_colour(s_index)}"'
                f"{_data(one.name, label, value)}><title>{_tip(one.name, label, value)}</title>"
                "</rect>"
            )
    return _svg(chart_id, title, labels, series, frame, parts)


def line_chart(
    chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """One line per series, a point per label."""
    frame = _frame(labels, series)
    parts = []
    for s_index, one in enumerate(series):
        colour = _colour(s_index)
        points = []
        for index, (label, value) in enumerate(zip(labels, one.values, strict=True)):
            left, width = frame.slot(index)
            x, y = left + width / 2, frame.y(max(0.0, value))
            points.append((x, y, label, value))
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{colour}"'
            ' stroke-width="2"/>'
        )
        parts.extend(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"'
            f"{_data(one.name, label, value)}><title>{_tip(one.name, label, value)}</title>"
            "</circle>"
            for x, y, label, value in points
        )
    return _svg(chart_id, title, labels, series, frame, parts)


def _frame(labels: Sequence[str], series: Sequence[Series]) -> _Frame:
    if not labels or not series:
        raise ValueError("a chart needs labels and at least one series")
    highest = max((v for s in series for v in s.values), default=0.0)
    step = _step(highest)
    return _Frame(step * max(1, math.ceil(highest / step)), step, len(labels))


def _step(highest: float) -> float:
    """A round step between grid lines (1, 2 or 5 times a power of ten, at least 1: counts
    have no fractions), giving at most TICKS lines above zero."""
    if highest <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(highest / TICKS))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power * TICKS >= highest)
    return max(step, 1.0)


def _svg(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    frame: _Frame,
    parts: list[str],
) -> Markup:
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' data-chart="{escape(chart_id)}" data-labels="{len(labels)}"'
        f' aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">'
        f'<title>{escape(title)}</title><text class="chart-title" x="{LEFT}" y="16"'
        f' font-size="13" font-weight="bold">{escape(title)}</text>'
    )
    return Markup(head + _legend(series) + _axes(frame, labels) + "".join(parts) + "</svg>")


def _axes(frame: _Frame, labels: Sequence[str]) -> str:
    """Grid lines with their values, the baseline, and the x labels (every n-th when many)."""
    out = []
    for tick in range(round(frame.top_value / frame.step) + 1):
        value = tick * frame.step
        y = frame.y(value)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"'
            f' stroke="{"#555" if tick == 0 else "#ddd"}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{_number(value)}</text>"
        )
    every = math.ceil(len(labels) / MAX_LABELS)
    for index, label in enumerate(labels):
        if index % every:
            continue
        left, width = frame.slot(index)
        out.append(
            f'<text class="x-label" x="{left + width / 2:.1f}" y="{HEIGHT - BOTTOM + 16}"'
            f' font-size="10" text-anchor="middle">{escape(label)}</text>'
        )
    return "".join(out)


def _legend(series: Sequence[Series]) -> str:
    out, x = [], float(LEFT)
    for index, one in enumerate(series):
        out.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - 14}" width="10" height="10"'
            f' fill="{_colour(index)}"/><text x="{x + 14:.1f}" y="{HEIGHT - 5}"'
            f' font-size="11">{escape(one.name)}</text>'
        )
        x += 24 + 7 * len(one.name)
    return "".join(out)


def _data(name: str, label: str, value: float) -> str:
    return (
        f' data-series="{escape(name)}" data-label="{escape(label)}" data-value="{_number(value)}"'
    )


def _tip(name: str, label: str, value: float) -> Markup:
    return escape(f"{name}, {label}: {_number(value)}")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]
