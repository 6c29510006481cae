"""The SQL of the health projection's set-based rebuild (projections/health/replay.py).

Every delta the live projection writes on a recorded day D sums, per row, to what the
member adds known at the end of D less what they added known at the end of the day
before: so the rebuild computes each member's state per recorded day (window functions
over the staged log, in log order `seq`) and writes the differences.
"""

from __future__ import annotations

from projections.health.replay_spikes_sql import GEN_NEWCOMERS, GEN_THREADS
from projections.health.replay_spikes_sql import WRITE_DELTAS as WRITE_SPIKE_DELTAS
from projections.health.rollups import STAGES as STAGE_BUCKETS


def period(granularity: str, day: str) -> str:
    """SQL: the first day of the period (a granularity expression) holding a UTC date."""
    return (
        f"(CASE {granularity} WHEN 'week' THEN date_trunc('week', {day}::timestamp)::date"
        f" WHEN 'month' THEN date_trunc('month', {day}::timestamp)::date ELSE {day} END)"
    )


def utc(instant: str) -> str:
    """SQL: the UTC date of a timestamptz."""
    return f"({instant} AT TIME ZONE 'UTC')::date"


# The staged interactions kept (none of a member after their erasure), each with its
# member's class: 'c' counted throughout, 'x' never counted, 'f' flags changed in the log.
EVENTS = f"""
CREATE TEMP TABLE hr_ev ON COMMIT DROP AS
WITH flagged AS (SELECT DISTINCT member_id FROM health_replay_flags),
erased AS (SELECT member_id, min(seq) AS seq FROM health_replay_flags WHERE erased GROUP BY 1)
SELECT i.member_id, i.channel, i.kind, i.occurred_at, i.recorded_at, i.seq, i.thread_ref,
    {utc("i.recorded_at")} AS rday, {utc("i.occurred_at")} AS oday,
    CASE WHEN f.member_id IS NOT NULL THEN 'f'
        WHEN coalesce(m.is_staff OR m.is_bot OR m.erased OR m.counted_as IS NOT NULL, false)
            THEN 'x' ELSE 'c' END AS klass
FROM health_replay_interactions i
LEFT JOIN flagged f USING (member_id)
LEFT JOIN health_replay_members m USING (member_id)
LEFT JOIN erased e USING (member_id)
WHERE (e.seq IS NULL OR i.seq < e.seq)
    AND (f.member_id IS NOT NULL OR NOT coalesce(m.erased, false))
"""
# Per member, period (week and month, all channels and each) and recorded day: the day's
# interactions, the first recorded instant, the interactions known by the end of the day
# and whether the period opened on it (grouped in the window's order: one sort for both).
PERIOD_DAYS = f"""
CREATE TEMP TABLE hr_mpd ON COMMIT DROP AS
SELECT member_id, klass, g, scope, p, rday, cnt, f,
    sum(cnt) OVER w AS cum, row_number() OVER w = 1 AS opened
FROM (
    SELECT member_id, g, scope, {period("g", "oday")} AS p, rday, klass, count(*)::int AS cnt,
        min(recorded_at) AS f
    FROM hr_ev, (VALUES ('week'), ('month')) AS gg(g),
        LATERAL (VALUES (''), (channel)) AS s(scope)
    GROUP BY 1, 2, 3, 4, 5, 6
) AS d
WINDOW w AS (PARTITION BY member_id, g, scope, p ORDER BY rday)
"""
# Per member, channel ('' all) and recorded day: the earliest and latest interaction.
MEMBER_DAYS = """
CREATE TEMP TABLE hr_md ON COMMIT DROP AS
SELECT member_id, klass, scope, rday, min(occurred_at) AS lo, max(occurred_at) AS hi
FROM hr_ev, LATERAL (VALUES (''), (channel)) AS s(scope)
GROUP BY 1, 2, 3, 4
"""
# Per member, channel and active day: the recorded day it became known, the active day
# before it, and whether a day became known after a later one ('late': streamed through
# Python, see projections/health/replay_silence.py).
SILENCE_DAYS = """
CREATE TEMP TABLE hr_sd ON COMMIT DROP AS
WITH d AS (
    SELECT member_id, klass, scope, oday, min(rday) AS fk
    FROM hr_ev, LATERAL (VALUES (''), (channel)) AS s(scope)
    GROUP BY 1, 2, 3, 4
), o AS (
    SELECT *, lag(oday) OVER w AS pred,
        max(fk) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS known_before
    FROM d WINDOW w AS (PARTITION BY member_id, scope ORDER BY oday)
)
SELECT member_id, klass, scope, oday, fk,
    CASE WHEN pred IS NULL THEN NULL ELSE least((oday - pred - 1) / 7, %(cap)s) END AS weeks,
    bool_or(known_before > fk) OVER (PARTITION BY member_id, scope) AS late
FROM o
"""
# Generators: (member_id, rday, target, g, c, p, metric, bucket, delta) rows of the members
# of the classes %(classes)s; target 'counts', 'daily' or 'rollups'.
# (Four scans of hr_mpd: far cheaper than a LATERAL VALUES row set per row.)
GEN_PERIODS = """
SELECT member_id, rday, 'counts', g, scope, p, 'interactions', 0, cnt FROM hr_mpd
WHERE klass = ANY(%(classes)s)
UNION ALL
SELECT member_id, rday, 'counts', g, scope, p, 'active', 0, 1 FROM hr_mpd
WHERE klass = ANY(%(classes)s) AND opened
UNION ALL
SELECT member_id, rday, 'rollups', g, scope, p, 'count', (cum - cnt)::int, -1 FROM hr_mpd
WHERE klass = ANY(%(classes)s) AND NOT opened
UNION ALL
SELECT member_id, rday, 'rollups', g, scope, p, 'count', cum::int, 1 FROM hr_mpd
WHERE klass = ANY(%(classes)s)
"""
# Each member's first and last interaction (all channels and each) known at the end of
# each recorded day, as days and their periods, beside those of the day before.
FIRST_LAST_DAYS = f"""
CREATE TEMP TABLE hr_fl ON COMMIT DROP AS
SELECT *, lag(lo_day) OVER w AS lo_day_b, lag(lo_week) OVER w AS lo_week_b,
    lag(lo_month) OVER w AS lo_month_b, lag(hi_day) OVER w AS hi_day_b,
    lag(hi_week) OVER w AS hi_week_b, lag(hi_month) OVER w AS hi_month_b
FROM (
    SELECT member_id, klass, scope, rday, lo AS lo_day, {period("'week'", "lo")} AS lo_week,
        {period("'month'", "lo")} AS lo_month, hi AS hi_day, {period("'week'", "hi")} AS hi_week,
        {period("'month'", "hi")} AS hi_month
    FROM (
        SELECT member_id, klass, scope, rday,
            {utc("min(lo) OVER (PARTITION BY member_id, scope ORDER BY rday)")} AS lo,
            {utc("max(hi) OVER (PARTITION BY member_id, scope ORDER BY rday)")} AS hi
        FROM hr_md
    ) AS r
) AS p
WINDOW w AS (PARTITION BY member_id, scope ORDER BY rday)
"""


