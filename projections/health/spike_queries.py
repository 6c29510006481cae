"""The spikes' reads (application.health.spike_ports.SpikeSources) over the health rollups,
member_interactions, members and feedback_supports; counted members only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from psycopg_pool import ConnectionPool

from domain.health import CommunityEvent, Usage
from domain.health.windows import SpikeNote, SpikeWindow

DAILY = """
SELECT day, sum(interactions)::bigint FROM health_daily
WHERE day >= %(start)s AND day < %(end)s AND (%(channel)s = '' OR channel = %(channel)s)
GROUP BY day
"""
# Each usage query counts per name on the day (observed) and in the window (its mean/day).
_USAGE = """
SELECT name, count(*) FILTER (WHERE t >= %(day)s)::float8,
    count(*) FILTER (WHERE t < %(day)s)::float8 / %(days)s
FROM ({rows}) AS r
GROUP BY name
ORDER BY count(*) FILTER (WHERE t >= %(day)s) - count(*) FILTER (WHERE t < %(day)s)::float8
    / %(days)s DESC, name
LIMIT %(limit)s
"""
_INTERACTIONS = """
SELECT i.{name} AS name, i.occurred_at AS t FROM member_interactions i
JOIN health_members h ON h.member_id = i.member_id AND h.counted
WHERE i.occurred_at >= %(since)s AND i.occurred_at < %(next)s
    AND (%(channel)s = '' OR i.channel = %(channel)s) {where}
"""
CHANNELS = _USAGE.format(rows=_INTERACTIONS.format(name="channel", where=""))
THREADS = _USAGE.format(
    rows=_INTERACTIONS.format(name="thread_ref", where="AND i.thread_ref IS NOT NULL")
)
NEWCOMERS = _USAGE.format(
    rows="""
SELECT m.source_channel AS name, h.first_at AS t FROM health_members h
JOIN members m ON m.member_id = h.member_id
WHERE h.counted AND h.first_at >= %(since)s AND h.first_at < %(next)s
"""
)
FEEDBACK = _USAGE.format(
    rows="""
SELECT s.item_id::text AS name, s.supported_at AS t FROM feedback_supports s
JOIN health_members h ON h.member_id = s.member_id AND h.counted
WHERE s.supported_at >= %(since)s AND s.supported_at < %(next)s
"""
)
EVENTS = """
SELECT DISTINCT coalesce(i.thread_ref, i.kind || ' on ' || i.channel) FROM member_interactions i
JOIN health_members h ON h.member_id = i.member_id AND h.counted
WHERE i.occurred_at >= %(day)s AND i.occurred_at < %(next)s
    AND i.kind IN ('event_hosted', 'event_attended', 'talk_given')
    AND (%(channel)s = '' OR i.channel = %(channel)s)
ORDER BY 1 LIMIT %(limit)s
"""
ANNOTATIONS = """
SELECT annotation_id, day, channel, cause, annotated_by, at FROM health_annotations
WHERE day >= %s AND day < %s AND channel = %s
ORDER BY day, at, position
"""
MAX_NAMES = 20  # channels, sources and events listed per spike at most


class SpikeSourcesSql:
    """SpikeSources over the read models of a pool."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def daily(self, start: date, end: date, channel: str) -> list[tuple[date, int]]:
        """Every day of [start, end) with its interactions, from the daily rollups."""
        params = {"start": start, "end": end, "channel": channel}
        known = {day: int(n) for day, n in self._rows(DAILY, params)}
        days = (end - start).days
        return [(d, known.get(d, 0)) for d in (start + timedelta(n) for n in range(days))]

    def channels(self, window: SpikeWindow) -> Sequence[Usage]:
        return self._usage(CHANNELS, window, MAX_NAMES)

    def threads(self, window: SpikeWindow, limit: int) -> Sequence[Usage]:
        return self._usage(THREADS, window, limit)

    def newcomers(self, window: SpikeWindow) -> Sequence[Usage]:
        return self._usage(NEWCOMERS, window, MAX_NAMES)

    def feedback(self, window: SpikeWindow, limit: int) -> Sequence[Usage]:
        return self._usage(FEEDBACK, window, limit)

    def events(self, window: SpikeWindow) -> Sequence[CommunityEvent]:
        params = {**_params(window), "limit": MAX_NAMES}
        return [CommunityEvent(name, window.day) for (name,) in self._rows(EVENTS, params)]

    def annotations(self, start: date, end: date, channel: str) -> Sequence[SpikeNote]:
        return [SpikeNote(*row) for row in self._rows(ANNOTATIONS, (start, end, channel))]

    def _usage(self, query: str, window: SpikeWindow, limit: int) -> list[Usage]:
        params = {**_params(window), "limit": limit}
        return [Usage(str(name), n, usual) for name, n, usual in self._rows(query, params)]

    def _rows(self, query: str, params: Any) -> list[tuple[Any, ...]]:
        with self.pool.connection() as connection:
            return connection.execute(query, params).fetchall()


def _params(window: SpikeWindow) -> dict[str, Any]:
    """The window as UTC instants: [since, day) the usual level, [day, next) the spike."""
    return {
        "since": _utc(window.since),
        "day": _utc(window.day),
        "next": _utc(window.day + timedelta(days=1)),
        "days": window.days,
        "channel": window.channel,
    }


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
