"""Reads for lifecycle stages: each member's activity at an instant, from the read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.engagement import EngagementRule
from domain.lifecycle import Activity, Stage, StageRule

# Weeks older than this many half-lives weigh under 0.4% of a new one: left out of scores.
SCORE_HORIZON_HALF_LIVES = 8

# One page of members with what the stage rule needs, as of %(at)s. Windows are counted in
# whole weeks (weeks are the buckets), so a window's edge is exact to within a week.
ACTIVITY = """
SELECT m.member_id, m.joined_at, s.stage, s.since,
    (SELECT max(i.occurred_at) FROM member_interactions i
     WHERE i.member_id = m.member_id AND i.occurred_at <= %(at)s) AS last_interaction_at,
    coalesce(sum(w.weight) FILTER (
        WHERE w.week >= %(baseline_start)s AND w.week < %(recent_start)s), 0) AS baseline,
    coalesce(sum(w.weight) FILTER (WHERE w.week >= %(recent_start)s), 0) AS recent,
    coalesce(sum(w.weight * power(2.0, -extract(epoch FROM
        (%(at)s - (w.week::timestamptz + interval '84 hours'))) / %(half_life)s)), 0) AS score
FROM members m
LEFT JOIN member_stages s USING (member_id)
LEFT JOIN member_activity_weeks w ON w.member_id = m.member_id
    AND w.week >= %(score_start)s AND w.week <= %(at)s::date
WHERE m.status = 'active' AND NOT m.is_staff AND NOT m.is_bot
    AND m.joined_at <= %(at)s AND m.member_id > %(after)s
GROUP BY m.member_id, m.joined_at, s.stage, s.since
ORDER BY m.member_id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class MemberActivity:
    """A member's activity at an instant, and the stage the read model holds for them."""

    member_id: UUID
    activity: Activity
    stage: Stage | None
    since: datetime | None


class LifecycleQueries:
    """SQL over the engagement and lifecycle read tables."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def activities(
        self,
        rule: StageRule,
        engagement: EngagementRule,
        at: datetime,
        after: UUID,
        limit: int,
    ) -> list[MemberActivity]:
        """A page (by member id) of active, counted members with their activity at `at`."""
        recent_start = at - rule.recent_window
        params = {
            "at": at,
            "recent_start": recent_start.date(),
            "baseline_start": (recent_start - rule.baseline_window).date(),
            "score_start": (at - engagement.half_life * SCORE_HORIZON_HALF_LIVES).date(),
            "half_life": engagement.half_life.total_seconds(),
            "after": after,
            "limit": limit,
        }
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(ACTIVITY, params).fetchall()
        return [
            MemberActivity(
                member_id=row["member_id"],
                activity=Activity(
                    joined_at=row["joined_at"],
                    last_interaction_at=row["last_interaction_at"],
                    baseline_weight=float(row["baseline"]),
                    recent_weight=float(row["recent"]),
                    score=float(row["score"]),
                ),
                stage=Stage(row["stage"]) if row["stage"] else None,
                since=row["since"],
            )
            for row in rows
        ]


def horizon(rule: StageRule) -> timedelta:
    """How far back an evaluation looks."""
    return rule.recent_window + rule.baseline_window