def _moves(metric: str, target: str, side: str, granularity: str, only: str) -> str:
    """SQL: a member out of the period they were in the day before and into today's."""
    now, before = f"{side}_{granularity}", f"{side}_{granularity}_b"
    common = f"'{target}', '{granularity}', scope"
    return (
        f"SELECT member_id, rday, {common}, {before}, '{metric}', 0, -1 FROM hr_fl"
        f" WHERE klass = ANY(%(classes)s) AND {only} {before} <> {now}"
        f" UNION ALL SELECT member_id, rday, {common}, {now}, '{metric}', 0, 1 FROM hr_fl"
        f" WHERE klass = ANY(%(classes)s) AND {only} {before} IS DISTINCT FROM {now}"
    )


GEN_FIRST_LAST = " UNION ALL ".join(
    [_moves("new", "counts", "lo", g, "scope = '' AND") for g in ("week", "month")]
    + [_moves("last", "rollups", "hi", g, "") for g in ("day", "week", "month")]
)
GEN_DAILY = """
SELECT member_id, rday, 'daily', 'day', channel, oday, kind, 0, count(*)::int
FROM hr_ev WHERE klass = ANY(%(classes)s)
GROUP BY member_id, rday, channel, oday, kind
"""
# Silence buckets of members whose days became known in order: a period's bucket on a
# recorded day is the running maximum of its days' silences known by then.
GEN_SILENCE = f"""
SELECT member_id, fk, 'rollups', g, scope, p, 'silence', x.bucket, x.delta FROM (
    SELECT *, lag(cur) OVER (PARTITION BY member_id, scope, g, p ORDER BY fk) AS before
    FROM (
        SELECT *, max(longest) OVER (PARTITION BY member_id, scope, g, p ORDER BY fk) AS cur
        FROM (
            SELECT member_id, scope, g, {period("g", "oday")} AS p, fk, max(weeks) AS longest
            FROM hr_sd, (VALUES ('week'), ('month')) AS gg(g)
            WHERE klass = ANY(%(classes)s) AND NOT late
            GROUP BY 1, 2, 3, 4, 5
        ) AS k
    ) AS r
) AS d, LATERAL (VALUES (before, -1), (cur, 1)) AS x(bucket, delta)
WHERE x.bucket IS NOT NULL AND cur IS DISTINCT FROM before
UNION ALL
SELECT member_id, rday, 'rollups', g, scope, p, 'silence', bucket, delta
FROM hr_late_silence WHERE klass = ANY(%(classes)s)
"""
# The 'stage' buckets (projections/health/rollups.py STAGES) as an SQL array.
STAGES = "ARRAY[" + ", ".join(f"'{stage}'" for stage in STAGE_BUCKETS) + "]"
# Each member's stage at the end of each recorded day it changed on, and the one before.
STAGE_DAYS = f"""
CREATE TEMP TABLE hr_stages ON COMMIT DROP AS
SELECT member_id, rday, stage,
    coalesce(lag(stage) OVER (PARTITION BY member_id ORDER BY rday), '') AS before,
    lead(rday) OVER (PARTITION BY member_id ORDER BY rday) AS until
FROM (
    SELECT DISTINCT ON (member_id, rday) member_id, {utc("recorded_at")} AS rday, stage
    FROM health_replay_stages ORDER BY member_id, rday, seq DESC
) AS s
"""
# A member's period counts in the stage they hold at the end of the day it opened (the
# stage row whose days [rday, until) hold it, if any: a hash join, not a probe per row),
# then moves with each later change of stage.
GEN_STAGE = f"""
WITH opened AS (
    SELECT member_id, g, scope, p, rday AS a FROM hr_mpd WHERE klass = ANY(%(classes)s) AND opened
)
SELECT o.member_id, o.a, 'rollups', o.g, o.scope, o.p, 'stage',
    coalesce(array_position({STAGES}, s.stage) - 1, 0), 1
FROM opened o LEFT JOIN hr_stages s
    ON s.member_id = o.member_id AND s.rday <= o.a AND (s.until IS NULL OR o.a < s.until)
UNION ALL
SELECT o.member_id, h.rday, 'rollups', o.g, o.scope, o.p, 'stage',
    coalesce(array_position({STAGES}, x.stage) - 1, 0), x.delta
FROM opened o JOIN hr_stages h ON h.member_id = o.member_id AND h.rday > o.a
    AND h.stage <> h.before,
LATERAL (VALUES (h.before, -1), (h.stage, 1)) AS x(stage, delta)
"""
GENERATORS = (
    GEN_PERIODS,
    GEN_FIRST_LAST,
    GEN_DAILY,
    GEN_SILENCE,
    GEN_STAGE,
    GEN_THREADS,
    GEN_NEWCOMERS,
)
GENERATED = " UNION ALL ".join(f"({query})" for query in GENERATORS)
ROW = "member_id, rday, target, g, c, p, metric, bucket, delta"
AGGREGATE = """
CREATE TEMP TABLE hr_agg (target text, g text, c text, p date, metric text, bucket int,
    rday date, delta bigint) ON COMMIT DROP
"""
# Each generator summed on its own: smaller hash tables than one over all of them.
AGGREGATED = tuple(
    f"""INSERT INTO hr_agg SELECT target, g, c, p, metric, bucket, rday, sum(delta)
    FROM ({query}) AS e({ROW}) GROUP BY 1, 2, 3, 4, 5, 6, 7"""
    for query in GENERATORS
)
FLAGGED = f"""
CREATE TEMP TABLE hr_fe ON COMMIT DROP AS SELECT * FROM ({GENERATED}) AS e({ROW})
"""
# Members whose flags changed in the log: what they add known at the end of a day counts
# while they count; on the day they stop (start) counting, all they added before the day
# is taken out (added back), as the live projection does from their rows.
MASKED = f"""
INSERT INTO hr_agg (target, g, c, p, metric, bucket, rday, delta)
WITH fd AS (
    SELECT DISTINCT ON (member_id, rday) member_id, rday, counted
    FROM (SELECT member_id, {utc("recorded_at")} AS rday, counted, seq
        FROM health_replay_flags) AS f
    ORDER BY member_id, rday, seq DESC
), toggles AS (
    SELECT member_id, rday, counted FROM (
        SELECT *, coalesce(lag(counted) OVER (PARTITION BY member_id ORDER BY rday), true)
            AS before
        FROM fd
    ) AS t
    WHERE counted <> before
)
SELECT e.target, e.g, e.c, e.p, e.metric, e.bucket, e.rday, e.delta FROM hr_fe e
WHERE coalesce((SELECT counted FROM fd WHERE fd.member_id = e.member_id AND fd.rday <= e.rday
    ORDER BY fd.rday DESC LIMIT 1), true)
UNION ALL
SELECT e.target, e.g, e.c, e.p, e.metric, e.bucket, t.rday,
    CASE WHEN t.counted THEN e.delta ELSE -e.delta END
FROM toggles t JOIN hr_fe e ON e.member_id = t.member_id AND e.rday < t.rday
"""
WRITE_DELTAS = (
    """INSERT INTO health_counts (granularity, channel, period, metric, recorded_day, delta)
    SELECT g, c, p, metric, rday, sum(delta) FROM hr_agg WHERE target = 'counts'
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0""",
    """INSERT INTO health_daily (day, channel, kind, recorded_day, interactions)
    SELECT p, c, metric, rday, sum(delta) FROM hr_agg WHERE target = 'daily'
    GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0""",
    """INSERT INTO health_rollups (granularity, channel, period, metric, bucket, recorded_day,
        delta)
    SELECT g, c, p, metric, bucket, rday, sum(delta) FROM hr_agg WHERE target = 'rollups'
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(delta) <> 0""",
    """INSERT INTO health_rollup_totals (granularity, channel, period, metric, bucket, members)
    SELECT granularity, channel, period, metric, bucket, sum(delta) FROM health_rollups
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0""",
    *WRITE_SPIKE_DELTAS,
)
