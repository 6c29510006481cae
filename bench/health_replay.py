"""The health rollups of the seeded community, through the projection's own set-based rebuild:
the seeded members, stages and interactions are staged as the rebuild stages the log's
events, then `projections.health.replay.replay_staged` fills every health table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from projections.health.replay import STAGING, replay_staged

# Stages are staged too: replay_staged finds each period's stage with one range join (it
# once looked each row's up in an unindexed temp table, 9 minutes at 50,000 members).
STAGE_ROLLUPS = True

# Each member's stage now, from their first and last interactions (the lifecycle's read
# model and the health rollups' stage buckets hold the same).
_STAGES = """
CREATE UNLOGGED TABLE bench_health_stages AS
SELECT member_id, CASE WHEN min(occurred_at) > %(end)s - interval '30 days' THEN 'new'
    WHEN max(occurred_at) > %(end)s - interval '30 days' THEN 'active'
    WHEN max(occurred_at) > %(end)s - interval '90 days' THEN 'at_risk'
    WHEN count(*) < 4 THEN 'occasional'
    ELSE 'inactive' END AS stage
FROM member_interactions GROUP BY member_id
"""


def stage(conn: psycopg.Connection[Any], start: datetime, end: datetime, days: int) -> None:
    """The replay staging tables from the seeded people, stages and member_interactions."""
    conn.execute(f"TRUNCATE {', '.join(STAGING)}")
    conn.execute("DROP TABLE IF EXISTS bench_health_stages")
    conn.execute(_STAGES, {"end": end})
    conn.execute(
        "INSERT INTO health_replay_members (member_id, joined_at, left_at, is_staff, is_bot,"
        " source_channel)"
        " SELECT p.member_id, %(start)s::timestamptz + p.first_day * interval '1 day'"
        "     - (p.n %% 3) * interval '1 day',"
        "   CASE WHEN p.leaves AND p.first_day + p.life + 10 < %(days)s"
        "     THEN %(start)s::timestamptz + (p.first_day + p.life + 10) * interval '1 day' END,"
        "   p.is_staff, p.is_bot, p.home"
        " FROM bench_health_people p",
        {"start": start, "days": days},
    )
    if STAGE_ROLLUPS:
        conn.execute(
            "INSERT INTO health_replay_stages (member_id, recorded_at, stage)"
            " SELECT member_id, %(end)s, stage FROM bench_health_stages",
            {"end": end},
        )
    conn.execute(
        "INSERT INTO health_replay_interactions (member_id, channel, kind, occurred_at,"
        " recorded_at, thread_ref) SELECT member_id, channel, kind, occurred_at, recorded_at,"
        " thread_ref FROM member_interactions ORDER BY recorded_at"
    )


def replay(conn: psycopg.Connection[Any], start: datetime, end: datetime, days: int) -> None:
    """Stage the community, then fill the health tables in one transaction (the replay's
    work tables live until its commit)."""
    conn.execute("SET TimeZone = 'UTC'")
    stage(conn, start, end, days)
    with conn.transaction(), conn.cursor() as cursor:
        replay_staged(cursor)
