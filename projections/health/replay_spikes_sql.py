"""The set-based rebuild's SQL for the spike rollups (projections/health/spike_rollups.py):
threads and events per day, each member's share of them, newcomers per first day and source.

The generators yield replay_sql's rows (member_id, rday, target, g, c, p, metric, bucket,
delta); for target 'threads' g holds the thread_ref and metric the event kind ('' none),
for 'newcomers' c holds the source channel and p the first day.
"""

from __future__ import annotations

from projections.health.spike_rollups import EVENT_KINDS, NO_EVENT

# An interaction's kind in the thread rollups: an event kind, or NO_EVENT.
_KIND = (
    "CASE WHEN kind IN ("
    + ", ".join(f"'{kind}'" for kind in EVENT_KINDS)
    + f") THEN kind ELSE '{NO_EVENT}' END"
)
GEN_THREADS = f"""
SELECT member_id, rday, 'threads', thread_ref, channel, oday, {_KIND}, 0, count(*)::int
FROM hr_ev WHERE klass = ANY(%(classes)s) AND thread_ref IS NOT NULL
GROUP BY member_id, rday, thread_ref, channel, oday, 7
"""
# A member out of the day of their first interaction known the day before and into
# today's, under the channel they joined from (hr_fl: replay_sql.FIRST_LAST_DAYS).
GEN_NEWCOMERS = """
SELECT f.member_id, f.rday, 'newcomers', 'day', coalesce(m.source_channel, ''), f.lo_day_b,
    'new', 0, -1
FROM hr_fl f LEFT JOIN health_replay_members m USING (member_id)
WHERE f.klass = ANY(%(classes)s) AND f.scope = '' AND f.lo_day_b <> f.lo_day
UNION ALL
SELECT f.member_id, f.rday, 'newcomers', 'day', coalesce(m.source_channel, ''), f.lo_day,
    'new', 0, 1
FROM hr_fl f LEFT JOIN health_replay_members m USING (member_id)
WHERE f.klass = ANY(%(classes)s) AND f.scope = '' AND f.lo_day_b IS DISTINCT FROM f.lo_day
"""
WRITE_DELTAS = (
    """INSERT INTO health_threads (day, thread_ref, channel, kind, recorded_day, interactions)
    SELECT p, g, c, metric, rday, sum(delta) FROM hr_agg WHERE target = 'threads'
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0""",
    """INSERT INTO health_newcomers (day, source_channel, recorded_day, members)
    SELECT p, c, rday, sum(delta) FROM hr_agg WHERE target = 'newcomers'
    GROUP BY 1, 2, 3 HAVING sum(delta) <> 0""",
)
# Each member's share of the threads, but an erased member's (%s: the erased members).
WRITE_MEMBER_THREADS = f"""
INSERT INTO health_member_threads (member_id, day, thread_ref, channel, kind, interactions)
SELECT member_id, oday, thread_ref, channel, {_KIND}, count(*) FROM hr_ev
WHERE thread_ref IS NOT NULL AND member_id NOT IN {{erased}}
GROUP BY 1, 2, 3, 4, 5
"""
