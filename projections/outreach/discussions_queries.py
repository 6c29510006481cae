"""Reads over the `discussions` projection: the period's threads ranked by interest.

The ranking reads the period's rows of discussion_days (one per thread, day and member),
never the log; the staff response time is then found for the threads shown only.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.outreach.discussions import Discussion, DiscussionPeriod
from projections.outreach.discussions import SUMMARY
from projections.personal import PersonalData, open_value

# Staff and bots as flagged now (no row: a member).
COUNTED = "NOT coalesce({f}.is_staff OR {f}.is_bot, false)"
ORDER = "participants DESC, replies DESC, reactions DESC, channel, thread_ref"

TOP = f"""
WITH counted AS (
    SELECT d.thread_id, count(DISTINCT d.member_id) AS participants,
        sum(d.contributions) AS contributions, sum(d.reactions) AS reactions
    FROM discussion_days d
    LEFT JOIN discussion_members f ON f.member_id = d.member_id
    WHERE d.day >= %(start)s AND d.day < %(end)s
        AND (%(channel)s::text IS NULL OR d.channel = %(channel)s::text)
        AND {COUNTED.format(f="f")}
    GROUP BY d.thread_id
), ranked AS (
    -- The thread's first message is no reply: taken off when it was counted here.
    SELECT c.thread_id, c.participants::int AS participants, c.reactions::int AS reactions,
        (c.contributions - CASE WHEN t.first_at >= %(since)s AND t.first_at < %(until)s
            AND {COUNTED.format(f="a")} THEN 1 ELSE 0 END)::int AS replies,
        t.channel, t.thread_ref, t.first_at, t.first_interaction_id, t.first_member_id,
        t.sealed_summary
    FROM counted c
    JOIN discussion_threads t ON t.thread_id = c.thread_id
    LEFT JOIN discussion_members a ON a.member_id = t.first_member_id
    ORDER BY {ORDER}
    LIMIT %(first)s
)
SELECT r.*, asked.at AS asked_at, answered.at AS answered_at
FROM ranked r
LEFT JOIN LATERAL (
    SELECT min(m.occurred_at) AS at FROM discussion_messages m
    LEFT JOIN discussion_members f ON f.member_id = m.member_id
    WHERE m.thread_id = r.thread_id AND {COUNTED.format(f="f")}
) asked ON true
LEFT JOIN LATERAL (
    SELECT min(m.occurred_at) AS at FROM discussion_messages m
    JOIN discussion_members f ON f.member_id = m.member_id AND f.is_staff
    WHERE m.thread_id = r.thread_id AND m.occurred_at > asked.at
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
        params = {
            "start": period.start,
            "end": period.end,
            "since": datetime.combine(period.start, time(), UTC),
            "until": datetime.combine(period.end, time(), UTC),
            "channel": period.channel,
            "first": period.first,
        }
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
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
