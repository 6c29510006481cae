"""The feedback exports' parameters, parsed alike for the REST routes and `crm export`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.feedback.workflow import FeedbackStatus
from projections.cursors import InvalidCursor
from projections.feedback.export import ExportFilter
from projections.feedback.feed import decode_feed_cursor

STATUSES = ", ".join(s.value for s in FeedbackStatus)
MAX_POSITION = 2**63 - 1  # notification ids are bigint
MAX_AREA_CHARS = 200


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
        position = decode_feed_cursor(since.strip())
    except InvalidCursor as error:
        raise ParamError("since", f"not a feedback feed cursor: {error}") from None
    if position > MAX_POSITION:
        raise ParamError("since", "not a feedback feed cursor: its position is out of range")
    return position


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
    return ExportFilter(start, end, statuses(status), areas(product_areas))


def areas(values: Sequence[str] | None) -> list[str]:
    """Product areas as given (repeated), without blanks; never control characters."""
    found = [area.strip() for area in values or () if area.strip()]
    for area in found:
        if len(area) > MAX_AREA_CHARS or any(ord(c) < 32 for c in area):
            reason = f"a product area has at most {MAX_AREA_CHARS} characters and no control ones"
            raise ParamError("productArea", reason)
    return found
