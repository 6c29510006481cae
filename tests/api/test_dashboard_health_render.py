"""The health panels' template alone: a thread named like markup stays text, shades are classes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from api.auth import Principal, Role
from api.dashboard.health_panels import CHANNELS, HealthView, Span, shade
from api.dashboard.pages import templates
from api.dashboard.section_routes import AnnotationForm
from api.dashboard.sessions import Session
from application.health.spikes import ExplainedSpike
from domain.health.causes import Cause, CauseKind
from domain.health.spikes import Spike

THREAD = '<img src=x onerror="alert(1)">'


def test_a_spike_cause_naming_a_thread_like_markup_is_escaped() -> None:
    spike = Spike(start=date(2026, 3, 2), activity=40.0, level=5.0, band=4.0, excess=35.0)
    cause = Cause(CauseKind.THREAD, THREAD, 30.0, 30 / 35, "a thread drew replies")
    explained = ExplainedSpike(spike, "", [cause], [], "spike-1")
    span = Span(date(2026, 3, 1), date(2026, 4, 1), "", None)
    manager = Principal(uuid4(), "a manager", Role.MANAGER)
    html = templates.get_template("sections/activity.html").render(
        health=HealthView(span, [], [], [explained]),
        channels=CHANNELS,
        shade=shade,
        csv_url=lambda section, table: f"/dashboard/{section}?table={table}",
        session=Session(manager, datetime.now(UTC), "token"),
        annotation=AnnotationForm({"cause": THREAD}),
        annotation_action="/dashboard/activity/annotations",
    )
    # In the spike's causes, and in the annotation form sent back with what was typed.
    assert THREAD not in html and html.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") == 2
    assert "thread: " in html and "(86%)" in html


def test_retention_shares_fall_into_five_shade_classes() -> None:
    assert [shade(s) for s in (0.0, 0.19, 0.2, 0.5, 0.79, 0.8, 1.0)] == [
        "heat-0",
        "heat-0",
        "heat-1",
        "heat-2",
        "heat-3",
        "heat-4",
        "heat-4",
    ]
