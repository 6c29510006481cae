"""Reads for lifecycle stages: each member's activity at an instant, from the read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.interactions.engagement import EngagementRule
from domain.lifecycle.stages import WEEK, Activity, Stage, StageRule
from domain.moments import week_of
from projections.cursors import Keyset, Page

# Weeks older than this many half-lives weigh under 0.4% of a new one: left out of scores.
SCORE_HORIZON_HALF_LIVES = 8

# One page of members with what the stage rule needs, as of %(at)s. Windows are counted in
# whole weeks (weeks are the buckets), so a window's edge is exact to within a week. The
# score weighs each week by its factor in %(decay)s, computed by the engagement rule.
ACTIVITY = """
SELECT m.member_id, m.joined_at, s.stage, s.since,
    (SELECT max(i.occurred_at) FROM member_interactions i
     WHERE i.member_id = m.member_id AND i.occurred_at <= %(at)s) AS last_interaction_at,
    coalesce(sum(w.weight) FILTER (
        WHERE w.week >= %(baseline_start)s AND w.week < %(recent_start)s), 0) AS baseline,
    coalesce(sum(w.weight) FILTER (WHERE w.week >= %(recent_start)s), 0) AS recent,
    coalesce(sum(w.weight * (%(decay)s::float8[])[(w.week - %(first_week)s) / 7 + 1]), 0)
        AS score
FROM members m
LEFT JOIN member_stages s USING (member_id)
LEFT JOIN member_activity_weeks w ON w.member_id = m.member_id
    AND w.week >= %(score_start)s AND w.week <= %(last_week)s
WHERE m.status = 'active' AND NOT m.is_staff AND NOT m.is_bot
    AND m.joined_at <= %(at)s AND m.member_id > %(after)s
GROUP BY m.member_id, m.joined_at, s.stage, s.since
ORDER BY m.member_id
LIMIT %(limit)s
"""
AT_RISK_KEYS = Keyset("at_risk", itemgetter("score_at_change"), "member_id", float)


def week_decay(
    engagement: EngagementRule, first_week: date, last_week: date, at: datetime
) -> list[float]:
    """What a unit of weight of each week from `first_week` to `last_week` is worth at `at`.

    A week's weight counts as of the middle of the week: weeks are the buckets.
    """
    weeks = (last_week - first_week).days // 7 + 1
    return [engagement.decayed(1.0, _midweek(first_week + n * WEEK), at) for n in range(weeks)]


def _midweek(monday: date) -> datetime:
    return datetime.combine(monday, time(), UTC) + WEEK / 2


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
        score_start = (at - engagement.half_life * SCORE_HORIZON_HALF_LIVES).date()
        first_week, last_week = week_of(datetime.combine(score_start, time(), UTC)), week_of(at)
        params = {
            "at": at,
            "recent_start": recent_start.date(),
            "baseline_start": (recent_start - rule.baseline_window).date(),
            "score_start": score_start,
            "first_week": first_week,
            "last_week": last_week,
            "decay": week_decay(engagement, first_week, last_week, at),
            "after": after,
            "limit": limit,
        }
        rows = self._rows(ACTIVITY, params)
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

    def at_risk(
        self,
        as_of: datetime | None,
        after: str | None,
        limit: int,
        *,
        channel: str | None = None,
        tag: str | None = None,
    ) -> Page:
        """Members at risk now (or at a past instant, from the history), by what they weighed."""
        conditions = ["s.stage = 'at_risk'"]
        params: list[Any] = []
        if as_of is None:
            source = "member_stages s"
            since = "s.since"
        else:
            source = "member_stage_history s"
            since = "s.effective_at"
            conditions.append("s.effective_at <= %s AND (s.until IS NULL OR s.until > %s)")
            params += [as_of, as_of]
        if channel is not None:
            conditions.append("m.channels @> ARRAY[%s]::text[]")
            params.append(channel)
        if tag is not None:
            conditions.append("m.tags @> ARRAY[%s]::text[]")
            params.append(tag)
        if after is not None:
            score, member_id = AT_RISK_KEYS.decode(after)
            conditions.append("(s.score_at_change, s.member_id) < (%s, %s)")
            params += [score, member_id]
        query = (
            f"SELECT s.member_id, s.score_at_change, s.reason, s.rule_version, s.evidence,"
            f" {since} AS since, ARRAY(SELECT c.channel FROM member_channel_engagement c"
            " WHERE c.member_id = s.member_id ORDER BY c.rank_key DESC) AS active_channels"
            f" FROM {source} JOIN members m USING (member_id)"
            f" WHERE {' AND '.join(conditions)}"
            " ORDER BY s.score_at_change DESC, s.member_id DESC LIMIT %s"
        )
        return AT_RISK_KEYS.page(self._rows(query, [*params, limit + 1]), limit)

    def quiet(self, member_ids: list[UUID]) -> list[UUID]:
        """Those of these members who are at risk or inactive now."""
        rows = self._rows(
            "SELECT member_id FROM member_stages"
            " WHERE member_id = ANY(%s) AND stage IN ('at_risk', 'inactive')",
            [member_ids],
        )
        return [row["member_id"] for row in rows]

    def stage_history(self, member_id: UUID) -> list[dict[str, Any]]:
        """The member's stages, oldest first, each with its interval."""
        return self._rows(
            "SELECT * FROM member_stage_history WHERE member_id = %s ORDER BY version",
            [member_id],
        )

    def _rows(self, query: str, params: Any) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)  # fragments are constants: no caller input in the SQL
            return cur.fetchall()
