"""Reads over the `discussions` projection: the period's threads ranked by interest.

The ranking reads the period's rows of discussion_days (one per thread, day and member),
never the log; the staff response time is then found for the threads shown only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.outreach.discussions import Discussion, DiscussionPeriod
from projections.outreach.discussions import SUMMARY
from projections.personal import PersonalData, open_value

# Staff and bots as flagged now (no row: a member).
COUNTED = "NOT coalesce({f}.is_staff OR {f}.is_bot, false)"
# psycopg sends datetime.max as a finite instant; infinity is later than every one.
INFINITY = "infinity"
ORDER = "participants DESC, replies DESC, reactions DESC, channel, thread_ref"

TOP = f"""
WITH counted AS (
    SELECT d.thread_id, count(DISTINCT d.member_id) AS participants,
        sum(d.contributions) AS contributions, sum(d.reactions) AS reactions
    FROM discussion_days d
    LEFT JOIN discussion_members f ON f.member_id = d.member_id
    WHERE d.day >= %(start)s AND d.day < %(end)s AND d.recorded_on < %(known_on)s
        AND (%(channel)s::text IS NULL OR d.channel = %(channel)s::text)
        AND {COUNTED.format(f="f")}
    GROUP BY d.thread_id
), firsts AS (
    -- The thread's first message as known then: the one kept if it was recorded by then
    -- (it is the earliest of all, so of those too), else the earliest recorded by then.
    SELECT c.*, t.channel, t.thread_ref, t.first_interaction_id,
        t.first_recorded_at < %(known)s::timestamptz AS first_kept, t.sealed_summary,
        coalesce(CASE WHEN t.first_recorded_at < %(known)s::timestamptz THEN t.first_at END,
            k.at) AS first_at,
        coalesce(CASE WHEN t.first_recorded_at < %(known)s::timestamptz THEN t.first_member_id
            END, k.member_id) AS first_member_id
    FROM counted c
    JOIN discussion_threads t ON t.thread_id = c.thread_id
    LEFT JOIN LATERAL (
        SELECT m.occurred_at AS at, m.member_id FROM discussion_messages m
        WHERE t.first_recorded_at >= %(known)s::timestamptz
            AND m.thread_id = c.thread_id AND m.recorded_at < %(known)s::timestamptz
        ORDER BY m.occurred_at LIMIT 1
    ) k ON true
), ranked AS (
    -- The thread's first message is no reply: taken off when it was counted here.
    SELECT r.thread_id, r.participants::int AS participants, r.reactions::int AS reactions,
        (r.contributions - CASE WHEN r.first_at >= %(since)s AND r.first_at < %(until)s
            AND {COUNTED.format(f="a")} THEN 1 ELSE 0 END)::int AS replies,
        r.channel, r.thread_ref, r.first_at, r.first_interaction_id, r.first_member_id,
        CASE WHEN r.first_kept THEN r.sealed_summary END AS sealed_summary
    FROM firsts r
    LEFT JOIN discussion_members a ON a.member_id = r.first_member_id
    ORDER BY {ORDER}
    LIMIT %(first)s
)
SELECT r.*, asked.at AS asked_at, answered.at AS answered_at
FROM ranked r
LEFT JOIN LATERAL (
    SELECT min(m.occurred_at) AS at FROM discussion_messages m
    LEFT JOIN discussion_members f ON f.member_id = m.member_id
    WHERE m.thread_id = r.thread_id AND m.recorded_at < %(known)s::timestamptz
        AND {COUNTED.format(f="f")}
) asked ON true
LEFT JOIN LATERAL (
    SELECT min(m.occurred_at) AS at FROM discussion_messages m
    JOIN discussion_members f ON f.member_id = m.member_id AND f.is_staff
    WHERE m.thread_id = r.thread_id AND m.recorded_at < %(known)s::timestamptz
        AND m.occurred_at > asked.at
) answered ON true
ORDER BY {ORDER}
"""


class DiscussionQueries:
    """SQL over the discussions rollups; summaries opened with one key query."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def top(self, period: DiscussionPeriod, reveal: bool) -> list[Discussion]:
        """The period's threads by participants, replies, reactions (staff and bots out)."""
        known_on = period.as_of + timedelta(days=1) if period.as_of else date.max
        params = {
            "start": period.start,
            "end": period.end,
            "since": datetime.combine(period.start, time(), UTC),
            "until": datetime.combine(period.end, time(), UTC),
            "channel": period.channel,
            "first": period.first,
            # As known at the end of the asOf day; without one, everything recorded.
            "known_on": known_on,
            "known": datetime.combine(known_on, time(), UTC) if period.as_of else INFINITY,
        }
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            # A year's rows are sorted by thread to count distinct members: in memory.
            cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute(TOP, params)
            rows = cur.fetchall()
        keys = (
            self.personal.reader_keys(
                r["first_member_id"] for r in rows if r["sealed_summary"] is not None
            )
            if reveal
            else {}
        )
        return [_discussion(r, keys.get(r["first_member_id"]) if reveal else None) for r in rows]


def _discussion(row: dict[str, Any], key: bytes | None) -> Discussion:
    summary = open_value(key, row["sealed_summary"], SUMMARY, row["first_interaction_id"])
    return Discussion(
        thread_id=row["thread_id"],
        channel=row["channel"],
        thread_ref=row["thread_ref"],
        participants=row["participants"],
        replies=row["replies"],
        reactions=row["reactions"],
        first_message_at=row["first_at"],
        first_interaction_id=row["first_interaction_id"],
        summary=summary,
        first_member_message_at=row["asked_at"],
        first_staff_response_at=row["answered_at"],
    )
