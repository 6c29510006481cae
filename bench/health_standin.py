"""The health rollups of the seeded community: through the projection's set-based replay
(`projections.health.replay.replay_staged`, the rebuild's own path) when it exists, else a
stand-in that writes the current tables' rows set-based from the same staging tables."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

import psycopg

HEALTH_TABLES = ("health_members", "health_member_periods", "health_counts", "health_daily")

# The contract's staging tables (migration 0023 creates them; created here if it is absent).
_STAGING = """
CREATE UNLOGGED TABLE IF NOT EXISTS health_replay_interactions (
    member_id uuid NOT NULL, channel text NOT NULL, kind text NOT NULL,
    occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL);
CREATE UNLOGGED TABLE IF NOT EXISTS health_replay_members (
    member_id uuid PRIMARY KEY, joined_at timestamptz, left_at timestamptz,
    is_staff boolean NOT NULL DEFAULT false, is_bot boolean NOT NULL DEFAULT false,
    erased boolean NOT NULL DEFAULT false);
"""
_MEMBERS = """
INSERT INTO health_members (member_id, joined_at, left_at, is_staff, is_bot, erased,
    first_at, last_at)
SELECT m.member_id, m.joined_at, m.left_at, m.is_staff, m.is_bot, m.erased, i.f, i.l
FROM health_replay_members m LEFT JOIN (
    SELECT member_id, min(occurred_at) AS f, max(occurred_at) AS l
    FROM health_replay_interactions GROUP BY member_id) AS i USING (member_id)
"""
_PERIODS = """
INSERT INTO health_member_periods
SELECT member_id, 'day', occurred_at::date, channel, kind, count(*), min(recorded_at)
FROM health_replay_interactions GROUP BY 1, 3, 4, 5
UNION ALL
SELECT i.member_id, g.name, date_trunc(g.name, i.occurred_at)::date, c.channel, '',
    count(*), min(i.recorded_at)
FROM health_replay_interactions i
CROSS JOIN (VALUES ('week'), ('month')) AS g(name)
CROSS JOIN LATERAL (VALUES (i.channel), ('')) AS c(channel)
GROUP BY 1, 2, 3, 4
"""
_DAILY = """
INSERT INTO health_daily (day, channel, kind, recorded_day, interactions)
SELECT i.occurred_at::date, i.channel, i.kind, i.recorded_at::date, count(*)
FROM health_replay_interactions i JOIN health_members h USING (member_id)
WHERE h.counted GROUP BY 1, 2, 3, 4
"""
# active on the day the member's period row was first recorded; interactions per recorded
# day from health_daily; new in the period of the first interaction, on its day.
_COUNTS = """
INSERT INTO health_counts (granularity, channel, period, metric, recorded_day, delta)
SELECT p.granularity, p.channel, p.period, 'active', p.first_recorded_at::date, count(*)
FROM health_member_periods p JOIN health_members h USING (member_id)
WHERE h.counted AND p.granularity <> 'day' GROUP BY 1, 2, 3, 5
UNION ALL
SELECT g.name, c.channel, date_trunc(g.name, d.day)::date, 'interactions', d.recorded_day,
    sum(d.interactions)
FROM health_daily d CROSS JOIN (VALUES ('week'), ('month')) AS g(name)
CROSS JOIN LATERAL (VALUES (d.channel), ('')) AS c(channel)
GROUP BY 1, 2, 3, 5
UNION ALL
SELECT g.name, '', date_trunc(g.name, h.first_at)::date, 'new', h.first_at::date, count(*)
FROM health_members h CROSS JOIN (VALUES ('week'), ('month')) AS g(name)
WHERE h.counted AND h.first_at IS NOT NULL GROUP BY 1, 3, 5
"""


def stage(conn: psycopg.Connection[Any], start: datetime, days: int) -> None:
    """The replay staging tables from the seeded people and member_interactions."""
    for statement in _STAGING.split(";")[:2]:
        conn.execute(statement)
    conn.execute("TRUNCATE health_replay_members, health_replay_interactions")
    conn.execute(
        "INSERT INTO health_replay_members (member_id, joined_at, left_at, is_staff, is_bot)"
        " SELECT p.member_id, %(start)s::timestamptz + p.first_day * interval '1 day'"
        "     - (p.n %% 3) * interval '1 day',"
        "   CASE WHEN p.leaves AND p.first_day + p.life + 10 < %(days)s"
        "     THEN %(start)s::timestamptz + (p.first_day + p.life + 10) * interval '1 day' END,"
        "   p.is_staff, p.is_bot"
        " FROM bench_health_people p",
        {"start": start, "days": days},
    )
    conn.execute(
        "INSERT INTO health_replay_interactions (member_id, channel, kind, occurred_at,"
        " recorded_at) SELECT member_id, channel, kind, occurred_at, recorded_at"
        " FROM member_interactions"
    )


def replay(conn: psycopg.Connection[Any], start: datetime, days: int) -> str:
    """Stage the community and fill the health tables; names the path taken."""
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute(f"TRUNCATE {', '.join(_tables(conn))}")
    stage(conn, start, days)
    try:
        module = importlib.import_module("projections.health.replay")
        with conn.cursor() as cursor:
            module.replay_staged(cursor)
        return "projections.health.replay.replay_staged"
    except (ModuleNotFoundError, NotImplementedError):
        pass
    # Keys built once at the end, not row by row.
    conn.execute("ALTER TABLE health_member_periods DROP CONSTRAINT health_member_periods_pkey")
    for statement in (_MEMBERS, _PERIODS, _DAILY, _COUNTS):
        conn.execute(statement)
    conn.execute(
        "ALTER TABLE health_member_periods ADD PRIMARY KEY"
        " (member_id, granularity, period, channel, kind)"
    )
    conn.execute("TRUNCATE health_replay_members, health_replay_interactions")
    return "bench stand-in (no projections.health.replay on this branch)"


def _tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Every health read table there is (rollups may have added some)."""
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename LIKE 'health\\_%%' AND tablename NOT LIKE 'health\\_replay\\_%%'"
        " AND tablename <> 'health_annotations'"
    ).fetchall()
    return [row[0] for row in rows] or list(HEALTH_TABLES)
