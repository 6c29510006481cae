"""The SQL of the `health` projection: loading and saving a page's members, periods and deltas."""

from __future__ import annotations

LOAD_MEMBERS = """
SELECT member_id, joined_at, left_at, is_staff, is_bot, erased, first_at, last_at, stage,
    source_channel, counted_as, person_of
FROM health_members WHERE member_id = ANY(%s)
"""
SAVE_MEMBERS = """
INSERT INTO health_members AS h
    (member_id, joined_at, left_at, is_staff, is_bot, erased, first_at, last_at, stage,
    source_channel, counted_as, person_of)
SELECT * FROM json_to_recordset(%s::json) AS r(m uuid, j timestamptz, l timestamptz,
    s boolean, b boolean, e boolean, f timestamptz, a timestamptz, g text, c text, x uuid,
    o uuid)
ON CONFLICT (member_id) DO UPDATE SET joined_at = EXCLUDED.joined_at,
    left_at = EXCLUDED.left_at, is_staff = EXCLUDED.is_staff, is_bot = EXCLUDED.is_bot,
    erased = EXCLUDED.erased, first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at,
    stage = EXCLUDED.stage, source_channel = EXCLUDED.source_channel,
    counted_as = EXCLUDED.counted_as, person_of = EXCLUDED.person_of
"""
LOAD_PERIODS = """
SELECT p.member_id, p.granularity, p.period, p.channel, p.kind, p.interactions,
    p.first_recorded_at, p.silence
FROM json_to_recordset(%s::json) AS r(m uuid, g text, p date, c text, k text)
JOIN health_member_periods p ON (p.member_id, p.granularity, p.period, p.channel, p.kind)
    = (r.m, r.g, r.p, r.c, r.k)
"""
SAVE_PERIODS = """
INSERT INTO health_member_periods AS h
    (member_id, granularity, period, channel, kind, interactions, first_recorded_at, silence)
SELECT * FROM json_to_recordset(%s::json) AS r(m uuid, g text, p date, c text, k text,
    n int, f timestamptz, s smallint)
ON CONFLICT (member_id, granularity, period, channel, kind) DO UPDATE SET
    interactions = EXCLUDED.interactions, first_recorded_at = EXCLUDED.first_recorded_at,
    silence = EXCLUDED.silence
"""
ADD_COUNTS = """
INSERT INTO health_counts AS h (granularity, channel, period, metric, recorded_day, delta)
SELECT * FROM json_to_recordset(%s::json) AS r(g text, c text, p date, m text, d date, n int)
ON CONFLICT (granularity, channel, period, metric, recorded_day) DO UPDATE SET
    delta = h.delta + EXCLUDED.delta
"""
ADD_DAILY = """
INSERT INTO health_daily AS h (day, channel, kind, recorded_day, interactions)
SELECT * FROM json_to_recordset(%s::json) AS r(p date, c text, k text, d date, n int)
ON CONFLICT (day, channel, kind, recorded_day) DO UPDATE SET
    interactions = h.interactions + EXCLUDED.interactions
"""
# A member's whole contribution, added (sign 1) or taken out (sign -1) on a recorded day,
# from their rows: active once and interactions per week, month and channel, and per day.
COUNTS_OF_MEMBER = """
INSERT INTO health_counts AS h (granularity, channel, period, metric, recorded_day, delta)
SELECT granularity, channel, period, metric, %(day)s, %(sign)s * n
FROM health_member_periods,
    LATERAL (VALUES ('active', 1), ('interactions', interactions)) AS m(metric, n)
WHERE member_id = %(member)s AND granularity <> 'day'
ON CONFLICT (granularity, channel, period, metric, recorded_day) DO UPDATE SET
    delta = h.delta + EXCLUDED.delta
"""
DAILY_OF_MEMBER = """
INSERT INTO health_daily AS h (day, channel, kind, recorded_day, interactions)
SELECT period, channel, kind, %(day)s, %(sign)s * interactions
FROM health_member_periods WHERE member_id = %(member)s AND granularity = 'day'
ON CONFLICT (day, channel, kind, recorded_day) DO UPDATE SET
    interactions = h.interactions + EXCLUDED.interactions
"""
FORGET_PERIODS = "DELETE FROM health_member_periods WHERE member_id = %s"
FORGET_LASTS = "DELETE FROM health_member_lasts WHERE member_id = %s"
LOAD_LASTS = """
SELECT member_id, channel, last_at FROM health_member_lasts WHERE member_id = ANY(%s)
"""
SAVE_LASTS = """
INSERT INTO health_member_lasts (member_id, channel, last_at)
SELECT * FROM json_to_recordset(%s::json) AS r(m uuid, c text, a timestamptz)
ON CONFLICT (member_id, channel) DO UPDATE SET last_at = EXCLUDED.last_at
"""
ADD_ROLLUPS = """
INSERT INTO health_rollups AS h
    (granularity, channel, period, metric, bucket, recorded_day, delta)
SELECT * FROM json_to_recordset(%s::json)
    AS r(g text, c text, p date, m text, b int, d date, n int)
ON CONFLICT (granularity, channel, period, metric, bucket, recorded_day) DO UPDATE SET
    delta = h.delta + EXCLUDED.delta
"""
ADD_TOTALS = """
INSERT INTO health_rollup_totals AS h (granularity, channel, period, metric, bucket, members)
SELECT * FROM json_to_recordset(%s::json) AS r(g text, c text, p date, m text, b int, n int)
ON CONFLICT (granularity, channel, period, metric, bucket) DO UPDATE SET
    members = h.members + EXCLUDED.members
"""
ADD_COHORTS = """
INSERT INTO health_cohorts AS h (granularity, cohort, period, members)
SELECT * FROM json_to_recordset(%s::json) AS r(g text, c date, p date, n int)
ON CONFLICT (granularity, cohort, period) DO UPDATE SET members = h.members + EXCLUDED.members
"""
ADD_MEMBERSHIP = """
INSERT INTO health_membership_days AS h (day, joined, left_)
SELECT * FROM json_to_recordset(%s::json) AS r(d date, j int, l int)
ON CONFLICT (day) DO UPDATE SET joined = h.joined + EXCLUDED.joined,
    left_ = h.left_ + EXCLUDED.left_
"""
# Members' net stage moves (n members into bucket k on day d, out of it when n < 0) applied
# to their stored week and month rows: the deltas to the 'stage' rollup, one row per bucket
# moved into or out of. Each member's rows are read once, whatever the number of buckets.
STAGE_MOVES = """
WITH moves AS MATERIALIZED (
    SELECT * FROM json_to_recordset(%s::json) AS t(m uuid, k int, n int, d date)
),
member_rows AS MATERIALIZED (
    SELECT r.member_id, r.granularity, r.channel, r.period FROM health_member_periods r
    WHERE r.member_id IN (SELECT m FROM moves) AND r.granularity <> 'day'
)
SELECT r.granularity, r.channel, r.period, t.k, t.d, sum(t.n)::int
FROM moves t JOIN member_rows r ON r.member_id = t.m
GROUP BY 1, 2, 3, 4, 5
"""
# A member's week and month rows (all channels and per channel), with their buckets.
ROWS_OF_MEMBER = """
SELECT granularity, period, channel, interactions, first_recorded_at, silence
FROM health_member_periods WHERE member_id = %s AND granularity <> 'day'
"""
# Members' week and month rows, and their active days per channel.
ROWS_OF_MEMBERS = """
SELECT member_id, granularity, period, channel, interactions, first_recorded_at, silence
FROM health_member_periods WHERE member_id = ANY(%s) AND granularity <> 'day'
"""
DAYS_OF_MEMBERS = """
SELECT DISTINCT member_id, period, channel FROM health_member_periods
WHERE member_id = ANY(%s) AND granularity = 'day'
"""
