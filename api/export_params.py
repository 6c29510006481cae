"""The feedback exports' parameters, parsed alike for the REST routes and `crm export`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.feedback.workflow import FeedbackStatus
from projections.cursors import InvalidCursor
from projections.feedback.export import ExportFilter
from projections.feedback.feed import decode_feed_cursor

STATUSES = ", ".join(s.value for s in FeedbackStatus)


class ParamError(ValueError):
    """A parameter that cannot be used: which one, and why."""

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(f"{param}: {reason}")
        self.param = param
        self.reason = reason


def feed_position(since: str | None) -> int:
    """The feed position a cursor stands for; the start when there is none."""
    if since is None or not since.strip():
        return 0
    try:
        return decode_feed_cursor(since.strip())
    except InvalidCursor as error:
        raise ParamError("since", f"not a feedback feed cursor: {error}") from None


def instant(text: str | None, param: str) -> datetime | None:
    """An ISO 8601 date or time; UTC when it has no zone."""
    if text is None or not text.strip():
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ParamError(
            param,
            f"{text!r} is not an ISO 8601 date or time, e.g. 2026-08-31 or 2026-08-31T12:00:00Z",
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def statuses(values: Sequence[str] | None) -> list[str]:
    """Statuses by value or enum name, repeated or separated by commas."""
    found = []
    for value in (part.strip() for text in values or () for part in text.split(",")):
        if not value:
            continue
        try:
            found.append(FeedbackStatus(value.lower()).value)
        except ValueError:
            raise ParamError(
                "status", f"{value!r} is not a status; use one of {STATUSES}"
            ) from None
    return found


def export_filter(
    submitted_from: str | None,
    submitted_to: str | None,
    status: Sequence[str] | None,
    product_areas: Sequence[str] | None,
) -> ExportFilter:
    """The CSV export's filter, checked: a valid period, known statuses."""
    start, end = instant(submitted_from, "from"), instant(submitted_to, "to")
    if start is not None and end is not None and end <= start:
        raise ParamError("to", "must be later than from")
    areas = [area.strip() for area in product_areas or () if area.strip()]
    return ExportFilter(start, end, statuses(status), areas)
